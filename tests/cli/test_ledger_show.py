"""``credo ledgers show`` says which computed entries no longer count and why (a deleted or
disputed record's points are out of the balance: the text must not hide the entry)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from credo.access import consents
from credo.cli.main import app
from credo.config import get_settings
from credo.core import clock
from credo.core.db import make_engine, session_factory
from credo.ledgers import service
from credo.records import service as records
from credo.rights import disputes
from credo.subjects.models import Subject
from tests.envelopes import PERSON, repayment
from tests.ledgers.conftest import IBIS_DUCKDB, TODAY, compute, policy_text, rule

pytestmark = IBIS_DUCKDB


def cli(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "400"}).invoke(app, list(args))


@pytest.fixture(autouse=True)
def _today() -> None:
    clock.freeze(TODAY)


def test_show_names_an_entry_left_out_of_the_balance(tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    added = cli(
        "furnishers", "add", "Bank", "--kind", "bank", "--categories", "loan.repayment", "--json"
    )
    bank = json.loads(added.stdout.strip().splitlines()[-1])["id"]
    source = tmp_path / "one.jsonl"
    late = repayment("r-9", occurred_on="2026-05-01", fields={"loan_id": "L-1", "days_late": 40})
    source.write_text(json.dumps(late) + "\n")
    assert cli("ingest", str(source), "--furnisher", bank).exit_code == 0
    policy = tmp_path / "city.toml"
    policy.write_text(policy_text(rule("late", "loan.repayment", -30)))
    assert cli("ledgers", "apply", str(policy)).exit_code == 0
    engine = make_engine(get_settings().database_url)
    factory = session_factory(engine)
    with factory() as s, s.begin():
        subject_id = s.execute(select(Subject.id)).scalar_one()
        consents.grant(session=s, subject_id=subject_id, scope=service.SCOPE_PREFIX + "city")
    with factory() as s:
        compute(s, engine, tmp_path / "run")
    shown = cli("ledgers", "show", "city", "cn_ric", PERSON)
    assert shown.exit_code == 0, shown.output
    assert "left out" not in shown.output and "-30" in shown.output
    with factory() as s, s.begin():
        record = records.get(session=s, furnisher_id=bank, external_id="r-9")
        disputes.delete_record(session=s, furnisher_id=bank, external_id="r-9", actor="test")
    engine.dispose()
    shown = cli("ledgers", "show", "city", "cn_ric", PERSON)
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert "balance 1000" in text
    assert f"left out of the balance: record {record.id} (loan.repayment, 2026-05-01)" in text
    assert "rule late, -30 points: the record was deleted" in text
