"""Every accepted batch, correction, deletion, furnisher and key appends a chained audit event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit
from tests.api.helpers import add_furnisher
from tests.envelopes import repayment
from tests.records.bulkfiles import cli, last_json, sqlite_count, write


def events(engine: Engine) -> list[tuple[int, str, str, dict[str, Any]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT seq, event_type, actor, payload FROM audit_log ORDER BY seq")
        )
        return [(s, e, a, json.loads(p)) for s, e, a, p in rows]


def test_each_change_appends_its_event(
    client: TestClient, engine: Engine, factory: sessionmaker[Session]
) -> None:
    bank = add_furnisher(factory, "Audit Bank", "bank", ["loan.repayment"])
    headers = bank["headers"]
    client.post("/v1/records", json={"records": [repayment("a"), repayment("b")]}, headers=headers)
    client.post("/v1/records", json={"records": [repayment("a")]}, headers=headers)  # duplicate
    client.put("/v1/records/a", json=repayment("a", amount="1.00"), headers=headers)
    client.put("/v1/records/a", json=repayment("a", amount="1.00"), headers=headers)  # no change
    client.delete("/v1/records/b", headers=headers)
    client.delete("/v1/records/b", headers=headers)  # already deleted
    client.post("/v1/records", json={"records": [repayment("c", amount="-1")]}, headers=headers)

    log = events(engine)
    assert [e for _, e, _, _ in log] == [
        "furnisher.added",
        "key.issued",
        "records.accepted",
        "record.corrected",
        "record.deleted",
    ]
    assert [s for s, _, _, _ in log] == [1, 2, 3, 4, 5]
    _, _, actor, added = log[0]
    assert actor == "operator"
    assert added == {
        "furnisher_id": bank["id"],
        "name": "Audit Bank",
        "kind": "bank",
        "categories": ["loan.repayment"],
    }
    assert log[1][3]["holder"] == bank["id"] and log[1][3]["role"] == "furnisher"
    assert bank["key"].partition(".")[2] not in json.dumps(log)  # the secret is never logged
    accepted = log[2][3]
    assert log[2][2] == f"furnisher:{bank['id']}"
    assert accepted["count"] == 2
    assert (accepted["first_external_id"], accepted["last_external_id"]) == ("a", "b")
    assert log[3][3]["external_id"] == "a" and log[3][3]["version"] == 2
    assert log[4][3]["external_id"] == "b" and log[4][3]["version"] == 2

    with factory() as session:
        result = audit.verify(session)
    assert result.ok and result.checked == 5


def test_verify_names_a_tampered_entry(
    client: TestClient, engine: Engine, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    for i in range(3):
        client.post("/v1/records", json={"records": [repayment(f"r-{i}")]}, headers=bank["headers"])
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET payload = replace(payload, :old, :new) WHERE seq = 4"),
            {"old": '"count":1', "new": '"count":9'},
        )
    with factory() as session:
        result = audit.verify(session)
    assert not result.ok and result.first_bad_seq == 4 and result.checked == 3


def test_verify_notices_a_removed_last_entry(
    client: TestClient, engine: Engine, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    client.post("/v1/records", json={"records": [repayment()]}, headers=bank["headers"])
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    with factory() as session:
        assert not audit.verify(session).ok


def test_cli_audit_verify(tmp_path: Path, cli_store: tuple[Path, str]) -> None:
    db, furnisher = cli_store
    write(tmp_path / "a.jsonl", [repayment(f"r-{i}") for i in range(5)])
    cli("ingest", str(tmp_path / "a.jsonl"), "--furnisher", furnisher)
    added = cli("furnishers", "add", "Bank B", "--kind", "bank", "--categories", "loan.opened")
    assert added.exit_code == 0
    types = sqlite_count(db, "SELECT group_concat(event_type, ',') FROM audit_log")
    assert types.split(",") == [
        "furnisher.added",
        "key.issued",
        "records.accepted",
        "furnisher.added",
        "key.issued",
    ]

    ok = cli("audit", "verify", "--json")
    assert ok.exit_code == 0, ok.output
    verdict = last_json(ok)
    assert {k: verdict[k] for k in ("ok", "checked", "first_bad_seq", "reason")} == {
        "ok": True,
        "checked": 5,
        "first_bad_seq": None,
        "reason": None,
    }
    assert cli("audit", "verify").exit_code == 0

    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "UPDATE audit_log SET payload = replace(payload, 'Bank B', 'Bank C') WHERE seq = 4"
        )
    broken = cli("audit", "verify")
    assert broken.exit_code != 0
    assert "entry 4" in broken.output
    as_json = cli("audit", "verify", "--json")
    assert as_json.exit_code != 0
    assert last_json(as_json)["first_bad_seq"] == 4 and last_json(as_json)["ok"] is False
