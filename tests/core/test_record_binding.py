"""Records bound to the audit log: ``credo audit verify`` recomputes every stored record
version against the log and names the row that differs (issue 17)."""

from __future__ import annotations

import json
from typing import Any

import typer
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from credo.api.app import create_app
from credo.cli import audit as audit_cli
from credo.config import get_settings
from credo.core.db import make_engine, session_factory
from credo.furnishers import service as furnishers
from credo.models import metadata
from tests.envelopes import repayment


def _verify() -> tuple[int, dict[str, Any]]:
    app = typer.Typer()
    audit_cli.register(app)
    result = CliRunner().invoke(app, ["audit", "verify", "--json"])
    assert result.output.strip(), (result.exit_code, result.exception)
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def test_verify_names_a_record_row_edited_in_the_database() -> None:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    metadata.create_all(engine)
    with session_factory(engine)() as s, s.begin():
        _, key = furnishers.add(session=s, name="Bank", kind="bank", categories=["loan.repayment"])
    bank = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(settings, engine=engine)) as client:
        batch = [repayment("r-1"), repayment("r-2"), repayment("r-3")]
        assert client.post("/v1/records", json={"records": batch}, headers=bank).status_code == 200
        fixed = repayment("r-2", amount="1300.00")
        assert client.put("/v1/records/r-2", json=fixed, headers=bank).status_code == 200
        assert client.delete("/v1/records/r-3", headers=bank).status_code == 200
    code, report = _verify()
    assert code == 0 and report["ok"], report

    with engine.begin() as conn:  # an insider edits a record's fields in place
        conn.execute(
            text("UPDATE records SET fields = :f WHERE external_id = 'r-1'"),
            {"f": '{"days_late":0,"loan_id":"L-99"}'},
        )
    code, report = _verify()
    assert code == 1 and not report["ok"]
    assert any("r-1" in p and "content does not match" in p for p in report["problems"]), report

    with engine.begin() as conn:  # ... and recomputes its content hash too
        from credo.records.binding import content_hash

        row = conn.execute(
            text(
                "SELECT r.category, s.scheme, s.lookup_key, r.occurred_on, r.amount_minor, "
                "r.currency, r.legal_basis, r.fields FROM records r JOIN subjects s "
                "ON s.id = r.subject_id WHERE r.external_id = 'r-1'"
            )
        ).one()
        forged = content_hash(
            category=row[0],
            scheme=row[1],
            key=row[2],
            occurred_on=str(row[3]),
            amount_minor=row[4],
            currency=row[5],
            legal_basis=row[6],
            fields_json=row[7],
        )
        conn.execute(
            text("UPDATE records SET content_hash = :h WHERE external_id = 'r-1'"), {"h": forged}
        )
    code, report = _verify()
    assert code == 1
    assert any("r-1" in p and "logged digest" in p for p in report["problems"]), report

    with engine.begin() as conn:  # a superseded version edited in place
        conn.execute(text("UPDATE record_versions SET content = replace(content, '1200', '1')"))
    code, report = _verify()
    assert any(p.startswith("record_versions row") for p in report["problems"]), report
    engine.dispose()
