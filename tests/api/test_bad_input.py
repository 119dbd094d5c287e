"""Every bad input: the right 4xx, an error body naming field and value, and nothing changed.

Each bad envelope is sent as the second record of a batch whose first record is valid:
the batch is all or nothing, so the valid one must not be stored either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from stdnum.cn import ric

from tests.api.helpers import ANY, assert_error, plain_field, unchanged
from tests.envelopes import ORG, PERSON, TODAY, licence, repayment

BAD_CHECK = PERSON[:-1] + "1"  # 11010519491231002X with a wrong check character
COUNTERPARTY = "11010519800101002" + ric.calc_check_digit("11010519800101002" + "0")


def judgment(external_id: str = "j-1", **overrides: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = {
        "external_id": external_id,
        "category": "court.judgment",
        "subject": {"scheme": "cn_ric", "id": PERSON},
        "occurred_on": "2026-01-10",
        "amount": "50000.00",
        "currency": "CNY",
        "legal_basis": "Civil Procedure Law art. 247",
        "fields": {
            "case_number": "(2026) Jing 0105 Zhi 1",
            "court_name": "Chaoyang District People's Court",
            "judgment_type": "monetary",
            "due_on": "2026-02-10",
        },
    }
    envelope.update(overrides)
    return envelope


def transfer(external_id: str = "t-1", **overrides: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = {
        "external_id": external_id,
        "category": "payment.transfer",
        "subject": {"scheme": "cn_ric", "id": PERSON},
        "occurred_on": "2026-06-01",
        "amount": "10.00",
        "currency": "CNY",
        "fields": {
            "counterparty_scheme": "cn_ric",
            "counterparty_id": COUNTERPARTY,
            "direction": "out",
        },
    }
    envelope.update(overrides)
    return envelope


def with_fields(build: Callable[..., dict[str, Any]], **extra: Any) -> dict[str, Any]:
    envelope = build("bad")
    envelope["fields"] = {**envelope["fields"], **extra}
    return envelope


def with_key(envelope: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    envelope = dict(envelope)
    envelope[key] = value
    return envelope


TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()

# (id, furnisher fixture, good builder, bad envelope, status, field, value, detail code)
CASES: list[tuple[str, str, Callable[..., dict[str, Any]], dict[str, Any], int, str, Any, Any]] = [
    # wrong types, caught by the request schema
    (
        "external_id_int",
        "bank",
        repayment,
        with_key(repayment(), "external_id", 5),
        422,
        "external_id",
        5,
        None,
    ),
    (
        "occurred_on_int",
        "bank",
        repayment,
        repayment("bad", occurred_on=20260301),
        422,
        "occurred_on",
        20260301,
        None,
    ),
    (
        "subject_id_int",
        "bank",
        repayment,
        repayment("bad", subject={"scheme": "cn_ric", "id": 110105}),
        422,
        "subject.id",
        110105,
        None,
    ),
    (
        "fields_list",
        "bank",
        repayment,
        repayment("bad", fields=["loan_id"]),
        422,
        "fields",
        ANY,
        None,
    ),
    (
        "amount_list",
        "bank",
        repayment,
        repayment("bad", amount=[1]),
        422,
        "amount",
        ANY,
        None,
    ),
    (
        "amount_bool",
        "bank",
        repayment,
        repayment("bad", amount=True),
        422,
        "amount",
        True,
        None,
    ),
    # wrong types, caught by the validator
    (
        "days_late_string",
        "bank",
        repayment,
        with_fields(repayment, days_late="0"),
        422,
        "fields.days_late",
        "0",
        "invalid_field",
    ),
    (
        "days_late_over_max",
        "bank",
        repayment,
        with_fields(repayment, days_late=3651),
        422,
        "fields.days_late",
        3651,
        "invalid_field",
    ),
    (
        "occurred_on_not_a_date",
        "bank",
        repayment,
        repayment("bad", occurred_on="2026-02-30"),
        422,
        "occurred_on",
        "2026-02-30",
        "invalid_field",
    ),
    (
        "currency_lowercase",
        "bank",
        repayment,
        repayment("bad", currency="cny"),
        422,
        "currency",
        "cny",
        "invalid_field",
    ),
    (
        "amount_not_a_number",
        "bank",
        repayment,
        repayment("bad", amount="12,00"),
        422,
        "amount",
        "12,00",
        "invalid_field",
    ),
    # catalogue
    (
        "unknown_category",
        "bank",
        repayment,
        repayment("bad", category="loan.rollover"),
        422,
        "category",
        "loan.rollover",
        "unknown_category",
    ),
    (
        "denied_category",
        "bank",
        repayment,
        repayment("bad", category="religion.membership"),
        422,
        "category",
        "religion.membership",
        "never_collected",
    ),
    (
        "category_of_another_kind",
        "bank",
        repayment,
        judgment("bad"),
        403,
        "category",
        "court.judgment",
        "category_not_permitted",
    ),
    (
        "category_not_registered",
        "bank",
        repayment,
        repayment(
            "bad",
            category="contract.breach",
            fields={"contract_ref": "C-1", "breach_type": "non_payment"},
        ),
        403,
        "category",
        "contract.breach",
        "category_not_permitted",
    ),
    (
        "unknown_field",
        "bank",
        repayment,
        with_fields(repayment, colour="blue"),
        422,
        "fields.colour",
        "blue",
        "unknown_field",
    ),
    (
        "missing_required_field",
        "bank",
        repayment,
        repayment("bad", fields={"loan_id": "L-88"}),
        422,
        "fields.days_late",
        None,
        "missing_field",
    ),
    (
        "choice_not_in_list",
        "bank",
        repayment,
        repayment(
            "bad",
            category="loan.closed",
            fields={"loan_id": "L-1", "reason": "forgiven"},
        ),
        422,
        "fields.reason",
        "forgiven",
        "invalid_field",
    ),
    (
        "unknown_envelope_key",
        "bank",
        repayment,
        with_key(repayment("bad"), "priority", "high"),
        422,
        "priority",
        "high",
        "unknown_field",
    ),
    # never collected
    (
        "fields_religion",
        "bank",
        repayment,
        with_fields(repayment, religion="none"),
        422,
        "fields.religion",
        "none",
        "never_collected",
    ),
    (
        "fields_blood_type",
        "bank",
        repayment,
        with_fields(repayment, blood_type="O"),
        422,
        "fields.blood_type",
        "O",
        "never_collected",
    ),
    (
        "top_level_gps_location",
        "bank",
        repayment,
        with_key(repayment("bad"), "gps_location", "39.9,116.4"),
        422,
        "gps_location",
        "39.9,116.4",
        "never_collected",
    ),
    (
        "fields_friends_scores",
        "bank",
        repayment,
        with_fields(repayment, friends_avg_score=600),
        422,
        "fields.friends_avg_score",
        600,
        "never_collected",
    ),
    # identifiers
    (
        "bad_check_character",
        "bank",
        repayment,
        repayment("bad", subject={"scheme": "cn_ric", "id": BAD_CHECK}),
        422,
        "subject.id",
        BAD_CHECK,
        "invalid_identifier",
    ),
    (
        "uscc_bad_check_character",
        "regulator",
        licence,
        licence("bad", subject={"scheme": "cn_uscc", "id": ORG[:-1] + "M"}),
        422,
        "subject.id",
        ORG[:-1] + "M",
        "invalid_identifier",
    ),
    (
        "unknown_scheme",
        "bank",
        repayment,
        repayment("bad", subject={"scheme": "xx_passport", "id": "E1234567"}),
        422,
        "subject.scheme",
        "xx_passport",
        "unknown_scheme",
    ),
    # dates and amounts
    (
        "future_date",
        "bank",
        repayment,
        repayment("bad", occurred_on=TOMORROW),
        422,
        "occurred_on",
        TOMORROW,
        "future_date",
    ),
    (
        "negative_amount",
        "bank",
        repayment,
        repayment("bad", amount="-5.00"),
        422,
        "amount",
        "-5.00",
        "negative_amount",
    ),
    (
        "amount_too_precise",
        "bank",
        repayment,
        repayment("bad", amount="1.005"),
        422,
        "amount",
        "1.005",
        "invalid_field",
    ),
    (
        "amount_missing_where_required",
        "bank",
        repayment,
        repayment("bad", amount=None, currency=None),
        422,
        "amount",
        None,
        "invalid_field",
    ),
    (
        "amount_where_none_allowed",
        "regulator",
        licence,
        licence("bad", amount="10.00", currency="CNY"),
        422,
        "amount",
        "10.00",
        "invalid_field",
    ),
    # legal basis
    (
        "court_without_legal_basis",
        "court",
        judgment,
        judgment("bad", legal_basis=None),
        422,
        "legal_basis",
        None,
        "legal_basis_required",
    ),
    (
        "court_blank_legal_basis",
        "court",
        judgment,
        judgment("bad", legal_basis="   "),
        422,
        "legal_basis",
        "   ",
        "legal_basis_required",
    ),
    (
        "administrative_without_legal_basis",
        "regulator",
        licence,
        with_key(licence("bad"), "legal_basis", None),
        422,
        "legal_basis",
        None,
        "legal_basis_required",
    ),
    # subject kinds
    (
        "person_category_on_organisation",
        "platform",
        transfer,
        transfer("bad", subject={"scheme": "cn_uscc", "id": ORG}),
        422,
        "subject.scheme",
        "cn_uscc",
        "wrong_subject_kind",
    ),
    (
        "organisation_category_on_person",
        "regulator",
        licence,
        licence("bad", subject={"scheme": "cn_ric", "id": PERSON}),
        422,
        "subject.scheme",
        "cn_ric",
        "wrong_subject_kind",
    ),
    (
        "counterparty_bad_check_character",
        "platform",
        transfer,
        transfer(
            "bad",
            fields={
                "counterparty_scheme": "cn_ric",
                "counterparty_id": BAD_CHECK,
                "direction": "in",
            },
        ),
        422,
        "fields.counterparty_id",
        BAD_CHECK,
        "invalid_identifier",
    ),
]


@pytest.mark.parametrize(
    ("who", "good", "bad", "status", "field", "value", "detail_code"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_envelope_is_refused_and_changes_nothing(
    request: pytest.FixtureRequest,
    client: TestClient,
    engine: Engine,
    who: str,
    good: Callable[..., dict[str, Any]],
    bad: dict[str, Any],
    status: int,
    field: str,
    value: Any,
    detail_code: str | None,
) -> None:
    furnisher = request.getfixturevalue(who)
    # Something is already held, so "nothing changed" is checked against a non-empty store.
    held = client.post(
        "/v1/records", json={"records": [good("held")]}, headers=furnisher["headers"]
    )
    assert held.status_code == 200, held.text
    with unchanged(engine):
        response = client.post(
            "/v1/records", json={"records": [good("ok-1"), bad]}, headers=furnisher["headers"]
        )
    details = assert_error(response, status, field=field, value=value, detail_code=detail_code)
    # Each detail names the bad record (the second), never the valid first one.
    assert {plain_field(d)[0] for d in details} == {1}
    if response.json()["error"]["code"] == "records_refused":
        assert all(d["external_id"] == bad.get("external_id") for d in details)
    assert client.get("/v1/records/ok-1", headers=furnisher["headers"]).status_code == 404


def test_each_bad_record_is_named(client: TestClient, engine: Engine, bank: dict[str, Any]) -> None:
    records = [
        repayment("a", amount="-1.00"),
        repayment("b"),
        repayment("c", occurred_on=TOMORROW, fields={"loan_id": "L", "days_late": -1}),
    ]
    with unchanged(engine):
        response = client.post("/v1/records", json={"records": records}, headers=bank["headers"])
    details = assert_error(response, 422, "records_refused")
    named = {(d["record"], d["external_id"], d["field"], d["value"]) for d in details}
    assert named == {
        (0, "a", "amount", "-1.00"),
        (2, "c", "occurred_on", TOMORROW),
        (2, "c", "fields.days_late", -1),
    }
    assert "2 of 3" in response.json()["error"]["message"]


def test_malformed_json_is_400(client: TestClient, engine: Engine, bank: dict[str, Any]) -> None:
    headers = {**bank["headers"], "content-type": "application/json"}
    with unchanged(engine):
        response = client.post(
            "/v1/records", content=b'{"records": [{"external_id": ', headers=headers
        )
    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize("body", [{}, {"records": "r-1"}, [], {"records": [1]}])
def test_body_of_the_wrong_shape_is_422(
    client: TestClient, engine: Engine, bank: dict[str, Any], body: Any
) -> None:
    with unchanged(engine):
        response = client.post("/v1/records", json=body, headers=bank["headers"])
    assert_error(response, 422, "invalid_input", field="records" if body != [] else "body")


def test_empty_batch_is_422(client: TestClient, engine: Engine, bank: dict[str, Any]) -> None:
    with unchanged(engine):
        response = client.post("/v1/records", json={"records": []}, headers=bank["headers"])
    assert_error(response, 422, field="records", value=0)


def test_oversize_batch_is_413(client: TestClient, engine: Engine, bank: dict[str, Any]) -> None:
    records = [repayment(f"r-{i}") for i in range(1001)]
    with unchanged(engine):
        response = client.post("/v1/records", json={"records": records}, headers=bank["headers"])
    assert_error(response, 413, "too_large", field="records", value=1001)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer fk_0123456789abcdef.wrong-secret"},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["missing", "unknown", "garbage", "basic"],
)
def test_missing_or_wrong_key_is_401(
    client: TestClient, engine: Engine, bank: dict[str, Any], headers: dict[str, str]
) -> None:
    with unchanged(engine):
        responses = [
            client.post("/v1/records", json={"records": [repayment()]}, headers=headers),
            client.put("/v1/records/r-1", json=repayment(), headers=headers),
            client.delete("/v1/records/r-1", headers=headers),
            client.get("/v1/records/r-1", headers=headers),
        ]
    for response in responses:
        assert_error(response, 401, "unauthenticated")
        assert response.headers["www-authenticate"] == "Bearer"


def test_right_key_id_with_wrong_secret_is_401(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    key_id = bank["key"].partition(".")[0]
    headers = {"Authorization": f"Bearer {key_id}.not-the-secret"}
    with unchanged(engine):
        response = client.post("/v1/records", json={"records": [repayment()]}, headers=headers)
    assert_error(response, 401, "unauthenticated")
