"""Writing bulk intake files (CSV, JSONL, Parquet) from envelopes, and running the CLI on them."""

from __future__ import annotations

import contextlib
import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from credo.cli.main import app

COLUMNS = [
    "external_id",
    "category",
    "subject_scheme",
    "subject_id",
    "subject_name",
    "occurred_on",
    "amount",
    "currency",
    "legal_basis",
    "fields",
]


def to_columns(envelope: dict[str, Any]) -> dict[str, str | None]:
    subject = envelope.get("subject", {})
    row: dict[str, Any] = {
        "external_id": envelope.get("external_id"),
        "category": envelope.get("category"),
        "subject_scheme": subject.get("scheme"),
        "subject_id": subject.get("id"),
        "subject_name": subject.get("name"),
        "occurred_on": envelope.get("occurred_on"),
        "amount": envelope.get("amount"),
        "currency": envelope.get("currency"),
        "legal_basis": envelope.get("legal_basis"),
        "fields": json.dumps(envelope.get("fields", {})),
    }
    return {k: None if v is None else str(v) for k, v in row.items()}


def write(path: Path, envelopes: list[dict[str, Any]]) -> Path:
    """Write envelopes in the format the file's extension names."""
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(e) + "\n" for e in envelopes), encoding="utf-8")
    elif path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, COLUMNS)
            writer.writeheader()
            for envelope in envelopes:
                writer.writerow({k: v or "" for k, v in to_columns(envelope).items()})
    elif path.suffix == ".parquet":
        rows = [to_columns(e) for e in envelopes]
        table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in COLUMNS})
        pq.write_table(table, path)
    else:
        raise ValueError(path)
    return path


def read_report(path: Path) -> list[dict[str, str]]:
    report = path.with_name(path.name + ".errors.csv")
    with report.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def cli(*args: str) -> Any:
    """Run `credo ARGS` in-process; returns the click Result."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def last_json(result: Any) -> Any:
    return json.loads(result.stdout.strip().splitlines()[-1])


def sqlite_count(db: Path, sql: str) -> Any:
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
        return conn.execute(sql).fetchone()[0]
