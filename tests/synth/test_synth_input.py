"""``credo synth`` and ``credo load`` on bad input: one error naming the option and the value,
exit 1, no traceback; and records a real registry could hold (no loan closed before its
last repayment, no term-expired delisting before the term ends)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from credo.cli.main import app
from credo.synth import synthesise

TODAY = dt.date(2026, 11, 21)


def cli(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "400"}).invoke(app, list(args))


def said(result: Any) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(result.output.split())


def refused(result: Any, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    for word in words:
        assert word in said(result), (word, result.output)


def test_synth_out_that_is_a_file_is_named(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x")
    made = cli("synth", "--out", str(taken), "--persons", "5", "--organisations", "1")
    refused(made, "--out", str(taken))


def test_synth_negative_seed_is_named(tmp_path: Path) -> None:
    made = cli("synth", "--out", str(tmp_path / "p"), "--persons", "5", "--seed", "-1")
    refused(made, "--seed", "-1")


@pytest.mark.parametrize(
    ("persons", "organisations", "named"),
    [("10", "-1", "organisations"), ("-1", "10", "persons"), ("0", "0", "persons")],
)
def test_synth_sizes_name_the_bad_one(
    tmp_path: Path, persons: str, organisations: str, named: str
) -> None:
    made = cli(
        "synth", "--out", str(tmp_path / "p"), "--persons", persons,
        "--organisations", organisations,
    )  # fmt: skip
    refused(made, f"'field': '{named}'")
    bad = organisations if named == "organisations" else persons
    assert f"'value': {bad}" in said(made)


def _synth_dir(tmp_path: Path, furnishers: Any) -> Path:
    folder = tmp_path / "pop"
    folder.mkdir()
    text = furnishers if isinstance(furnishers, str) else json.dumps(furnishers)
    (folder / "furnishers.json").write_text(text)
    return folder


SPEC = {"name": "X Bank", "kind": "bank", "categories": ["loan.opened"], "files": []}


@pytest.mark.parametrize(
    ("furnishers", "words"),
    [
        ("{not json", ["furnishers.json", "not JSON"]),
        ({"name": "x"}, ["furnishers.json", "list"]),
        ([{"name": "x"}], ["furnishers.json", "'kind'"]),
        ([{**SPEC, "files": "records/x.jsonl"}], ["furnishers.json", "files"]),
        ([{**SPEC, "files": ["records/none.jsonl"]}], ["records/none.jsonl", "no such file"]),
        ([{**SPEC, "files": ["../outside.csv"]}], ["../outside.csv", "outside"]),
    ],
)
def test_load_refuses_a_broken_synth_directory_before_registering(
    tmp_path: Path, furnishers: Any, words: list[str]
) -> None:
    assert cli("init").exit_code == 0
    (tmp_path / "outside.csv").write_text("external_id\n")
    folder = _synth_dir(tmp_path, furnishers)
    refused(cli("load", str(folder)), *words)
    listed = cli("furnishers", "list", "--json")
    assert json.loads(listed.stdout.strip().splitlines()[-1]) == {"furnishers": []}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("pop")
    synthesise(
        out=out, persons_n=3000, organisations_n=300, years=5, seed=3, today=TODAY, fmt="jsonl"
    )
    rows = []
    for path in sorted(out.glob("records/*/*.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines()]
    assert pq.read_table(out / "subjects.parquet").num_rows == 3300
    return rows


def test_no_loan_is_closed_before_its_last_repayment(records: list[dict[str, Any]]) -> None:
    events: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if r["category"].startswith("loan."):
            events[(r["subject"]["id"], r["fields"]["loan_id"])][r["category"]].append(
                r["occurred_on"]
            )
    closed = [e for e in events.values() if "loan.closed" in e and "loan.repayment" in e]
    assert closed
    late = [e for e in closed if max(e["loan.repayment"]) > min(e["loan.closed"])]
    assert not late, f"{len(late)} loans closed before their last repayment, e.g. {late[0]}"


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    start = dt.date(day.year + year, month + 1, 1)
    last = ((start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - start).days
    return start.replace(day=min(day.day, last))


def test_no_term_expired_delisting_before_the_term_ends(records: list[dict[str, Any]]) -> None:
    listings = {r["fields"]["case_number"]: r for r in records if r["category"] == "court.listing"}
    expired = [
        r
        for r in records
        if r["category"] == "court.delisting" and r["fields"]["reason"] == "term_expired"
    ]
    assert expired
    for delisting in expired:
        listing = listings[delisting["fields"]["case_number"]]
        term = listing["fields"].get("term_months")
        assert term is not None, ("a term expired on a listing without a term", delisting)
        ends = _add_months(dt.date.fromisoformat(listing["occurred_on"]), int(term))
        assert dt.date.fromisoformat(delisting["occurred_on"]) >= ends, (listing, delisting)


def test_load_says_where_the_refused_rows_are(tmp_path: Path) -> None:
    from tests.envelopes import repayment

    assert cli("init").exit_code == 0
    folder = _synth_dir(tmp_path, [{**SPEC, "categories": ["loan.repayment"],
                                    "files": ["records/bank.jsonl"]}])  # fmt: skip
    (folder / "records").mkdir()
    rows = [repayment("r-1"), repayment("r-2", occurred_on="2026-02-30")]
    (folder / "records" / "bank.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    loaded = cli("load", str(folder))
    assert loaded.exit_code == 0, loaded.output
    assert "accepted 1, duplicates 0, rejected 1" in said(loaded)
    assert f"refused rows: {folder / 'records' / 'bank.jsonl.errors.csv'}" in said(loaded)


def test_synth_refuses_an_as_of_whose_records_the_catalogue_refuses(tmp_path: Path) -> None:
    for day in ("1950-01-01", "0001-01-01"):
        made = cli("synth", "--out", str(tmp_path / "p"), "--persons", "5", "--as-of", day)
        refused(made, "--as-of", day, "1990")
    # the earliest accepted --as-of gives records intake takes whole (births, tax years)
    assert cli("init").exit_code == 0
    out = tmp_path / "early"
    made = cli("synth", "--out", str(out), "--persons", "150", "--organisations", "20",
               "--years", "2", "--as-of", "1993-01-01")  # fmt: skip
    assert made.exit_code == 0, made.output
    loaded = cli("load", str(out), "--json")
    assert loaded.exit_code == 0, loaded.output
    summary = json.loads(loaded.stdout.strip().splitlines()[-1])
    assert summary["rejected"] == 0 and summary["accepted"] > 1000


def test_no_record_before_its_subject_could_have_one(tmp_path: Path) -> None:
    """Over a long span, minors (14 to 17 at as-of) were not yet born at its start: their
    records begin the month they turn 14, never before birth."""
    import pyarrow as pa
    import pyarrow.compute as pc

    synthesise(out=tmp_path, persons_n=800, organisations_n=0, years=20, seed=9, today=TODAY)
    parts = [
        pq.read_table(path, columns=["subject_id", "occurred_on", "category"])
        for path in sorted(tmp_path.glob("records/*/*.parquet"))
    ]
    table = pa.concat_tables(parts)
    born = pc.strptime(pc.utf8_slice_codeunits(table["subject_id"], 6, 14), "%Y%m%d", "s")
    age_days = pc.days_between(born, pc.cast(table["occurred_on"], pa.timestamp("s")))
    youngest = pc.min(age_days).as_py()
    assert youngest >= 13.9 * 365.25, f"a record at {youngest / 365.25:.1f} years of age"


def test_a_licence_is_revoked_only_while_valid(tmp_path: Path) -> None:
    synthesise(
        out=tmp_path, persons_n=0, organisations_n=1500, years=20, seed=4, today=TODAY, fmt="jsonl"
    )
    rows = [
        json.loads(line)
        for path in sorted(tmp_path.glob("records/market-regulator/*.jsonl"))
        for line in path.read_text().splitlines()
    ]
    valid = {
        r["fields"]["licence_number"]: (r["occurred_on"], r["fields"]["valid_until"])
        for r in rows
        if r["category"] == "licence.granted"
    }
    revoked = [r for r in rows if r["category"] == "licence.revoked"]
    assert len(revoked) > 20
    for r in revoked:
        granted, until = valid[r["fields"]["licence_number"]]
        assert granted < r["occurred_on"] < until, (granted, until, r)
