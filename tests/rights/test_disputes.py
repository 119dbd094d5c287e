"""Disputes through the API: each outcome, the deadline, and the bad inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit, clock
from credo.records.models import Record
from credo.rights import disputes
from credo.subjects import tokens
from tests.api.helpers import unchanged
from tests.envelopes import PERSON, repayment

OTHER = "11010519800101001X"


def _fix(number: str) -> str:
    from credo.subjects.identifiers import ric_check_character

    return number[:17] + ric_check_character(number)


@pytest.fixture
def world(
    client: TestClient, bank: dict[str, Any], factory: sessionmaker[Session]
) -> dict[str, Any]:
    clock.freeze(dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    other = _fix(OTHER)
    batch = [
        repayment("r-1", fields={"loan_id": "L-1", "days_late": 95}),
        repayment("r-2"),
        repayment("o-1", subject={"scheme": "cn_ric", "id": other}),
    ]
    assert (
        client.post("/v1/records", json={"records": batch}, headers=bank["headers"]).status_code
        == 200
    )
    with factory() as s, s.begin():
        _, mine, _ = tokens.issue(session=s, scheme="cn_ric", value=PERSON, days=30)
        _, theirs, _ = tokens.issue(session=s, scheme="cn_ric", value=other, days=30)
        ids = {r.external_id: r.id for r in s.execute(select(Record)).scalars()}
    return {
        "me": {"Authorization": f"Bearer {mine}"},
        "them": {"Authorization": f"Bearer {theirs}"},
        "ids": ids,
        "bank": bank["headers"],
    }


def _state(factory: sessionmaker[Session], record_id: int) -> tuple[str, int]:
    with factory() as s:
        record = s.get(Record, record_id)
        assert record is not None
        return record.state, record.version


def _open(client: TestClient, world: dict[str, Any], external_id: str = "r-1") -> dict[str, Any]:
    response = client.post(
        "/v1/me/disputes",
        headers=world["me"],
        json={"record_id": world["ids"][external_id], "reason": "I paid on time"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_dispute_marks_record_and_reaches_the_furnisher(
    client: TestClient, world: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    opened = _open(client, world)
    assert opened["deadline"] == "2026-11-21" and opened["state"] == "open"
    assert _state(factory, world["ids"]["r-1"]) == ("disputed", 1)
    queue = client.get("/v1/furnisher/disputes", headers=world["bank"]).json()
    assert [(d["id"], d["external_id"], d["reason"]) for d in queue] == [
        (opened["id"], "r-1", "I paid on time")
    ]
    assert queue[0]["record"]["subject"]["id"] == "110105********002X"


def test_verified_restores_the_record(
    client: TestClient, world: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    opened = _open(client, world)
    answer = client.post(
        f"/v1/furnisher/disputes/{opened['id']}",
        headers=world["bank"],
        json={"outcome": "verified", "note": "statement matches our ledger"},
    )
    assert answer.status_code == 200 and answer.json()["state"] == "verified"
    assert _state(factory, world["ids"]["r-1"]) == ("active", 1)
    again = client.post(
        f"/v1/furnisher/disputes/{opened['id']}", headers=world["bank"], json={"outcome": "deleted"}
    )
    assert again.status_code == 409
    assert _state(factory, world["ids"]["r-1"]) == ("active", 1)


def test_corrected_adds_a_version(
    client: TestClient, world: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    opened = _open(client, world)
    fixed = repayment("r-1", fields={"loan_id": "L-1", "days_late": 0})
    fixed.pop("external_id")
    answer = client.post(
        f"/v1/furnisher/disputes/{opened['id']}",
        headers=world["bank"],
        json={"outcome": "corrected", "correction": fixed},
    )
    assert answer.status_code == 200, answer.text
    assert _state(factory, world["ids"]["r-1"]) == ("corrected", 2)
    mine = client.get("/v1/me/disputes", headers=world["me"]).json()
    assert mine[0]["state"] == "corrected"


def test_deleted_by_the_furnisher(
    client: TestClient, world: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    opened = _open(client, world)
    answer = client.post(
        f"/v1/furnisher/disputes/{opened['id']}", headers=world["bank"], json={"outcome": "deleted"}
    )
    assert answer.status_code == 200
    assert _state(factory, world["ids"]["r-1"]) == ("deleted", 2)


def test_unanswered_dispute_deletes_the_record_after_the_deadline(
    client: TestClient, world: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    opened = _open(client, world)
    with factory() as s, s.begin():
        assert disputes.sweep(session=s, today=dt.date(2026, 11, 21)) == []  # deadline day
    with factory() as s, s.begin():
        lapsed = disputes.sweep(session=s, today=dt.date(2026, 11, 22))
        assert [d.id for d in lapsed] == [opened["id"]]
    assert _state(factory, world["ids"]["r-1"]) == ("deleted", 2)
    assert client.get("/v1/me/disputes", headers=world["me"]).json()[0]["state"] == "lapsed"
    with factory() as s:
        types = [e.event_type for e in audit.iter_entries(s)]
    assert types[-2:] == ["record.deleted", "dispute.resolved"]
    assert audit.verify(factory()).ok


def test_bad_disputes_change_nothing(
    client: TestClient, world: dict[str, Any], engine: Any
) -> None:
    theirs = world["ids"]["o-1"]
    with unchanged(engine):
        other = client.post(
            "/v1/me/disputes", headers=world["me"], json={"record_id": theirs, "reason": "not mine"}
        )
        missing = client.post(
            "/v1/me/disputes",
            headers=world["me"],
            json={"record_id": 999_999, "reason": "not mine"},
        )
        assert other.status_code == missing.status_code == 404
        assert other.json()["error"]["code"] == missing.json()["error"]["code"]
        assert (
            client.post("/v1/me/disputes", json={"record_id": theirs, "reason": "x"}).status_code
            == 401
        )
        assert (
            client.post(
                "/v1/me/disputes", headers=world["bank"], json={"record_id": theirs, "reason": "x"}
            ).status_code
            == 401
        )
        empty = client.post(
            "/v1/me/disputes",
            headers=world["me"],
            json={"record_id": world["ids"]["r-1"], "reason": "  "},
        )
        assert empty.status_code == 422
    _open(client, world)
    with unchanged(engine):
        second = client.post(
            "/v1/me/disputes",
            headers=world["me"],
            json={"record_id": world["ids"]["r-1"], "reason": "again"},
        )
        assert second.status_code == 409


def test_expired_token_is_refused(client: TestClient, world: dict[str, Any]) -> None:
    clock.freeze(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    response = client.post(
        "/v1/me/disputes",
        headers=world["me"],
        json={"record_id": world["ids"]["r-1"], "reason": "late"},
    )
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]


def test_statements(client: TestClient, world: dict[str, Any], engine: Any) -> None:
    record_id = world["ids"]["r-1"]
    ok = client.post(
        "/v1/me/statements",
        headers=world["me"],
        json={"record_id": record_id, "text": "The bank misapplied my payment."},
    )
    assert ok.status_code == 201 and ok.json()["record_id"] == record_id
    with unchanged(engine):
        long = client.post(
            "/v1/me/statements",
            headers=world["me"],
            json={"record_id": record_id, "text": "x" * 501},
        )
        assert long.status_code == 422 and long.json()["error"]["details"][0]["field"] == "text"
        other = client.post(
            "/v1/me/statements",
            headers=world["me"],
            json={"record_id": world["ids"]["o-1"], "text": "mine now"},
        )
        assert other.status_code == 404
