"""Hostile text and values through the API (review 2): a NUL character anywhere in a
request's text, repeats of one external_id in a batch, loose amounts and dates.

Each is a 4xx naming the field and the value, never a 500, and the store is unchanged.
The NUL cases matter on PostgreSQL (its text cannot hold U+0000; ``make test`` runs this
file there too): on SQLite they must answer the same.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import DataError

from credo.api.app import create_app
from credo.config import Settings
from tests.api.helpers import unchanged
from tests.envelopes import PERSON, repayment
from tests.rights.test_disputes import world as world


def _refused(response: Any, field: str, shown: str | None = None) -> dict[str, Any]:
    """The one detail naming ``field`` in a 422 answer (its value shown as ``shown``)."""
    assert response.status_code == 422, response.text
    body = response.json()["error"]
    found = [d for d in body["details"] if d.get("field") == field]
    assert found, body
    if shown is not None:
        assert found[0]["value"] == shown, found[0]
    return found[0]


NUL_RECORDS = [
    ("records.0.subject.name", {"subject": {"scheme": "cn_ric", "id": PERSON, "name": "W\x00"}}),
    ("records.0.legal_basis", {"legal_basis": "Art\x00. 5"}),
    ("records.0.external_id", {"external_id": "a\x00b"}),
    ("records.0.currency", {"currency": "CN\x00"}),
    ("records.0.category", {"category": "loan.repayment\x00"}),
    ("records.0.occurred_on", {"occurred_on": "2026-03-0\x00"}),
]


@pytest.mark.parametrize(("field", "change"), NUL_RECORDS, ids=[f for f, _ in NUL_RECORDS])
def test_a_nul_in_a_record_is_422_naming_the_field(
    client: TestClient, engine: Engine, bank: dict[str, Any], field: str, change: dict[str, Any]
) -> None:
    envelope = {**repayment("n-1"), **change}
    with unchanged(engine):
        response = client.post("/v1/records", json={"records": [envelope]}, headers=bank["headers"])
    detail = _refused(response, field)
    assert "\\u0000" in detail["value"] and "\x00" not in detail["value"]


def test_a_nul_in_a_key_and_in_a_put_is_refused(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    assert client.post("/v1/records", json={"records": [repayment("r-2")]}, headers=bank["headers"])
    body = repayment("r-2", subject={"scheme": "cn_ric", "id": PERSON, "name": "W\x00"})
    body.pop("external_id")
    with unchanged(engine):
        put = client.put("/v1/records/r-2", json=body, headers=bank["headers"])
        keyed = client.post(
            "/v1/records", json={"records": [{"ext\x00": 1}]}, headers=bank["headers"]
        )
    _refused(put, "subject.name", "W\\u0000")
    _refused(keyed, "records.0.ext\x00", "ext\\u0000")


def test_a_nul_inside_fields_is_kept_escaped(client: TestClient, bank: dict[str, Any]) -> None:
    """A record's ``fields`` is stored as JSON text, where a NUL is ``\\u0000``: accepted."""
    envelope = repayment("f-1", fields={"loan_id": "L\x00", "days_late": 0})
    response = client.post("/v1/records", json={"records": [envelope]}, headers=bank["headers"])
    assert response.status_code == 200, response.text
    held = client.get("/v1/records/f-1", headers=bank["headers"])
    assert held.status_code == 200 and held.json()["fields"]["loan_id"] == "L\x00"


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_nul_in_a_path_is_422(
    client: TestClient, engine: Engine, bank: dict[str, Any], method: str
) -> None:
    with unchanged(engine):
        response = client.request(method, "/v1/records/r%00", headers=bank["headers"])
    _refused(response, "path", "/v1/records/r\\u0000")


def test_a_nul_in_a_query_parameter_is_422(client: TestClient) -> None:
    response = client.get("/v1/register/organisations?q=a%00b")
    _refused(response, "q", "a\\u0000b")
    named = client.get("/v1/register/organisations?q%00=1")
    _refused(named, "q\\u0000", "q\\u0000")


def test_a_nul_in_a_subjects_requests_is_422(
    client: TestClient, engine: Engine, world: dict[str, Any]
) -> None:
    me, ids = world["me"], world["ids"]
    tries = [
        ("POST", "/v1/me/statements", {"record_id": ids["r-2"], "text": "paid\x00"}, "text"),
        ("POST", "/v1/me/disputes", {"record_id": ids["r-1"], "reason": "no\x00"}, "reason"),
        ("POST", "/v1/me/reviews", {"decision_id": "x\x00", "reason": "please"}, "decision_id"),
        ("POST", "/v1/me/consents", {"program": "p\x00", "expires_on": "2027-01-01"}, "program"),
        ("POST", "/v1/me/consents", {"scope": "ledger:c\x00"}, "scope"),
        ("DELETE", "/v1/me/consents/cns_%00", None, "path"),
        ("GET", "/v1/decisions/a%00", None, "path"),
    ]
    with unchanged(engine):
        for method, path, body, field in tries:
            response = client.request(method, path, headers=me, json=body)
            detail = _refused(response, field)
            assert "\\u0000" in detail["value"], (path, detail)
    assert client.get("/v1/me/report", headers=me).status_code == 200


def test_a_nul_in_a_furnishers_answer_is_422(
    client: TestClient, engine: Engine, world: dict[str, Any]
) -> None:
    opened = client.post(
        "/v1/me/disputes",
        headers=world["me"],
        json={"record_id": world["ids"]["r-1"], "reason": "x"},
    ).json()
    with unchanged(engine):
        response = client.post(
            f"/v1/furnisher/disputes/{opened['id']}",
            headers=world["bank"],
            json={"outcome": "verified", "note": "ok\x00"},
        )
    _refused(response, "note", "ok\\u0000")
    fine = client.post(
        f"/v1/furnisher/disputes/{opened['id']}",
        headers=world["bank"],
        json={"outcome": "verified", "note": "ok"},
    )
    assert fine.status_code == 200, fine.text


def test_a_value_the_store_refuses_is_422_not_500(engine: Engine, settings: Settings) -> None:
    """The backstop: ``sqlalchemy.exc.DataError`` (what psycopg's DataError arrives as)."""
    app = create_app(settings, engine=engine)

    def refuse() -> None:
        raise DataError("INSERT ...", {}, Exception("text fields cannot contain NUL (0x00)"))

    app.add_api_route("/v1/test-data-error", refuse)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/test-data-error")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert "NUL" in error["details"][0]["reason"] and "INSERT" not in response.text


def test_a_data_error_of_the_servers_own_making_stays_a_500(
    engine: Engine, settings: Settings
) -> None:
    """Only a NUL is the client's: a COPY block the server wrote wrong is not blamed on the
    request (a 500, logged), whatever DataError it raises."""
    app = create_app(settings, engine=engine)

    def broken() -> None:
        raise DataError("COPY ...", {}, Exception('invalid input syntax for type integer: "x"'))

    app.add_api_route("/v1/test-server-data-error", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/test-server-data-error")
    assert response.status_code == 500


# --- one external_id twice in a batch ------------------------------------------------


def test_one_external_id_twice_with_other_content_is_422_naming_both(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    batch = [repayment("ok-1"), repayment("d1"), repayment("d1", amount="5.00")]
    with unchanged(engine):
        response = client.post("/v1/records", json={"records": batch}, headers=bank["headers"])
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "repeated_external_id"
    assert error["message"] == "external_id 'd1' appears at records 1 and 2 with different content"
    assert error["details"] == [
        {
            "field": "records.2.external_id",
            "value": "d1",
            "reason": "also at records.1 with different content",
        }
    ]
    assert client.get("/v1/records/d1", headers=bank["headers"]).status_code == 404


def test_one_external_id_twice_with_the_same_content_is_stored_once(
    client: TestClient, bank: dict[str, Any]
) -> None:
    """As a repeat within a bulk file: the first is accepted, the repeat a duplicate (the
    same amount written two ways is the same content)."""
    batch = [repayment("d2"), repayment("d2", amount="1200.0")]
    response = client.post("/v1/records", json={"records": batch}, headers=bank["headers"])
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == ["accepted", "duplicate"]
    assert client.get("/v1/records/d2", headers=bank["headers"]).json()["version"] == 1


# --- amounts and dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    ["12_000", "１２", "٣", "١٢", "1e5", "1E5", " 12 ", "12.", ".5", "+12", "0x1F", "١٢.٥"],
)
def test_an_amount_is_ascii_digits(
    client: TestClient, engine: Engine, bank: dict[str, Any], amount: str
) -> None:
    with unchanged(engine):
        response = client.post(
            "/v1/records",
            json={"records": [repayment("a-1", amount=amount)]},
            headers=bank["headers"],
        )
    assert _refused(response, "amount", amount)["record"] == 0


@pytest.mark.parametrize("amount", ["-0.00", "-0", "-1.00"])
def test_a_signed_amount_is_negative(
    client: TestClient, engine: Engine, bank: dict[str, Any], amount: str
) -> None:
    """An amount has no sign: ``-0.00`` is refused as negative, not stored as 0."""
    with unchanged(engine):
        response = client.post(
            "/v1/records",
            json={"records": [repayment("a-1", amount=amount)]},
            headers=bank["headers"],
        )
    detail = response.json()["error"]["details"][0]
    assert response.status_code == 422 and detail["code"] == "negative_amount", response.text


@pytest.mark.parametrize("day", ["0001-01-01", "1000-06-01", "1899-12-31"])
def test_a_date_before_1900_is_refused(
    client: TestClient, engine: Engine, bank: dict[str, Any], day: str
) -> None:
    loan = repayment("old", occurred_on=day)
    due = repayment("due", fields={"loan_id": "L-9", "days_late": 0, "due_on": day})
    with unchanged(engine):
        response = client.post(
            "/v1/records", json={"records": [loan, due]}, headers=bank["headers"]
        )
    assert response.status_code == 422, response.text
    details = response.json()["error"]["details"]
    assert {(d.get("record"), d["field"], d["value"]) for d in details} == {
        (0, "occurred_on", day),
        (1, "fields.due_on", day),
    }
    assert all("1900-01-01" in d["reason"] for d in details)


def test_1900_01_01_and_plain_amounts_are_accepted(
    client: TestClient, bank: dict[str, Any]
) -> None:
    batch = [
        repayment("e-1", occurred_on="1900-01-01", amount="0.00"),
        repayment("e-2", amount="12"),
        repayment("e-3", amount="0012.5"),
        repayment("e-4", amount=1200),
    ]
    response = client.post("/v1/records", json={"records": batch}, headers=bank["headers"])
    assert response.status_code == 200, response.text
    amounts = [client.get(f"/v1/records/e-{i}", headers=bank["headers"]).json() for i in (1, 2, 3)]
    assert [a["amount"] for a in amounts] == ["0.00", "12.00", "12.50"]


@pytest.mark.parametrize("raw", ["99999999999999.99", "1234567890123.456"])
def test_an_amount_written_as_a_json_number_that_lost_digits_is_422(
    client: TestClient, engine: Engine, bank: dict[str, Any], raw: str
) -> None:
    """A JSON number is a binary float by the time it is read, exact to 15 digits:
    99999999999999.99 arrives as 99999999999999.98, one cent off. One with more digits is
    refused, naming the amount (write it as a string); 1200, 12.5 or 1e5 are exact and
    accepted."""
    body = json.dumps({"records": [repayment("n-1", amount="__RAW__")]})
    body = body.replace('"__RAW__"', raw)
    with unchanged(engine):
        response = client.post(
            "/v1/records",
            content=body,
            headers={**bank["headers"], "content-type": "application/json"},
        )
    assert response.status_code == 422, response.text
    details = response.json()["error"]["details"]
    (detail,) = details
    assert (detail["record"], detail["field"]) == (0, "amount") and "string" in detail["reason"]
