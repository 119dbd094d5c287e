"""Bulk intake of CSV, JSONL and Parquet: per-row report, idempotent re-runs, all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from credo.errors import NotFound
from credo.records.bulk import ingest_file
from tests.api.helpers import counts, unchanged
from tests.envelopes import ORG, PERSON, repayment
from tests.records.bulkfiles import cli, last_json, read_report, sqlite_count, write

FORMATS = ["csv", "jsonl", "parquet"]


def rows_with_one_bad() -> list[dict[str, Any]]:
    return [
        repayment("r-1"),
        repayment("r-2", subject={"scheme": "cn_uscc", "id": ORG, "name": "Foods"}),
        repayment("r-3", amount="-5.00"),  # row 3: refused
        repayment("r-4", fields={"loan_id": "L-9", "days_late": 12}),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_valid_rows_accepted_and_bad_rows_reported(
    tmp_path: Path, factory: sessionmaker[Session], engine: Engine, bank: dict[str, Any], fmt: str
) -> None:
    path = write(tmp_path / f"batch.{fmt}", rows_with_one_bad())
    before = counts(engine)
    summary = ingest_file(factory=factory, path=path, furnisher_id=bank["id"])
    assert (summary.accepted, summary.duplicates, summary.rejected) == (3, 0, 1)
    assert summary.report == str(tmp_path / f"batch.{fmt}.errors.csv")
    (bad,) = read_report(path)
    assert {k: bad[k] for k in ("row", "external_id", "field", "value", "reason")} == {
        "row": "3",
        "external_id": "r-3",
        "field": "amount",
        "value": "-5.00",
        "reason": "must not be negative",
    }
    assert counts(engine)["records"] == before["records"] + 3
    with engine.connect() as conn:
        held = conn.execute(
            text("SELECT fields FROM records WHERE external_id = 'r-4'")
        ).scalar_one()
    assert held == '{"days_late":12,"loan_id":"L-9"}'

    # The same file again: nothing new.
    with unchanged(engine):
        again = ingest_file(factory=factory, path=path, furnisher_id=bank["id"])
    assert (again.accepted, again.duplicates, again.rejected) == (0, 3, 1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_all_or_nothing_accepts_none_if_any_row_is_bad(
    tmp_path: Path, factory: sessionmaker[Session], engine: Engine, bank: dict[str, Any], fmt: str
) -> None:
    path = write(tmp_path / f"batch.{fmt}", rows_with_one_bad())
    with unchanged(engine):
        summary = ingest_file(
            factory=factory, path=path, furnisher_id=bank["id"], all_or_nothing=True, chunk=2
        )
    assert summary.accepted == 0 and summary.rejected == 1
    assert read_report(path)[0]["external_id"] == "r-3"


def test_all_or_nothing_accepts_all_when_every_row_is_good(
    tmp_path: Path, factory: sessionmaker[Session], engine: Engine, bank: dict[str, Any]
) -> None:
    path = write(tmp_path / "good.jsonl", [repayment(f"r-{i}") for i in range(5)])
    summary = ingest_file(
        factory=factory, path=path, furnisher_id=bank["id"], all_or_nothing=True, chunk=2
    )
    assert (summary.accepted, summary.rejected, summary.report) == (5, 0, None)
    assert counts(engine)["records"] == 5
    assert not (tmp_path / "good.jsonl.errors.csv").exists()


def test_row_conflicting_with_a_held_record_is_rejected_in_the_report(
    tmp_path: Path, factory: sessionmaker[Session], engine: Engine, bank: dict[str, Any]
) -> None:
    first = write(tmp_path / "first.jsonl", [repayment("r-1"), repayment("r-2")])
    ingest_file(factory=factory, path=first, furnisher_id=bank["id"])
    second = write(
        tmp_path / "second.jsonl",
        [repayment("r-1"), repayment("r-2", amount="1.00"), repayment("r-3")],
    )
    summary = ingest_file(factory=factory, path=second, furnisher_id=bank["id"])
    assert (summary.accepted, summary.duplicates, summary.rejected) == (1, 1, 1)
    (conflict,) = read_report(second)
    assert (conflict["row"], conflict["external_id"], conflict["field"], conflict["value"]) == (
        "2",
        "r-2",
        "external_id",
        "r-2",
    )
    assert conflict["code"] == "conflict"
    with engine.connect() as conn:
        amount = conn.execute(
            text("SELECT amount_minor FROM records WHERE external_id = 'r-2'")
        ).scalar_one()
    assert amount == 120000  # the held record is untouched


def test_unreadable_rows_are_reported(
    tmp_path: Path, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    path = tmp_path / "mixed.jsonl"
    write(path, [repayment("r-1")])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"external_id": \n')
        handle.write("[1, 2]\n")
    summary = ingest_file(factory=factory, path=path, furnisher_id=bank["id"])
    assert (summary.accepted, summary.rejected) == (1, 2)
    report = read_report(path)
    assert [(r["row"], r["field"], r["code"]) for r in report] == [
        ("2", "row", "unreadable_row"),
        ("3", "row", "unreadable_row"),
    ]


def test_stale_report_is_removed_after_a_clean_run(
    tmp_path: Path, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    path = write(tmp_path / "b.csv", rows_with_one_bad())
    ingest_file(factory=factory, path=path, furnisher_id=bank["id"])
    assert (tmp_path / "b.csv.errors.csv").exists()
    write(path, [repayment("r-1"), repayment("r-5")])
    summary = ingest_file(factory=factory, path=path, furnisher_id=bank["id"])
    assert (summary.accepted, summary.duplicates, summary.report) == (1, 1, None)
    assert not (tmp_path / "b.csv.errors.csv").exists()


def test_unknown_furnisher_is_refused(
    tmp_path: Path, factory: sessionmaker[Session], engine: Engine
) -> None:
    path = write(tmp_path / "b.jsonl", [repayment()])
    with unchanged(engine), pytest.raises(NotFound):
        ingest_file(factory=factory, path=path, furnisher_id="fur_missing")


def test_category_the_furnisher_may_not_furnish_is_reported(
    tmp_path: Path, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    row = repayment(
        "c-1", category="contract.breach", fields={"contract_ref": "C", "breach_type": "other"}
    )
    path = write(tmp_path / "b.jsonl", [row])
    summary = ingest_file(factory=factory, path=path, furnisher_id=bank["id"])
    assert summary.rejected == 1
    assert read_report(path)[0]["code"] == "category_not_permitted"


# --- the CLI on a SQLite file ---------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_ingest(tmp_path: Path, cli_store: tuple[Path, str], fmt: str) -> None:
    db, furnisher = cli_store
    path = write(tmp_path / f"in.{fmt}", rows_with_one_bad())
    result = cli("ingest", str(path), "--furnisher", furnisher, "--json")
    assert result.exit_code == 0, result.output
    assert last_json(result) == {
        "accepted": 3,
        "duplicates": 0,
        "rejected": 1,
        "report": str(path) + ".errors.csv",
    }
    assert read_report(path)[0]["row"] == "3"
    assert sqlite_count(db, "SELECT count(*) FROM records") == 3

    again = cli("ingest", str(path), "--furnisher", furnisher, "--json")
    assert last_json(again)["accepted"] == 0 and last_json(again)["duplicates"] == 3
    assert sqlite_count(db, "SELECT count(*) FROM records") == 3


def test_cli_rerun_of_a_clean_file_is_all_duplicates(
    tmp_path: Path, cli_store: tuple[Path, str]
) -> None:
    db, furnisher = cli_store
    people = [repayment(f"r-{i}", subject={"scheme": "cn_ric", "id": PERSON}) for i in range(20)]
    path = write(tmp_path / "in.jsonl", people)
    first = last_json(cli("ingest", str(path), "--furnisher", furnisher, "--json"))
    assert first == {"accepted": 20, "duplicates": 0, "rejected": 0, "report": None}
    audit = sqlite_count(db, "SELECT count(*) FROM audit_log")
    second = last_json(cli("ingest", str(path), "--furnisher", furnisher, "--json"))
    assert second == {"accepted": 0, "duplicates": 20, "rejected": 0, "report": None}
    assert sqlite_count(db, "SELECT count(*) FROM audit_log") == audit


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_all_or_nothing(tmp_path: Path, cli_store: tuple[Path, str], fmt: str) -> None:
    db, furnisher = cli_store
    path = write(tmp_path / f"in.{fmt}", rows_with_one_bad())
    audit = sqlite_count(db, "SELECT count(*) FROM audit_log")
    result = cli("ingest", str(path), "--furnisher", furnisher, "--all-or-nothing", "--json")
    assert result.exit_code == 1
    assert last_json(result)["accepted"] == 0 and last_json(result)["rejected"] == 1
    assert sqlite_count(db, "SELECT count(*) FROM records") == 0
    assert sqlite_count(db, "SELECT count(*) FROM audit_log") == audit


def test_cli_ingest_unknown_furnisher_exits_1(tmp_path: Path, cli_store: tuple[Path, str]) -> None:
    path = write(tmp_path / "in.jsonl", [repayment()])
    result = cli("ingest", str(path), "--furnisher", "fur_nobody", "--json")
    assert result.exit_code == 1
    assert "fur_nobody" in result.output


def test_cli_ingest_unknown_format_exits_1(tmp_path: Path, cli_store: tuple[Path, str]) -> None:
    _, furnisher = cli_store
    path = tmp_path / "in.xlsx"
    path.write_text("x")
    result = cli("ingest", str(path), "--furnisher", furnisher)
    assert result.exit_code == 1
    assert "in.xlsx" in result.output
