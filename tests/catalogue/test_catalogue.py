"""The closed catalogue: its ids, its JSON form, the never-collected names, and buildability."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from credo.catalogue import denied_family, get_catalogue
from credo.cli.main import app
from credo.errors import InvalidInput
from credo.furnishers.service import check_categories
from credo.records.validation import Validator, ValidRecord
from tests.envelopes import ORG, PERSON

DESIGN_IDS = [
    "loan.opened",
    "loan.repayment",
    "loan.default",
    "loan.closed",
    "card.utilisation",
    "bill.payment",
    "tax.filing",
    "tax.arrears",
    "court.judgment",
    "court.fulfilment",
    "court.listing",
    "court.delisting",
    "penalty.imposed",
    "penalty.paid",
    "licence.granted",
    "licence.revoked",
    "inspection.result",
    "contract.breach",
    "commendation",
    "identity.verification",
    "payment.transfer",
]
FIELD_TYPES = {"string", "integer", "decimal", "date", "boolean", "email"}
TODAY = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def printed() -> dict[str, Any]:
    """What `credo catalogue --json` prints (its last stdout line)."""
    result = CliRunner().invoke(app, ["catalogue", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_category_ids_are_exactly_designs_list() -> None:
    assert sorted(get_catalogue().categories) == sorted(DESIGN_IDS)
    assert len(DESIGN_IDS) == len(set(DESIGN_IDS)) == 21


def test_catalogue_json_shape(printed: dict[str, Any]) -> None:
    categories = printed["categories"]
    assert [c["id"] for c in categories] == list(get_catalogue().categories)
    assert sorted(c["id"] for c in categories) == sorted(DESIGN_IDS)
    kinds = set(printed["furnisher_kinds"])
    assert {"bank", "court", "regulator", "payment_platform", "tax_office"} <= kinds
    for category in categories:
        assert {"id", "furnisher_kinds", "subject_kinds", "legal_basis_required", "fields"} <= set(
            category
        )
        assert category["furnisher_kinds"] and set(category["furnisher_kinds"]) <= kinds
        assert category["subject_kinds"] and set(category["subject_kinds"]) <= {
            "person",
            "organisation",
        }
        assert isinstance(category["legal_basis_required"], bool)
        assert category["fields"], category["id"]
        for field in category["fields"]:
            assert {"name", "type", "required", "choices", "min", "max"} <= set(field)
            assert field["type"] in FIELD_TYPES
            assert isinstance(field["required"], bool)
            assert field["choices"] is None or (
                isinstance(field["choices"], list) and field["choices"]
            )
            assert denied_family(field["name"]) is None


def test_catalogue_json_states_the_rules_design_names(printed: dict[str, Any]) -> None:
    by_id = {c["id"]: c for c in printed["categories"]}
    assert by_id["payment.transfer"]["subject_kinds"] == ["person"]
    assert by_id["licence.granted"]["subject_kinds"] == ["organisation"]
    assert by_id["payment.transfer"]["dimension"] == "none"
    for court_or_administrative in ("court.judgment", "court.listing", "penalty.imposed"):
        assert by_id[court_or_administrative]["legal_basis_required"] is True
    assert by_id["loan.repayment"]["legal_basis_required"] is False


def test_catalogue_table_lists_every_category() -> None:
    result = CliRunner().invoke(app, ["catalogue"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    for category_id in DESIGN_IDS:
        assert category_id in result.stdout


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("religion", "religion"),
        ("religious_affiliation", "religion"),
        ("ethnicity", "ethnicity"),
        ("ethnic_group", "ethnicity"),
        ("politics", "political opinion"),
        ("political_party", "political opinion"),
        ("speech", "speech or social-media content"),
        ("posts", "speech or social-media content"),
        ("social_media_handle", "speech or social-media content"),
        ("SocialMedia", "speech or social-media content"),
        ("friends", "friends' or relatives' behaviour"),
        ("relatives_defaults", "friends' or relatives' behaviour"),
        ("contacts_count", "friends' or relatives' behaviour"),
        ("health_status", "health, genetic or biometric data"),
        ("medical_history", "health, genetic or biometric data"),
        ("genetic_marker", "health, genetic or biometric data"),
        ("biometric_template", "health, genetic or biometric data"),
        ("blood_type", "health, genetic or biometric data"),
        ("bloodType", "health, genetic or biometric data"),
        ("fingerprints", "health, genetic or biometric data"),
        ("location", "location traces"),
        ("gps_location", "location traces"),
        ("GPS", "location traces"),
        ("religion.membership", "religion"),
        ("social.posts", "speech or social-media content"),
    ],
)
def test_denied_family_catches_each_family(name: str, family: str) -> None:
    assert denied_family(name) == family


@pytest.mark.parametrize(
    "name",
    [
        "days_late",
        "postcode",
        "counterparty_id",
        "court_name",
        "loan_id",
        "latest_balance",
        "lender",
        "decision_number",
        "authority",
        "account_id",
    ],
)
def test_denied_family_leaves_ordinary_names(name: str) -> None:
    assert denied_family(name) is None


def test_every_catalogue_field_and_id_is_allowed() -> None:
    for category in get_catalogue().categories.values():
        assert denied_family(category.id) is None
        for field in category.fields:
            assert denied_family(field.name) is None


@pytest.mark.parametrize(
    ("category_id", "code"),
    [
        ("religion.membership", "never_collected"),
        ("health.diagnosis", "never_collected"),
        ("social_media.posts", "never_collected"),
        ("location.checkin", "never_collected"),
        ("loan.rollover", "unknown_category"),
        ("sesame.score", "unknown_category"),
        ("LOAN.REPAYMENT", "unknown_category"),
    ],
)
def test_category_outside_the_catalogue_is_refused(category_id: str, code: str) -> None:
    with pytest.raises(InvalidInput) as info:
        get_catalogue().get(category_id)
    assert info.value.code == code
    assert info.value.details == [{"field": "category", "value": category_id}]
    assert category_id in info.value.message


# --- building a valid envelope for every category from the printed catalogue ---------


def value_for(field: dict[str, Any]) -> Any:
    """A valid value read off the catalogue: first choice, minimum, today, true."""
    kind = field["type"]
    if field["choices"]:
        return field["choices"][0]
    if kind == "string":
        return f"{field['name']}-1"
    if kind == "integer":
        return int(field["min"]) if field["min"] is not None else 1
    if kind == "decimal":
        return str(Decimal(str(field["min"])) if field["min"] is not None else Decimal("1.00"))
    if kind == "date":
        return TODAY.isoformat()
    if kind == "email":
        return "someone@example.org"
    return True


def build(category: dict[str, Any], external_id: str) -> dict[str, Any]:
    """An envelope built only from the catalogue's JSON description of a category."""
    person = "person" in category["subject_kinds"]
    fields = {f["name"]: value_for(f) for f in category["fields"]}
    for field in category["fields"]:  # a field naming another that holds an identifier scheme
        scheme_field = field.get("identifier_scheme")
        if scheme_field:
            fields[scheme_field] = "cn_ric"
            fields[field["name"]] = PERSON
    envelope: dict[str, Any] = {
        "external_id": external_id,
        "category": category["id"],
        "subject": {"scheme": "cn_ric", "id": PERSON}
        if person
        else {"scheme": "cn_uscc", "id": ORG},
        "occurred_on": TODAY.isoformat(),
        "legal_basis": "Regulation art. 1" if category["legal_basis_required"] else None,
        "fields": fields,
    }
    if category.get("amount", "optional") != "none":
        envelope["amount"] = "100.00"
        envelope["currency"] = "CNY"
    return envelope


@pytest.mark.parametrize("category_id", DESIGN_IDS)
def test_a_valid_envelope_can_be_built_from_the_catalogue(
    printed: dict[str, Any], category_id: str
) -> None:
    category = next(c for c in printed["categories"] if c["id"] == category_id)
    for kind in category["furnisher_kinds"]:
        # A furnisher of this kind may be registered for the category...
        permitted = frozenset(check_categories(kind=kind, categories=[category_id]))
        validator = Validator(
            catalogue=get_catalogue(), permitted=permitted, secret=b"k", today=TODAY
        )
        # ...and the envelope built from the catalogue alone is accepted.
        result = validator.validate(build(category, f"{kind}-{category_id}"))
        assert isinstance(result, ValidRecord), [e.to_dict() for e in result]
        assert result.category == category_id


def test_a_furnisher_kind_not_listed_may_not_register_the_category() -> None:
    with pytest.raises(InvalidInput) as info:
        check_categories(kind="bank", categories=["court.judgment"])
    assert info.value.details == [{"field": "categories", "value": "court.judgment"}]
