"""List rules and derivation as pure functions, and the lists CLI."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from credo.lists import rules as R
from credo.lists.derive import Fact, SubjectInfo, derive

D = dt.date


@pytest.mark.parametrize(
    ("ground", "term", "months"),
    [
        ("false_asset_report", None, 24),
        ("false_asset_report", 12, 12),
        ("obstructing_execution", None, 36),
        ("obstructing_execution", 48, 48),
        ("obstructing_execution", 0, 36),
        ("able_but_refuses", 12, None),
    ],
)
def test_listing_terms(ground: str, term: int | None, months: int | None) -> None:
    assert R.listing_term(ground, term)[0] == months


def test_dates() -> None:
    assert R.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert R.add_months(D(2025, 11, 15), 3) == D(2026, 2, 15)
    assert R.add_working_days(D(2026, 1, 2), 10) == D(2026, 1, 16)  # Friday + 10 = Friday
    assert R.age_on(D(2008, 3, 2), D(2026, 3, 1)) == 17
    assert R.age_on(D(2008, 3, 1), D(2026, 3, 1)) == 18


def test_every_list_names_known_restrictions_and_benefits() -> None:
    for rule in R.LISTS.values():
        assert set(rule.restricts) <= set(R.RESTRICTIONS)
        assert set(rule.benefits) <= set(R.BENEFITS)
        assert rule.how_to_end and rule.enters_by and rule.ends_by
    assert len(R.RESTRICTIONS) == 11
    assert R.LISTS[R.SERIOUS_VIOLATOR].subject_kinds == ("organisation",)


def _fact(rid: int, category: str, on: D, **fields: Any) -> Fact:
    return Fact(rid, 1, category, on, fields)


def test_derivation_ignores_records_after_as_of_and_fulfilment_before_due() -> None:
    facts = [
        _fact(1, "court.judgment", D(2025, 1, 1), case_number="A", due_on="2025-02-01"),
        _fact(2, "court.fulfilment", D(2025, 1, 20), case_number="A"),
        _fact(3, "court.judgment", D(2025, 1, 1), case_number="B", due_on="2025-02-01"),
        _fact(4, "court.listing", D(2025, 4, 1), case_number="B", ground="evading_execution"),
    ]
    info = {1: SubjectInfo("person", D(1980, 1, 1))}
    early = derive(facts, info, D(2025, 3, 1))
    assert [(k[2], k[3], e.state) for k, e in early.items()] == [
        ("defaulter.warning", "B", "pending")
    ]
    later = derive(facts, info, D(2025, 4, 1))
    states = {(k[2], k[3]): (e.state, e.removal_reason) for k, e in later.items()}
    assert states == {
        ("defaulter.warning", "B"): ("ended", "listed"),
        ("defaulter.court_listing", "B"): ("active", None),
    }
    assert derive(facts, info, D(2025, 4, 1)).keys() == later.keys()


def test_cli_refresh_and_show(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from credo.cli.lists import register
    from credo.config import get_settings
    from credo.migrations import upgrade

    upgrade(get_settings().database_url)
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """credo"""

    register(app)
    runner = CliRunner()
    refreshed = runner.invoke(app, ["lists", "refresh", "--as-of", "2025-01-01", "--json"])
    assert refreshed.exit_code == 0, refreshed.output
    summary = json.loads(refreshed.stdout.strip().splitlines()[-1])
    assert summary["as_of"] == "2025-01-01" and summary["entered"] == 0
    shown = runner.invoke(app, ["lists", "show", "--json"])
    assert {row["id"] for row in json.loads(shown.stdout)["lists"]} == set(R.LISTS)
    one = runner.invoke(app, ["lists", "show", "defaulter", "--json"])
    assert json.loads(one.stdout)["total"] == 0
    assert runner.invoke(app, ["lists", "show"]).exit_code == 0
    bad = runner.invoke(app, ["lists", "show", "grey"])
    assert bad.exit_code == 1
    assert runner.invoke(app, ["lists", "refresh", "--as-of", "soon"]).exit_code == 1
    # a future day would end terms early and tell people their restrictions were lifted
    future = runner.invoke(app, ["lists", "refresh", "--as-of", "2999-01-01", "--json"])
    assert future.exit_code == 1 and "in the future" in " ".join(future.output.split())


_CODE = r"[a-z]+_[a-z_]+|court\.[a-z]+|/v1/"


@pytest.mark.parametrize(
    ("ground", "term"),
    [(g, t) for g in R.GROUNDS for t in (None, 1, 48, 100)],
)
def test_term_reasons_are_words_a_person_reads(ground: str, term: int | None) -> None:
    import re

    months, why = R.listing_term(ground, term)
    assert not re.search(_CODE, why), why  # no ground codes or rule ids
    assert R.ground_name(ground) in why
    if months is not None and term is not None and months != term:
        assert f"The court set {term} months" in why and f"so the term is {months} months" in why
    for ext in (None, 6, 24, 60):
        assert not re.search(_CODE, R.extension_term(ext)[1])


def test_how_to_end_and_removal_reasons_are_words() -> None:
    import re

    for rule in R.LISTS.values():
        assert not re.search(_CODE, rule.how_to_end), rule.how_to_end
    assert R.removal_reason("delisted:settlement") == "the court lifted the listing (settlement)"
    assert R.removal_reason("term_expired") == "its term ended"
    assert R.removal_reason(None) == ""
