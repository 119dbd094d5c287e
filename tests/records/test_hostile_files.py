"""`credo ingest` on hostile files (issue 18): a clear error, exit 1, no traceback, nothing
half-stored, and a report that is safe to open. The corpus is generated here (no large
files are committed): each case writes its file into the test's folder."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.envelopes import repayment
from tests.records.bulkfiles import COLUMNS, cli, last_json, sqlite_count, to_columns, write


def _good_parquet(path: Path, n: int = 3) -> bytes:
    write(path, [repayment(f"r-{i}") for i in range(n)])
    return path.read_bytes()


def _csv_text(rows: list[dict[str, Any]], header: list[str] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for envelope in rows:
        columns = to_columns(envelope)
        writer.writerow([columns.get(c) or "" for c in header])
    return out.getvalue()


def parquet_truncated(folder: Path) -> Path:
    data = _good_parquet(folder / "tmp.parquet")
    path = folder / "truncated.parquet"
    path.write_bytes(data[: len(data) // 2])
    return path


def parquet_empty(folder: Path) -> Path:
    path = folder / "empty.parquet"
    path.write_bytes(b"")
    return path


def parquet_random(folder: Path) -> Path:
    path = folder / "random.parquet"
    path.write_bytes(os.urandom(4096))
    return path


def parquet_corrupt_middle(folder: Path) -> Path:
    data = bytearray(_good_parquet(folder / "tmp.parquet", 50))
    for i in range(8, len(data) // 2):  # data pages smashed, footer intact
        data[i] = 0xFF
    path = folder / "corrupt.parquet"
    path.write_bytes(bytes(data))
    return path


def parquet_duplicate_columns(folder: Path) -> Path:
    arrays = [pa.array(["r-1"]), pa.array(["r-2"])]
    table = pa.Table.from_arrays(arrays, names=["external_id", "external_id"])
    path = folder / "dupes.parquet"
    pq.write_table(table, path)
    return path


def parquet_invalid_utf8(folder: Path) -> Path:
    """A string column whose bytes are not UTF-8 (Parquet does not check; readers must)."""
    rows = [to_columns(repayment(f"r-{i}")) for i in range(3)]
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in COLUMNS})
    raw = pa.array([b"r-0", b"r-\xed\xa0\x80", b"\xff\xfe"], pa.binary()).view(pa.string())
    table = table.set_column(0, "external_id", raw)
    path = folder / "badutf8.parquet"
    pq.write_table(table, path)
    return path


def csv_invalid_utf8(folder: Path) -> Path:
    text = _csv_text([repayment("r-1"), repayment("r-2")]).encode()
    path = folder / "latin1.csv"
    path.write_bytes(text + b"r-3,loan.repayment,cn_ric,x,Wang \xff\xfe,2026-03-01,,,,{}\n")
    return path


def csv_million_columns(folder: Path) -> Path:
    path = folder / "wide.csv"
    with path.open("w") as handle:
        handle.write(",".join(f"c{i}" for i in range(1_000_000)) + "\n1,2\n")
    return path


def csv_duplicate_columns(folder: Path) -> Path:
    header = [*COLUMNS, "external_id"]
    path = folder / "dupes.csv"
    path.write_text(_csv_text([repayment("r-1")], header))
    return path


def csv_empty(folder: Path) -> Path:
    path = folder / "empty.csv"
    path.write_bytes(b"")
    return path


def csv_ragged(folder: Path) -> Path:
    path = folder / "ragged.csv"
    path.write_text(_csv_text([repayment("r-1")]) + "a,b,c,d,e,f,g,h,i,j,k,l\n")
    return path


FILE_ERRORS: dict[str, Callable[[Path], Path]] = {
    "truncated parquet": parquet_truncated,
    "empty parquet": parquet_empty,
    "random-bytes parquet": parquet_random,
    "parquet corrupt in the middle": parquet_corrupt_middle,
    "parquet with a column twice": parquet_duplicate_columns,
    "parquet with invalid utf-8 in a string column": parquet_invalid_utf8,
    "csv with invalid utf-8": csv_invalid_utf8,
    "csv with a million-column header": csv_million_columns,
    "csv with a column twice": csv_duplicate_columns,
    "empty csv": csv_empty,
    "csv with a ragged row": csv_ragged,
}


@pytest.mark.parametrize("case", FILE_ERRORS)
def test_unreadable_file_is_a_clear_error_and_stores_nothing(
    tmp_path: Path, cli_store: tuple[Path, str], case: str
) -> None:
    db, furnisher = cli_store
    path = FILE_ERRORS[case](tmp_path)
    records = sqlite_count(db, "SELECT count(*) FROM records")
    audit = sqlite_count(db, "SELECT count(*) FROM audit_log")
    result = cli("ingest", str(path), "--furnisher", furnisher, "--json")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert path.name in result.output and "error" in result.output
    assert sqlite_count(db, "SELECT count(*) FROM records") == records
    assert sqlite_count(db, "SELECT count(*) FROM audit_log") == audit
    report = (tmp_path / (path.name + ".errors.csv")).read_text()
    assert "unreadable_file" in report


def test_invalid_utf8_names_the_line(tmp_path: Path, cli_store: tuple[Path, str]) -> None:
    _, furnisher = cli_store
    result = cli("ingest", str(csv_invalid_utf8(tmp_path)), "--furnisher", furnisher)
    output = " ".join(result.output.split())
    assert "line 4" in output and "UTF-8" in output


def test_duplicate_column_is_named(tmp_path: Path, cli_store: tuple[Path, str]) -> None:
    _, furnisher = cli_store
    result = cli("ingest", str(csv_duplicate_columns(tmp_path)), "--furnisher", furnisher)
    assert "'external_id' appears twice" in " ".join(result.output.split())


def test_hostile_jsonl_lines_are_unreadable_rows(
    tmp_path: Path, cli_store: tuple[Path, str]
) -> None:
    """Deep nesting, lone surrogates, NaN, invalid UTF-8: row errors; good rows stored."""
    db, furnisher = cli_store
    good = json.dumps(repayment("r-good")).encode()
    bad_lines = [
        b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
        json.dumps(repayment("r-s1", fields={"loan_id": "\ud800", "days_late": 0})).encode(),
        json.dumps(repayment("r-s2")).encode().replace(b'"r-s2"', b'"r-\\udfff"'),
        json.dumps(repayment("r-n")).encode().replace(b'"1200.00"', b"NaN"),
        json.dumps(repayment("r-i")).encode().replace(b'"days_late": 0', b'"days_late": 1e999'),
        b'{"external_id": "r-u", "x": "\xff\xfe"}',
        b"[" * 50 + b"]" * 50,
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"\n".join([good, *bad_lines]) + b"\n")
    result = cli("ingest", str(path), "--furnisher", furnisher, "--json")
    assert result.exit_code == 0, result.output
    summary = last_json(result)
    assert (summary["accepted"], summary["rejected"]) == (1, len(bad_lines))
    with open(summary["report"], encoding="utf-8", newline="") as handle:
        report = list(csv.DictReader(handle))
    assert [r["row"] for r in report] == [str(i) for i in range(2, 2 + len(bad_lines))]
    assert {r["code"] for r in report} == {"unreadable_row"}
    assert sqlite_count(db, "SELECT count(*) FROM records") == 1


def test_fields_text_with_lone_surrogate_or_nan_in_csv_is_a_row_error(
    tmp_path: Path, cli_store: tuple[Path, str]
) -> None:
    db, furnisher = cli_store
    rows = [repayment("r-1"), repayment("r-2"), repayment("r-3")]
    text = _csv_text(rows)
    text = text.replace('""loan_id"": ""L-88""', '""loan_id"": ""\\ud800""', 1)
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].replace('""days_late"": 0', '""days_late"": NaN')
    path = tmp_path / "escapes.csv"
    path.write_text("".join(lines))
    summary = last_json(cli("ingest", str(path), "--furnisher", furnisher, "--json"))
    assert (summary["accepted"], summary["rejected"]) == (1, 2), summary
    assert sqlite_count(db, "SELECT count(*) FROM records") == 1


def test_csv_with_a_byte_order_mark_keeps_numeric_looking_ids(
    tmp_path: Path, cli_store: tuple[Path, str]
) -> None:
    db, furnisher = cli_store
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv_text([repayment("000123"), repayment("42")]).encode())
    summary = last_json(cli("ingest", str(path), "--furnisher", furnisher, "--json"))
    assert (summary["accepted"], summary["rejected"]) == (2, 0), summary
    ids = sqlite_count(db, "SELECT group_concat(external_id) FROM records")
    assert sorted(ids.split(",")) == ["000123", "42"]


def test_report_is_never_written_through_a_planted_symlink(
    tmp_path: Path, cli_store: tuple[Path, str]
) -> None:
    _, furnisher = cli_store
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    path = write(tmp_path / "in.jsonl", [repayment("bad", amount="-1")])
    (tmp_path / "in.jsonl.errors.csv").symlink_to(victim)
    result = cli("ingest", str(path), "--furnisher", furnisher)
    assert result.exit_code == 1
    assert "symbolic link" in result.output
    assert victim.read_text() == "precious"
    # a dangling link to a path that does not exist yet is refused too (no file created)
    (tmp_path / "in.jsonl.errors.csv").unlink()
    (tmp_path / "in.jsonl.errors.csv").symlink_to(tmp_path / "created-by-attacker")
    assert cli("ingest", str(path), "--furnisher", furnisher).exit_code == 1
    assert not (tmp_path / "created-by-attacker").exists()


def test_symlinked_input_is_refused_and_never_echoed(
    tmp_path: Path, cli_store: tuple[Path, str]
) -> None:
    _, furnisher = cli_store
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-HASH:0:0\n")
    link = tmp_path / "in.jsonl"
    link.symlink_to(secret)
    result = cli("ingest", str(link), "--furnisher", furnisher)
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert "SECRET" not in result.output
    assert not (tmp_path / "in.jsonl.errors.csv").exists()


def test_report_cells_are_formula_escaped_and_short(
    tmp_path: Path, cli_store: tuple[Path, str]
) -> None:
    _, furnisher = cli_store
    rows = [
        repayment("=HYPERLINK(1)", amount="=HYPERLINK(\"http://evil\",\"x\")"),
        repayment("r-2", amount="@SUM(A1)", currency="+CN"),
        repayment("r-5", amount="-5.00"),
        repayment("r-3", fields={"loan_id": "-2+3", "days_late": "=1+1"}),
        repayment("r-4", amount="x" * 10_000),
    ]
    path = write(tmp_path / "in.jsonl", rows)
    summary = last_json(cli("ingest", str(path), "--furnisher", furnisher, "--json"))
    assert summary["rejected"] == 5
    with open(summary["report"], encoding="utf-8", newline="") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    assert cells, "empty report"
    assert "-5.00" in cells  # a plain number stays as it is
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c[:1] == "-" and c != "-5.00"]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in cells
    assert max(len(c) for c in cells) < 300
    assert (os.stat(summary["report"]).st_mode & 0o777) == 0o600


def test_furnisher_whose_keys_are_revoked_is_refused(
    tmp_path: Path, cli_store: tuple[Path, str]
) -> None:
    db, furnisher = cli_store
    listed = last_json(cli("keys", "list", furnisher, "--json"))
    ids = [k["id"] for k in listed["keys"]]
    assert ids, listed
    for key_id in ids:
        assert cli("keys", "revoke", key_id).exit_code == 0
    path = write(tmp_path / "in.jsonl", [repayment("r-1")])
    result = cli("ingest", str(path), "--furnisher", furnisher)
    assert result.exit_code == 1
    assert "revoked" in " ".join(result.output.split())
    assert sqlite_count(db, "SELECT count(*) FROM records") == 0


def test_inactive_furnisher_is_refused(tmp_path: Path, cli_store: tuple[Path, str]) -> None:
    db, furnisher = cli_store
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE furnishers SET active = 0 WHERE id = ?", (furnisher,))
    path = write(tmp_path / "in.jsonl", [repayment("r-1")])
    result = cli("ingest", str(path), "--furnisher", furnisher)
    assert result.exit_code == 1
    assert "inactive" in result.output
    assert sqlite_count(db, "SELECT count(*) FROM records") == 0


@pytest.mark.parametrize(
    "args",
    [
        ["load", "{folder}"],
        ["ingest", "{file}", "--furnisher", "fur_x"],
        ["furnishers", "list"],
        ["audit", "verify"],
    ],
)
def test_commands_on_a_store_never_initialised_say_run_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """In a real process: exit 1, a one-line hint, no traceback, no store file created."""
    db = tmp_path / "nothing-here.db"
    env = {**os.environ, "CREDO_DATABASE_URL": f"sqlite:///{db}", "COLUMNS": "200"}
    file = write(tmp_path / "in.jsonl", [repayment()])
    (tmp_path / "furnishers.json").write_text("[]")  # a synth folder with nothing in it
    argv = [a.format(folder=tmp_path, file=file) for a in args]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "credo"), *argv],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "credo init" in output
    assert "Traceback" not in output
    assert len(output.splitlines()) < 10, output
    assert not db.exists()


def test_a_file_corrupt_near_its_end_stores_nothing_even_in_small_chunks(
    tmp_path: Path, cli_store: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five row groups of 10; the last one's pages smashed; chunks of 10 rows: without the
    read-through before storing, four chunks would be committed before the error."""
    import struct

    from credo.config import get_settings

    db, furnisher = cli_store
    rows = [to_columns(repayment(f"r-{i}")) for i in range(50)]
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in COLUMNS})
    path = tmp_path / "late.parquet"
    pq.write_table(table, path, row_group_size=10, compression="none")
    data = bytearray(path.read_bytes())
    footer = len(data) - 8 - struct.unpack("<I", data[-8:-4])[0]
    last = pq.ParquetFile(path).metadata.row_group(4)
    start = min(last.column(i).data_page_offset for i in range(last.num_columns))
    data[start:footer] = b"\xff" * (footer - start)
    path.write_bytes(bytes(data))
    monkeypatch.setenv("CREDO_INGEST_CHUNK", "10")
    get_settings.cache_clear()
    result = cli("ingest", str(path), "--furnisher", furnisher, "--json")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert sqlite_count(db, "SELECT count(*) FROM records") == 0
