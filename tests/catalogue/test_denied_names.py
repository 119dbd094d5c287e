"""The never-collected families refuse what they name and leave ordinary words alone."""

from __future__ import annotations

import pytest

from credo.catalogue import denied_family


@pytest.mark.parametrize(
    "name",
    [
        "post_code",
        "face_value",
        "parent_company_id",
        "contact_phone",
        "family_name",
        "postal_address",
        "party_size",
        "third_party_ref",
    ],
)
def test_ordinary_names_pass(name: str) -> None:
    assert denied_family(name) is None


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("contact_list", "friends' or relatives' behaviour"),
        ("family_members", "friends' or relatives' behaviour"),
        ("face_image", "health, genetic or biometric data"),
        ("social_post", "speech or social-media content"),
        ("party_membership", "political opinion"),
    ],
)
def test_denied_names_are_caught(name: str, family: str) -> None:
    assert denied_family(name) == family


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Religion", "religion"),
        ("RELIGION", "religion"),
        ("religiousAffiliation", "religion"),
        ("ReligiousAffiliation", "religion"),
        ("political-party", "political opinion"),
        ("Political Party", "political opinion"),
        ("partyMembership", "political opinion"),
        ("ｒｅｌｉｇｉｏｎ", "religion"),  # full-width letters (NFKC)
        ("ＢｌｏｏｄＴｙｐｅ", "health, genetic or biometric data"),
        ("bloodtype", "health, genetic or biometric data"),
        ("GPSTrace", "location traces"),
        ("contactList", "friends' or relatives' behaviour"),
        ("FACE__IMAGE", "health, genetic or biometric data"),
    ],
)
def test_denied_names_are_caught_whatever_the_spelling(name: str, family: str) -> None:
    assert denied_family(name) == family


@pytest.mark.parametrize("name", ["postCode", "FamilyName", "contactPhone", "thirdPartyRef"])
def test_ordinary_names_in_other_spellings_pass(name: str) -> None:
    assert denied_family(name) is None


def test_denied_within_finds_names_at_any_depth() -> None:
    from credo.catalogue.denied import denied_within

    value = {"loan_id": "L", "extra": [{"ok": 1}, {"meta": {"Religion": "x"}}]}
    assert denied_within(value, "fields") == ("fields.extra.1.meta.Religion", "religion")
    assert denied_within({"a": {"b": [1, 2]}}) is None
