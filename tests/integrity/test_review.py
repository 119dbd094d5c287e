"""Review through the store, the API and the CLI: flags queue, hold, and are decided."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from credo.config import Settings
from credo.core import audit
from credo.integrity import service
from credo.integrity.models import IntegrityFlag
from credo.lists.models import ListEntry
from credo.scores.models import Score
from tests.integrity.helpers import AS_OF, add_records, add_subjects, transfer

OPERATOR_KEY = "operator-test-key"


def _ring_rows() -> list[dict[str, Any]]:
    rows = []
    for r in range(6):
        day = AS_OF - dt.timedelta(days=30 * r + 1)
        for i in range(3):
            rows += transfer(i, (i + 1) % 3, 500_000, day)
    return rows + transfer(3, 4, 10_000)


@pytest.fixture
def ring(factory: sessionmaker[Session], bank: dict[str, Any]) -> list[int]:
    with factory() as s, s.begin():
        ids = add_subjects(s, 6)
        add_records(s, _ring_rows(), ids, bank["id"])
    return ids


def test_scan_queues_flag_once_and_holds_without_touching_scores(
    factory: sessionmaker[Session], ring: list[int]
) -> None:
    with factory() as s, s.begin():
        scores_before = s.execute(select(func.count()).select_from(Score)).scalar_one()
        lists_before = s.execute(select(func.count()).select_from(ListEntry)).scalar_one()
        raised = service.run_detectors(session=s, as_of=AS_OF)
    assert [(r.flag.detector, r.flag.subject_ids, r.new) for r in raised] == [
        ("ring", tuple(ring[:3]), True)
    ]
    with factory() as s, s.begin():
        again = service.run_detectors(session=s, as_of=AS_OF)
        assert [r.new for r in again] == [False]
        assert service.held_subject_ids(session=s) == set(ring[:3])
        assert service.pending_review_for(session=s, subject_id=ring[0])
        assert not service.pending_review_for(session=s, subject_id=ring[3])
        assert s.execute(select(func.count()).select_from(Score)).scalar_one() == scores_before
        assert s.execute(select(func.count()).select_from(ListEntry)).scalar_one() == lists_before
        types = s.execute(select(audit.AuditEntry.event_type)).scalars().all()
        assert types.count("integrity.flag_raised") == 1
        assert audit.verify(s).ok


class OperatorSettings(Settings):
    operator_key: SecretStr | None = SecretStr(OPERATOR_KEY)


@pytest.fixture
def api(engine: Engine) -> Iterator[TestClient]:
    from credo.api.app import create_app

    app = create_app(OperatorSettings(), engine=engine)
    with TestClient(app) as client:
        yield client


def test_review_flow_through_the_api(
    api: TestClient, factory: sessionmaker[Session], ring: list[int]
) -> None:
    with factory() as s, s.begin():
        service.run_detectors(session=s, as_of=AS_OF)
    auth = {"Authorization": f"Bearer {OPERATOR_KEY}"}
    assert api.get("/v1/admin/integrity").status_code == 401
    assert (
        api.get("/v1/admin/integrity", headers={"Authorization": "Bearer nope"}).status_code == 401
    )
    queue = api.get("/v1/admin/integrity", headers=auth).json()
    assert queue["total"] == 1
    flag = queue["flags"][0]
    assert flag["detector"] == "ring" and flag["state"] == "open"
    assert [s["id"][-4:] for s in flag["subjects"]] == ["0000", "0001", "0002"]
    assert "*" in flag["subjects"][0]["id"] and flag["evidence"]["members"] == 3

    url = f"/v1/admin/integrity/{flag['id']}"
    assert api.post(url, json={"decision": "confirm"}).status_code == 401
    assert api.post(url, json={"decision": "maybe"}, headers=auth).status_code == 422
    done = api.post(url, json={"decision": "confirm", "note": "ring"}, headers=auth).json()
    assert done["state"] == "confirmed" and done["note"] == "ring"
    with factory() as s:
        assert service.held_subject_ids(session=s) == set(ring[:3])
    cleared = api.post(url, json={"decision": "clear", "note": "records corrected"}, headers=auth)
    assert cleared.json()["state"] == "cleared"
    assert api.post(url, json={"decision": "clear"}, headers=auth).status_code == 409
    missing = api.post("/v1/admin/integrity/999", json={"decision": "clear"}, headers=auth)
    assert missing.status_code == 404
    assert missing.json()["error"]["details"] == [{"field": "flag_id", "value": 999}]
    with factory() as s:
        assert service.held_subject_ids(session=s) == set()
        assert not service.pending_review_for(session=s, subject_id=ring[0])
        decided = (
            s.execute(
                select(audit.AuditEntry.payload).where(
                    audit.AuditEntry.event_type == "integrity.flag_decided"
                )
            )
            .scalars()
            .all()
        )
        assert [json.loads(p)["decision"] for p in decided] == ["confirm", "clear"]
        flag_row = s.get(IntegrityFlag, flag["id"])
        assert flag_row is not None and flag_row.state == "cleared"
    with factory() as s, s.begin():  # a cleared finding is not raised again
        assert [r.new for r in service.run_detectors(session=s, as_of=AS_OF)] == [False]


def test_operator_endpoints_off_without_a_key(engine: Engine, settings: Settings) -> None:
    from credo.api.app import create_app

    app = create_app(settings, engine=engine)
    with TestClient(app) as client:
        r = client.get("/v1/admin/integrity", headers={"Authorization": "Bearer x"})
    assert r.status_code == 401


def test_pending_review_reveals_no_internals(
    factory: sessionmaker[Session], ring: list[int]
) -> None:
    with factory() as s, s.begin():
        service.run_detectors(session=s, as_of=AS_OF)
        assert service.pending_review_for(session=s, subject_id=ring[1]) is True


def test_scan_cli_json(engine: Engine, ring: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    from credo.cli import common
    from credo.cli.integrity import register
    from credo.core.db import session_factory

    monkeypatch.setattr(common, "factory", lambda: session_factory(engine))
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["integrity", "scan", "--as-of", AS_OF.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout.strip().splitlines()[-1])
    assert [f["detector"] for f in doc["flags"]] == ["ring"]
    item = doc["flags"][0]
    assert set(item) >= {"detector", "subjects", "evidence"}
    assert [s["scheme"] for s in item["subjects"]] == ["cn_ric"] * 3
    assert all("*" in s["id"] for s in item["subjects"])


@pytest.mark.parametrize(
    "as_of",
    ["0001-01-01", "0002-06-30", (AS_OF - dt.timedelta(days=200)).isoformat()],
)
def test_a_scan_as_of_a_day_reads_no_transfer_after_it_nor_crashes_at_the_calendars_ends(
    engine: Engine, ring: list[int], monkeypatch: pytest.MonkeyPatch, as_of: str
) -> None:
    from credo.cli import common
    from credo.cli.integrity import register
    from credo.core.db import session_factory

    monkeypatch.setattr(common, "factory", lambda: session_factory(engine))
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["integrity", "scan", "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    # the windows end before every transfer: no ring in them; a scan as of a day sees the
    # store as it was on that day
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"flags": []}


@pytest.mark.parametrize("as_of", ["9999-12-31", "2999-01-01"])
def test_a_scan_as_of_a_future_day_is_refused_and_raises_nothing(
    engine: Engine, ring: list[int], monkeypatch: pytest.MonkeyPatch, as_of: str
) -> None:
    """A future day would count every transfer up to it and hold scores ahead of time: the
    domain refuses it (``clock.as_of``), whoever asks (CLI, batch)."""
    from sqlalchemy import func, select

    from credo.cli import common
    from credo.cli.integrity import register
    from credo.core.db import session_factory
    from credo.integrity.models import IntegrityFlag

    monkeypatch.setattr(common, "factory", lambda: session_factory(engine))
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["integrity", "scan", "--as-of", as_of, "--json"])
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "in the future" in said and as_of in said and "Traceback" not in said
    with session_factory(engine)() as s:
        assert s.execute(select(func.count()).select_from(IntegrityFlag)).scalar_one() == 0
