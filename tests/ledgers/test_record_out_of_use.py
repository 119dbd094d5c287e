"""A record that goes out of use takes its ledger points out at once (review: disputed records).

Deleting a record, or disputing a non-court one, takes its points out of the balance, the
grade, the subject's report and program eligibility that moment, with the entry listed under
``left_out`` and its reason; a verified dispute brings them back at once (from the next
refresh when one ran while the dispute was open); a disputed court
order keeps counting and is marked disputed; a record corrected to another subject leaves
the first subject's ledger. The next computation (which reads only records in use) agrees,
and running it twice changes nothing. Everything goes through the HTTP interface.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from credo.ledgers.models import LedgerBalance, LedgerEntry
from credo.records.models import Record
from tests.access.helpers import add_party
from tests.envelopes import PERSON
from tests.ledgers.conftest import IBIS_DUCKDB, TODAY, compute, install, policy, rule
from tests.lists.conftest import OTHER_PERSON, judgment, penalty, post, token

pytestmark = IBIS_DUCKDB

RULES = (
    rule(
        "traffic",
        "penalty.imposed",
        -100,
        when='{ field = "domain", op = "==", value = "traffic" }',
    ),
    rule("judgment", "court.judgment", -50, months=24),
)


@pytest.fixture
def world(
    client: TestClient,
    factory: sessionmaker[Session],
    regulator: dict[str, Any],
) -> dict[str, Any]:
    """The city policy, a person opted in with a green-channel consent, and a party whose
    green channel asks for grade A."""
    with factory() as s:
        install(s, policy(*RULES))
    # the person becomes a subject through a record no rule reads (another domain)
    post(client, regulator, penalty("p-0", "2026-04-01", "minor", domain="food_safety", who=PERSON))
    me = token(factory, PERSON)
    assert (
        client.post("/v1/me/consents", json={"scope": "ledger:city"}, headers=me).status_code == 201
    )
    with factory() as s, s.begin():
        party = add_party(s, "Green Desk", [], ["green_channel"])
    body = {
        "name": "green",
        "purpose": "green_channel",
        "benefit": "a faster queue",
        "conditions": [{"ledger_grade_at_least": {"scheme": "city", "grade": "A"}}],
    }
    made = client.post("/v1/programs", json=body, headers=party["headers"])
    assert made.status_code == 201, made.text
    program = made.json()["id"]
    expires = (TODAY + dt.timedelta(days=30)).isoformat()
    granted = client.post(
        "/v1/me/consents", json={"program": program, "expires_on": expires}, headers=me
    )
    assert granted.status_code == 201, granted.text
    return {"me": me, "party": party, "program": program, "regulator": regulator, "runs": 0}


def _refresh(
    world: dict[str, Any], factory: sessionmaker[Session], engine: Engine, tmp: Path
) -> dict[str, Any]:
    world["runs"] += 1
    with factory() as s:
        (published,) = compute(s, engine, tmp / f"run{world['runs']}")
    return published


def _ledger(client: TestClient, world: dict[str, Any]) -> dict[str, Any]:
    report = client.get("/v1/me/report", headers=world["me"])
    assert report.status_code == 200, report.text
    (ledger,) = report.json()["ledgers"]
    return dict(ledger)


def _eligible(client: TestClient, world: dict[str, Any]) -> bool:
    check = {"subject": {"scheme": "cn_ric", "id": PERSON}, "program": world["program"]}
    answer = client.post("/v1/checks/eligibility", json=check, headers=world["party"]["headers"])
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["eligible"])


def _record_id(factory: sessionmaker[Session], external_id: str) -> int:
    with factory() as s:
        return s.execute(select(Record.id).where(Record.external_id == external_id)).scalar_one()


def _stored(factory: sessionmaker[Session]) -> tuple[list[int], int]:
    """(record ids of the stored entries, the stored balance) of the person."""
    with factory() as s:
        ids = sorted(s.execute(select(LedgerEntry.record_id)).scalars())
        balance = s.execute(select(LedgerBalance.balance)).scalar_one()
    return ids, balance


def _dispute(client: TestClient, world: dict[str, Any], record_id: int) -> int:
    opened = client.post(
        "/v1/me/disputes", headers=world["me"], json={"record_id": record_id, "reason": "not me"}
    )
    assert opened.status_code == 201, opened.text
    return int(opened.json()["id"])


def _traffic(ext: str) -> dict[str, Any]:
    return penalty(ext, "2026-05-01", "minor", domain="traffic", who=PERSON)


def test_dispute_takes_points_out_at_once_and_the_refresh_agrees(
    client: TestClient,
    world: dict[str, Any],
    factory: sessionmaker[Session],
    engine: Engine,
    tmp_path: Path,
) -> None:
    post(client, world["regulator"], _traffic("p-1"))
    _refresh(world, factory, engine, tmp_path)
    rid = _record_id(factory, "p-1")
    before = _ledger(client, world)
    assert (before["balance"], before["grade"], before["left_out"]) == (900, "B", [])
    (entry,) = before["entries"]
    assert (entry["record_id"], entry["points"], entry["record_state"]) == (rid, -100, "active")
    assert not _eligible(client, world)

    dispute = _dispute(client, world, rid)
    # no refresh: balance, grade, items, report and eligibility agree at once
    during = _ledger(client, world)
    assert (during["balance"], during["grade"], during["entries"]) == (1000, "A", [])
    (left,) = during["left_out"]
    assert (left["record_id"], left["points"], left["record_state"]) == (rid, -100, "disputed")
    assert left["reason"] == "record_disputed" and "verifies" in left["why"]
    assert _eligible(client, world)
    assert _stored(factory) == ([rid], 900)  # the published computation is untouched

    # the refresh reads only records in use: it agrees, and running it twice changes nothing
    first = _refresh(world, factory, engine, tmp_path)
    assert _stored(factory) == ([], 1000)
    after = _ledger(client, world)
    assert (after["balance"], after["grade"], after["entries"], after["left_out"]) == (
        1000,
        "A",
        [],
        [],
    )
    assert [(h["grade"], h["balance"], h["reason"]) for h in after["history"]] == [
        ("B", 900, "recomputed")
    ]
    second = _refresh(world, factory, engine, tmp_path)
    assert (second["digest"], second["entries"], second["history"]) == (first["digest"], 0, 0)
    assert _ledger(client, world)["history"] == after["history"]

    # verified after that refresh: the store holds no entry for the record any more, so its
    # points count again from the next refresh, like a new record's
    answer = client.post(
        f"/v1/furnisher/disputes/{dispute}",
        headers=world["regulator"]["headers"],
        json={"outcome": "verified"},
    )
    assert answer.status_code == 200, answer.text
    assert _ledger(client, world)["balance"] == 1000
    _refresh(world, factory, engine, tmp_path)
    back = _ledger(client, world)
    assert (back["balance"], back["grade"], back["left_out"]) == (900, "B", [])
    assert [e["record_id"] for e in back["entries"]] == [rid]
    assert not _eligible(client, world)


def test_verification_before_the_refresh_restores_at_once(
    client: TestClient,
    world: dict[str, Any],
    factory: sessionmaker[Session],
    engine: Engine,
    tmp_path: Path,
) -> None:
    post(client, world["regulator"], _traffic("p-1"))
    _refresh(world, factory, engine, tmp_path)
    rid = _record_id(factory, "p-1")
    dispute = _dispute(client, world, rid)
    assert _ledger(client, world)["balance"] == 1000 and _eligible(client, world)
    answer = client.post(
        f"/v1/furnisher/disputes/{dispute}",
        headers=world["regulator"]["headers"],
        json={"outcome": "verified"},
    )
    assert answer.status_code == 200, answer.text
    back = _ledger(client, world)
    assert (back["balance"], back["grade"], back["left_out"]) == (900, "B", [])
    assert [(e["record_id"], e["record_state"]) for e in back["entries"]] == [(rid, "active")]
    assert not _eligible(client, world)


def test_deletion_takes_points_out_at_once(
    client: TestClient,
    world: dict[str, Any],
    factory: sessionmaker[Session],
    engine: Engine,
    tmp_path: Path,
) -> None:
    post(client, world["regulator"], _traffic("p-1"), _traffic("p-2"))
    _refresh(world, factory, engine, tmp_path)
    assert _ledger(client, world)["balance"] == 800
    gone = client.delete("/v1/records/p-1", headers=world["regulator"]["headers"])
    assert gone.status_code == 200, gone.text
    now = _ledger(client, world)
    assert (now["balance"], now["grade"]) == (900, "B")
    assert [e["record_id"] for e in now["entries"]] == [_record_id(factory, "p-2")]
    (left,) = now["left_out"]
    assert (left["record_id"], left["reason"], left["record_state"]) == (
        _record_id(factory, "p-1"),
        "record_deleted",
        "deleted",
    )
    _refresh(world, factory, engine, tmp_path)
    assert _stored(factory) == ([_record_id(factory, "p-2")], 900)
    assert _ledger(client, world)["left_out"] == []


def test_disputed_court_order_keeps_counting_marked_disputed(
    client: TestClient,
    world: dict[str, Any],
    court: dict[str, Any],
    factory: sessionmaker[Session],
    engine: Engine,
    tmp_path: Path,
) -> None:
    post(client, court, judgment("j-1", "(2026) C-1", "2026-04-01", "2026-05-01"))
    _refresh(world, factory, engine, tmp_path)
    rid = _record_id(factory, "j-1")
    _dispute(client, world, rid)
    now = _ledger(client, world)
    assert (now["balance"], now["left_out"]) == (950, [])
    assert [(e["record_id"], e["record_state"]) for e in now["entries"]] == [(rid, "disputed")]
    _refresh(world, factory, engine, tmp_path)
    assert _stored(factory) == ([rid], 950)


def test_correction_to_another_subject_leaves_the_ledger_at_once(
    client: TestClient,
    world: dict[str, Any],
    factory: sessionmaker[Session],
    engine: Engine,
    tmp_path: Path,
) -> None:
    post(client, world["regulator"], _traffic("p-1"))
    _refresh(world, factory, engine, tmp_path)
    moved = client.put(
        "/v1/records/p-1",
        headers=world["regulator"]["headers"],
        json=penalty("p-1", "2026-05-01", "minor", domain="traffic", who=OTHER_PERSON),
    )
    assert moved.status_code == 200, moved.text
    now = _ledger(client, world)
    assert (now["balance"], now["entries"]) == (1000, [])
    assert [e["reason"] for e in now["left_out"]] == ["record_corrected"]
    _refresh(world, factory, engine, tmp_path)
    assert _stored(factory) == ([], 1000)
