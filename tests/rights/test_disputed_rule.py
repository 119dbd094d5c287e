"""The one rule for disputed records, per consumer (issue 17): a non-court record is not
used in scores, lists or ledgers while disputed; a court order stays in force and is shown
as disputed. Records and disputes go through the API; each consumer then runs as it does."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from credo.batch import engines, snapshot
from credo.batch.features import features
from credo.core import clock
from credo.ledgers import service as ledgers
from credo.ledgers.batch import compute_scheme
from credo.ledgers.policy import parse
from credo.records.models import Record
from credo.subjects.service import find
from tests.envelopes import ORG, PERSON
from tests.lists.conftest import judgment, listing, penalty, post, refresh, token

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")
TODAY = dt.date(2025, 6, 2)
CASE = "(2025)京0105民初1号"


@pytest.fixture(autouse=True)
def _clock() -> None:
    clock.freeze(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC))


def _default() -> dict[str, Any]:
    return {
        "external_id": "d-1",
        "category": "loan.default",
        "subject": {"scheme": "cn_ric", "id": PERSON, "name": "Wang Fang"},
        "occurred_on": "2025-03-01",
        "amount": "900.00",
        "currency": "CNY",
        "fields": {"loan_id": "L-1", "days_past_due": 120},
    }


@pytest.fixture
def world(
    client: TestClient,
    bank: dict[str, Any],
    court: dict[str, Any],
    regulator: dict[str, Any],
    factory: sessionmaker[Session],
) -> dict[str, Any]:
    post(client, bank, _default())
    post(
        client,
        court,
        judgment("j-1", CASE, "2025-01-05", "2025-02-01"),
        listing("l-1", CASE, "2025-03-01"),
    )
    post(client, regulator, penalty("p-1", "2025-04-01", "serious"))
    with factory() as s:
        ids = {e: i for e, i in s.execute(select(Record.external_id, Record.id))}
        person = find(session=s, scheme="cn_ric", value=PERSON).id
    me, org = token(factory), token(factory, ORG)
    for who, external_id in ((me, "d-1"), (me, "j-1"), (me, "l-1"), (org, "p-1")):
        opened = client.post(
            "/v1/me/disputes", headers=who, json={"record_id": ids[external_id], "reason": "no"}
        )
        assert opened.status_code == 201, opened.text
    return {"ids": ids, "person": person, "me": me, "org": org}


def test_lists(client: TestClient, world: dict[str, Any], factory: sessionmaker[Session]) -> None:
    refresh(factory, TODAY)
    mine = client.get("/v1/me/lists", headers=world["me"]).json()
    # the disputed court listing stays in force
    active = [(e["list"], e["rule"]) for e in mine["entries"] if e["state"] == "active"]
    assert active == [("defaulter", "defaulter.court_listing")]
    # the disputed safety penalty does not list the organisation while disputed
    theirs = client.get("/v1/me/lists", headers=world["org"]).json()
    assert [e for e in theirs["entries"] if e["state"] == "active"] == []
    # the report shows the court records as disputed
    report = client.get("/v1/me/report", headers=world["me"]).json()
    states = {r["external_id"]: r["state"] for r in report["records"]}
    assert states == {"d-1": "disputed", "j-1": "disputed", "l-1": "disputed"}


def test_scores(world: dict[str, Any], engine: Engine, tmp_path: Path) -> None:
    info = snapshot.export(engine=engine, data_dir=tmp_path)
    snap = engines.read_snapshot(engines.connect("duckdb"), info.path)
    held = set(snap.records.to_pyarrow().column("record_id").to_pylist())
    ids = world["ids"]
    assert held == {ids["j-1"], ids["l-1"]}
    frame = features(snap.records, snap.subjects, TODAY).to_pyarrow().to_pandas()
    row = frame.set_index("subject_id").loc[world["person"]]
    assert row["open_judgments"] == 1
    assert row["defaults_60m"] == 0


def test_ledgers(
    world: dict[str, Any], session: Session, engine: Engine, tmp_path: Path
) -> None:
    text = (
        'scheme = "city"\ntitle = "Test city"\nversion = 1\nbase = 1000\n\n'
        '[[rules]]\nid = "default"\ncategory = "loan.default"\npoints = -100\nmonths = 60\n'
        'legal_basis = "Test Regulation art. 1"\n\n'
        '[[rules]]\nid = "judgment"\ncategory = "court.judgment"\npoints = -50\nmonths = 60\n'
        'legal_basis = "Test Regulation art. 2"\n'
    )
    policy = parse(text, "test.toml")
    info = snapshot.export(engine=engine, data_dir=tmp_path)
    con = engines.connect("duckdb")
    tables = engines.read_snapshot(con, info.path)
    entries, _balances = compute_scheme(con, tables.records, policy, [world["person"]], TODAY)
    rules = sorted(entries.column("rule_id").to_pylist())
    assert rules == ["judgment"]
    assert ledgers is not None


def test_register_grades(
    client: TestClient,
    court: dict[str, Any],
    regulator: dict[str, Any],
    factory: sessionmaker[Session],
) -> None:
    """An organisation's public grade counts a disputed court judgment, not a disputed
    penalty."""
    from credo.register import service as register

    post(client, regulator, penalty("p-9", "2025-04-01", "serious"))
    post(client, court, judgment("j-9", "(2025)org", "2025-01-05", "2025-02-01", ORG))
    with factory() as s:
        ids = {e: i for e, i in s.execute(select(Record.external_id, Record.id))}
        org = find(session=s, scheme="cn_uscc", value=ORG).id

    def reasons() -> str:
        with factory() as s, s.begin():
            register.publish(session=s, as_of=TODAY, subject_ids=[org])
            grade = register.grade_of(session=s, subject_id=org)
        assert grade is not None
        return json.dumps(grade["reasons"])

    before = reasons()
    assert "p-9" in before or "penalty" in before
    who = token(factory, ORG)
    for external_id in ("p-9", "j-9"):
        opened = client.post(
            "/v1/me/disputes", headers=who, json={"record_id": ids[external_id], "reason": "no"}
        )
        assert opened.status_code == 201, opened.text
    after = reasons()
    assert "penalty" not in after and "judgment" in after, after
