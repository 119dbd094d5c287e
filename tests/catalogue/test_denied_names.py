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
