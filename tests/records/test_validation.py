"""The pure Validator: each rule, no store."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from stdnum.cn import ric

from credo.catalogue import FieldSpec, get_catalogue
from credo.records.validation import (
    RowError,
    Validator,
    ValidRecord,
    check_field,
    parse_date,
    parse_decimal,
)
from credo.subjects.identifiers import keyed_hash
from tests.envelopes import ORG, PERSON, TODAY, licence, repayment

SECRET = b"unit-secret"
ALL = frozenset(get_catalogue().categories)
OTHER = "11010519800101002" + ric.calc_check_digit("11010519800101002" + "0")


def validator(permitted: frozenset[str] = ALL) -> Validator:
    return Validator(catalogue=get_catalogue(), permitted=permitted, secret=SECRET, today=TODAY)


def errors_of(envelope: dict[str, Any], permitted: frozenset[str] = ALL) -> list[RowError]:
    result = validator(permitted).validate(envelope)
    assert isinstance(result, list), "expected errors, the envelope was accepted"
    assert result
    return result


def only_error(envelope: dict[str, Any], **expected: Any) -> RowError:
    errors = errors_of(envelope)
    assert len(errors) == 1, [e.to_dict() for e in errors]
    (error,) = errors
    for key, value in expected.items():
        assert getattr(error, key) == value, error
    return error


def with_fields(envelope: dict[str, Any], **extra: Any) -> dict[str, Any]:
    envelope["fields"] = {**envelope["fields"], **extra}
    return envelope


# --- accepted envelopes ---------------------------------------------------------------


def test_valid_repayment_is_normalised() -> None:
    result = validator().validate(repayment(amount="1200.5"))
    assert isinstance(result, ValidRecord)
    assert result.external_id == "r-1" and result.category == "loan.repayment"
    assert result.identity.key == keyed_hash(SECRET, "cn_ric", PERSON)
    assert result.identity.display == "110105********002X"
    assert result.name == "Wang Fang"
    assert result.occurred_on == dt.date(2026, 3, 1)
    assert result.amount_minor == 120050 and result.currency == "CNY"
    assert json.loads(result.fields_json) == {"loan_id": "L-88", "days_late": 0}
    assert result.fields_json == '{"days_late":0,"loan_id":"L-88"}'  # canonical: sorted keys
    assert len(result.content_hash) == 64


def test_valid_licence_about_an_organisation() -> None:
    result = validator().validate(licence())
    assert isinstance(result, ValidRecord)
    assert result.identity.key == ORG and result.amount_minor is None
    assert result.legal_basis == "Food Safety Law art. 35"


@pytest.mark.parametrize("amount", ["1200", "1200.00", 1200, 1200.0, "01200.0"])
def test_equal_amounts_give_equal_content(amount: Any) -> None:
    base = validator().validate(repayment())
    other = validator().validate(repayment(amount=amount))
    assert isinstance(base, ValidRecord) and isinstance(other, ValidRecord)
    assert other.amount_minor == 120000
    assert other.content_hash == base.content_hash


def test_content_hash_ignores_field_order_and_external_id_but_not_content() -> None:
    base = validator().validate(repayment())
    reordered = validator().validate(
        repayment("other-id", fields={"days_late": 0, "loan_id": "L-88"})
    )
    changed = validator().validate(repayment(fields={"loan_id": "L-88", "days_late": 1}))
    assert isinstance(base, ValidRecord) and isinstance(reordered, ValidRecord)
    assert isinstance(changed, ValidRecord)
    assert reordered.content_hash == base.content_hash
    assert changed.content_hash != base.content_hash


def test_optional_field_and_name_may_be_left_out() -> None:
    envelope = repayment(subject={"scheme": "cn_ric", "id": PERSON})
    del envelope["legal_basis"]
    result = validator().validate(with_fields(envelope, due_on="2026-02-28"))
    assert isinstance(result, ValidRecord)
    assert result.name is None
    assert json.loads(result.fields_json)["due_on"] == "2026-02-28"


def test_occurred_today_is_accepted() -> None:
    assert isinstance(validator().validate(repayment(occurred_on=TODAY.isoformat())), ValidRecord)


def test_counterparty_identifier_is_stored_as_its_key() -> None:
    envelope = repayment(
        category="payment.transfer",
        fields={
            "counterparty_scheme": "cn_ric",
            "counterparty_id": OTHER.lower(),
            "direction": "in",
        },
    )
    result = validator().validate(envelope)
    assert isinstance(result, ValidRecord)
    stored = json.loads(result.fields_json)
    assert stored["counterparty_id"] == keyed_hash(SECRET, "cn_ric", OTHER)
    assert OTHER not in result.fields_json


def test_identity_checks_are_cached_across_rows() -> None:
    check = validator()
    first = check.validate(repayment("a"))
    second = check.validate(repayment("b"))
    assert isinstance(first, ValidRecord) and isinstance(second, ValidRecord)
    assert first.identity is second.identity
    bad = repayment("c", subject={"scheme": "cn_ric", "id": PERSON[:-1] + "1"})
    assert isinstance(check.validate(bad), list) and isinstance(check.validate(bad), list)


# --- refused envelopes: each rule -----------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", 5, "x" * 129])
def test_external_id_must_be_a_short_string(value: Any) -> None:
    only_error(repayment(external_id=value), field="external_id", value=value)


def test_external_id_of_128_characters_is_accepted() -> None:
    assert isinstance(validator().validate(repayment("x" * 128)), ValidRecord)


def test_unknown_envelope_key() -> None:
    only_error({**repayment(), "score": 700}, field="score", value=700, code="unknown_field")


@pytest.mark.parametrize("key", ["gps_location", "religion", "ethnicity", "friends"])
def test_denied_envelope_key(key: str) -> None:
    error = only_error({**repayment(), key: "x"}, field=key, value="x", code="never_collected")
    assert "never collected" in error.reason


@pytest.mark.parametrize(
    ("category", "code"),
    [
        ("loan.rollover", "unknown_category"),
        ("religion.donation", "never_collected"),
        (None, "invalid_field"),
        (7, "invalid_field"),
    ],
)
def test_category_outside_the_catalogue(category: Any, code: str) -> None:
    errors = errors_of(repayment(category=category))
    assert errors[0].field == "category" and errors[0].value == category
    assert errors[0].code == code


def test_category_the_furnisher_may_not_furnish() -> None:
    errors = errors_of(repayment(), permitted=frozenset({"loan.opened"}))
    assert [(e.field, e.value, e.code) for e in errors] == [
        ("category", "loan.repayment", "category_not_permitted")
    ]


@pytest.mark.parametrize(
    ("subject", "field", "code"),
    [
        ("11010519491231002X", "subject", "invalid_field"),
        ({"scheme": "cn_ric"}, "subject", "invalid_field"),
        ({"scheme": "cn_ric", "id": 11010519491231002}, "subject", "invalid_field"),
        ({"scheme": "cn_ric", "id": PERSON[:-1] + "0"}, "subject.id", "invalid_identifier"),
        ({"scheme": "cn_ric", "id": "110105194913310025"}, "subject.id", "invalid_identifier"),
        ({"scheme": "cn_uscc", "id": ORG[:-1] + "A"}, "subject.id", "invalid_identifier"),
        ({"scheme": "passport", "id": "E1"}, "subject.scheme", "unknown_scheme"),
        ({"scheme": "cn_ric", "id": PERSON, "name": "x" * 201}, "subject.name", "invalid_field"),
        ({"scheme": "cn_ric", "id": PERSON, "email": "a@b"}, "subject.email", "unknown_field"),
    ],
)
def test_subject_rules(subject: Any, field: str, code: str) -> None:
    errors = errors_of(repayment(subject=subject))
    assert [(e.field, e.code) for e in errors] == [(field, code)]


def test_denied_subject_key_is_never_collected() -> None:
    subject = {"scheme": "cn_ric", "id": PERSON, "ethnicity": "x"}
    only_error(repayment(subject=subject), field="subject.ethnicity", code="never_collected")


def test_person_category_on_an_organisation() -> None:
    envelope = repayment(
        category="payment.transfer",
        subject={"scheme": "cn_uscc", "id": ORG},
        fields={"counterparty_scheme": "cn_ric", "counterparty_id": OTHER, "direction": "out"},
    )
    only_error(envelope, field="subject.scheme", value="cn_uscc", code="wrong_subject_kind")


def test_organisation_category_on_a_person() -> None:
    envelope = licence(subject={"scheme": "cn_ric", "id": PERSON})
    only_error(envelope, field="subject.scheme", value="cn_ric", code="wrong_subject_kind")


@pytest.mark.parametrize(
    "value", [None, "", "2026-02-30", "2026-3-1", "01/03/2026", 20260301, "2026-03-01T00:00"]
)
def test_occurred_on_must_be_a_date(value: Any) -> None:
    only_error(repayment(occurred_on=value), field="occurred_on", value=value, code="invalid_field")


@pytest.mark.parametrize("value", ["2026-W09-7", "20260301T0", "2026W097  "])
def test_occurred_on_must_be_written_yyyy_mm_dd(value: str) -> None:
    # parse_date promises "YYYY-MM-DD"; Python 3.11's fromisoformat also takes ISO week
    # and basic forms of exactly 10 characters.
    only_error(repayment(occurred_on=value), field="occurred_on", value=value)


def test_occurred_on_in_the_future() -> None:
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    only_error(repayment(occurred_on=tomorrow), field="occurred_on", code="future_date")


def test_date_object_is_accepted_and_datetime_refused() -> None:
    assert isinstance(validator().validate(repayment(occurred_on=TODAY)), ValidRecord)
    only_error(repayment(occurred_on=dt.datetime(2026, 3, 1)), field="occurred_on")


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("-0.01", "negative_amount"),
        (-5, "negative_amount"),
        ("1.001", "invalid_field"),
        ("1e15", "invalid_field"),
        ("abc", "invalid_field"),
        ("NaN", "invalid_field"),
        ("Infinity", "invalid_field"),
        (True, "invalid_field"),
        ([1], "invalid_field"),
    ],
)
def test_amount_rules(amount: Any, code: str) -> None:
    errors = errors_of(repayment(amount=amount))
    assert errors[0].field == "amount" and errors[0].code == code
    assert errors[0].value == amount


def test_largest_amount_is_accepted() -> None:
    result = validator().validate(repayment(amount="999999999999999.99"))
    assert isinstance(result, ValidRecord) and result.amount_minor == 99999999999999999


def test_amount_required_missing() -> None:
    only_error(repayment(amount=None, currency=None), field="amount", value=None)


def test_amount_where_the_category_has_none() -> None:
    only_error(licence(amount="10.00", currency="CNY"), field="amount", value="10.00")


@pytest.mark.parametrize("currency", [None, "cny", "CN", "CNYX", "1NY", 156])
def test_currency_must_be_iso_4217(currency: Any) -> None:
    only_error(repayment(currency=currency), field="currency", value=currency)


def test_currency_without_amount() -> None:
    only_error(licence(currency="CNY"), field="currency", value="CNY")


@pytest.mark.parametrize("basis", [None, "", "   "])
def test_legal_basis_required_for_court_and_administrative_records(basis: Any) -> None:
    only_error(licence(legal_basis=basis), field="legal_basis", code="legal_basis_required")
    judgment = {
        "external_id": "j",
        "category": "court.listing",
        "subject": {"scheme": "cn_ric", "id": PERSON},
        "occurred_on": "2026-01-01",
        "legal_basis": basis,
        "fields": {"case_number": "1", "court_name": "C", "ground": "able_but_refuses"},
    }
    only_error(judgment, field="legal_basis", code="legal_basis_required")


@pytest.mark.parametrize("basis", [5, "x" * 257])
def test_legal_basis_must_be_a_short_string(basis: Any) -> None:
    only_error(repayment(legal_basis=basis), field="legal_basis", value=basis)


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"loan_id": "L"}, "fields.days_late", "missing_field"),
        ({"loan_id": "L", "days_late": None}, "fields.days_late", "missing_field"),
        ({"loan_id": "L", "days_late": "0"}, "fields.days_late", "invalid_field"),
        ({"loan_id": "L", "days_late": 1.5}, "fields.days_late", "invalid_field"),
        ({"loan_id": "L", "days_late": True}, "fields.days_late", "invalid_field"),
        ({"loan_id": "L", "days_late": -1}, "fields.days_late", "invalid_field"),
        ({"loan_id": "L", "days_late": 3651}, "fields.days_late", "invalid_field"),
        ({"loan_id": "", "days_late": 0}, "fields.loan_id", "invalid_field"),
        ({"loan_id": "L" * 65, "days_late": 0}, "fields.loan_id", "invalid_field"),
        ({"loan_id": "L", "days_late": 0, "due_on": "soon"}, "fields.due_on", "invalid_field"),
        ({"loan_id": "L", "days_late": 0, "colour": "red"}, "fields.colour", "unknown_field"),
        ({"loan_id": "L", "days_late": 0, "religion": "x"}, "fields.religion", "never_collected"),
        (
            {"loan_id": "L", "days_late": 0, "blood_type": "O"},
            "fields.blood_type",
            "never_collected",
        ),
        ({"loan_id": "L", "days_late": 0, "home_gps": "1,2"}, "fields.home_gps", "never_collected"),
    ],
)
def test_field_rules(fields: dict[str, Any], field: str, code: str) -> None:
    errors = errors_of(repayment(fields=fields))
    assert [(e.field, e.code) for e in errors] == [(field, code)]
    assert errors[0].value == fields.get(field.split(".", 1)[1])


def test_fields_must_be_an_object() -> None:
    only_error(repayment(fields=["loan_id"]), field="fields", value=["loan_id"])


def test_every_error_in_a_row_is_reported_at_once() -> None:
    envelope = {
        **repayment(
            external_id="",
            occurred_on="2099-01-01",
            amount="-1",
            fields={"days_late": "late", "religion": "x"},
        ),
        "gps_location": "1,2",
    }
    found = {(e.field, e.code) for e in errors_of(envelope)}
    assert found == {
        ("gps_location", "never_collected"),
        ("external_id", "invalid_field"),
        ("occurred_on", "future_date"),
        ("amount", "negative_amount"),
        ("fields.religion", "never_collected"),
        ("fields.loan_id", "missing_field"),
        ("fields.days_late", "invalid_field"),
    }


def test_row_error_to_dict_names_field_value_reason_code() -> None:
    error = RowError("fields.x", Decimal("1.5"), "why", "code")
    assert error.to_dict() == {"field": "fields.x", "value": "1.5", "reason": "why", "code": "code"}


# --- helpers --------------------------------------------------------------------------


def test_parse_date_and_decimal() -> None:
    assert parse_date("2026-03-01") == dt.date(2026, 3, 1)
    assert parse_decimal("1.50") == Decimal("1.50")
    assert parse_decimal(3) == Decimal(3)
    for bad in (None, True, "x", "nan", "-inf"):
        with pytest.raises(ValueError):
            parse_decimal(bad)


@pytest.mark.parametrize(
    ("spec", "value", "ok"),
    [
        (FieldSpec("s", "string", True, choices=("a", "b")), "a", True),
        (FieldSpec("s", "string", True, choices=("a", "b")), "c", False),
        (FieldSpec("s", "string", True, max_length=3), "abcd", False),
        (FieldSpec("i", "integer", True, min=1, max=3), 3, True),
        (FieldSpec("i", "integer", True, min=1, max=3), 0, False),
        (FieldSpec("i", "integer", True, min=1, max=3), 4, False),
        (FieldSpec("d", "decimal", True, min=0), "0.00", True),
        (FieldSpec("d", "decimal", True, min=0), "-0.01", False),
        (FieldSpec("d", "decimal", True), "x", False),
        (FieldSpec("t", "date", True), "2026-01-31", True),
        (FieldSpec("t", "date", True), "2026-01-32", False),
        (FieldSpec("b", "boolean", True), False, True),
        (FieldSpec("b", "boolean", True), "false", False),
        (FieldSpec("b", "boolean", True), 0, False),
    ],
)
def test_check_field(spec: FieldSpec, value: Any, ok: bool) -> None:
    _, reason = check_field(spec, value)
    assert (reason is None) == ok, reason
