"""``credo report`` and ``credo lists show`` in words: a score a review holds back is said to
be the last confirmed one, a listing whose term is over is not shown active, and each point
ledger is shown with what it leaves out."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from credo.cli.main import app
from credo.rights import report
from tests.envelopes import PERSON, repayment

SCORE = {
    "score": 640,
    "band": "good",
    "as_of": "2026-05-01",
    "dimensions": {"history": 60},
    "reasons": [],
    "to_raise": [],
}


def cli(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "400"}).invoke(app, list(args))


@pytest.fixture
def person(tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    added = cli(
        "furnishers", "add", "Bank", "--kind", "bank", "--categories", "loan.repayment", "--json"
    )
    bank = json.loads(added.stdout.strip().splitlines()[-1])["id"]
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(repayment()) + "\n")
    assert cli("ingest", str(source), "--furnisher", bank).exit_code == 0


def _report(monkeypatch: pytest.MonkeyPatch, **changes: Any) -> str:
    real = report.build

    def build(**kwargs: Any) -> Any:
        data = {**real(**kwargs).model_dump(mode="json"), **changes}
        return SimpleNamespace(model_dump=lambda mode: data)

    monkeypatch.setattr(report, "build", build)
    shown = cli("report", "cn_ric", PERSON)
    assert shown.exit_code == 0, shown.output
    return " ".join(shown.output.split())


@pytest.mark.usefixtures("person")
def test_a_score_held_for_review_is_said_to_be_the_last_confirmed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _report(monkeypatch, score=SCORE, score_held_for_review=True)
    assert "score 640 (good) as of 2026-05-01" in text
    assert "a review holds a newer score: this is the last confirmed one" in text
    assert "a review holds its first score" in _report(
        monkeypatch, score=None, score_held_for_review=True
    )


@pytest.mark.usefixtures("person")
def test_an_entry_past_its_term_is_not_shown_active() -> None:
    """The lists domain reads an active entry past its scheduled end as ended (term_expired)
    before the next refresh; report and lists show say so, and offer no remedy for it."""
    import datetime as dt

    from sqlalchemy import select

    from credo.cli.common import transaction
    from credo.core import clock
    from credo.lists.models import ListEntry
    from credo.subjects.models import Subject

    with transaction() as s:
        subject_id = s.execute(select(Subject.id)).scalar_one()
        for ref, end in (("C-1", "2026-01-05"), ("C-2", "2099-01-05")):
            s.add(
                ListEntry(
                    list_id="defaulter", subject_id=subject_id, rule_id="defaulter.court_listing",
                    ref=ref, record_ids="[]", starts_on=dt.date(2024, 1, 5),
                    scheduled_end=dt.date.fromisoformat(end), state="active", basis="{}",
                    updated_at=clock.now(),
                )
            )  # fmt: skip
    shown = cli("lists", "show", "defaulter")
    assert shown.exit_code == 0, shown.output
    rows = {line.split("│")[4].strip(): line for line in shown.output.splitlines() if "C-" in line}
    assert "active" not in rows["C-1"] and "active" in rows["C-2"]
    text = " ".join(cli("report", "cn_ric", PERSON).output.split())
    assert "(ended): case C-1" in text and "(active): case C-2" in text
    assert text.count("how to end it") == 1


@pytest.mark.usefixtures("person")
def test_the_report_shows_each_ledger_and_what_it_leaves_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    left = {
        "record_id": 7,
        "category": "penalty.imposed",
        "occurred_on": "2026-05-01",
        "points": -100,
        "why": "the record was deleted, so its points no longer count",
    }
    ledger = {
        "scheme": "city",
        "policy_version": 2,
        "on": "2026-06-30",
        "balance": 1000,
        "grade": "A",
        "entries": [],
        "left_out": [left],
    }
    text = _report(monkeypatch, ledgers=[ledger])
    assert "ledger city (policy v2) on 2026-06-30: balance 1000, grade A, 0 entries counted" in text
    assert (
        "left out of the balance: record 7 (penalty.imposed, 2026-05-01), -100 points: "
        "the record was deleted" in text
    )
