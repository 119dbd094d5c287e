"""Open data: a dated export of every organisation's public record (no person, ever).

``<folder>/<YYYY-MM-DD>/`` holds ``organisations`` (one row per organisation: grade,
score, safety ratings, lists) and ``records`` (its public records), each as Parquet and
CSV, with ``schema.json``, ``manifest.json`` and ``SHA256SUMS`` (``sha256sum -c`` format).
The folder is written beside its final name and renamed into place, so a reader never
sees half an export. Rows are read with plain SQL in chunks and written column-wise with
PyArrow (a million organisations take seconds, not minutes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from credo.core import clock
from credo.records.arrow import dates
from credo.register.policy import load, public_lists
from credo.register.public import SHOWN_STATES, public_categories

FETCH = 100_000

ORG_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("uscc", pa.string(), "Unified social credit code (GB 32100), the organisation's key"),
    ("name", pa.string(), "Registered name as furnished"),
    ("grade", pa.string(), "Public credit grade A (best) to D; null until first graded"),
    ("grade_score", pa.int64(), "Points behind the grade (policy base plus weighted rules)"),
    ("grade_as_of", pa.date32(), "Day the grade was computed"),
    ("policy_version", pa.int64(), "Version of the grade policy that made the grade"),
    ("grade_reasons", pa.string(), "JSON list: each rule and record with its weighted points"),
)
RATING_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("rating", pa.int64(), "Safety rating 0-5 in {domain} (null: not rated)"),
    ("inspected_on", pa.date32(), "Day of the {domain} inspection the rating rests on"),
    ("status", pa.string(), "{domain} rating status: rated or under appeal"),
)
TAIL_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("lists", pa.string(), "Public lists the organisation is on today (ids, comma-separated)"),
    ("public_records", pa.int64(), "Number of public records in records.*"),
)
RECORD_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("uscc", pa.string(), "The organisation's code (joins organisations.uscc)"),
    ("record_id", pa.int64(), "credo's record id"),
    ("category", pa.string(), "Catalogue category (see credo catalogue)"),
    ("occurred_on", pa.date32(), "Day the fact occurred"),
    ("amount", pa.string(), "Amount in major units, if any"),
    ("currency", pa.string(), "ISO 4217 currency of the amount"),
    ("fields", pa.string(), "Category fields as a JSON object"),
    ("furnisher", pa.string(), "Who furnished the record"),
    ("legal_basis", pa.string(), "Legal basis cited by the furnisher"),
    (
        "state",
        pa.string(),
        "active, corrected or disputed (a disputed record does not count while it is checked, "
        "except a court order, which stays in force and counts)",
    ),
)


def org_columns(domains: list[str]) -> list[tuple[str, pa.DataType, str]]:
    out = list(ORG_COLUMNS)
    for domain in domains:
        out += [(f"{domain}_{n}", t, d.format(domain=domain)) for n, t, d in RATING_COLUMNS]
    return out + list(TAIL_COLUMNS)


def _cursor(session: Session, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """A DBAPI cursor inside the session's transaction (``?`` or ``%s`` placeholders)."""
    connection = session.connection()
    raw: Any = connection.connection.driver_connection
    if connection.dialect.name != "sqlite":
        sql = sql.replace("?", "%s")
    cursor = raw.cursor()
    cursor.execute(sql, params)
    return cursor


def _batches(cursor: Any) -> Iterator[list[Any]]:
    while True:
        rows = cursor.fetchmany(FETCH)
        if not rows:
            cursor.close()
            return
        yield list(zip(*rows, strict=True))


def _in(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _public_filter(alias: str) -> str:
    return (
        f"{alias}.category IN ({_in(public_categories())}) "
        f"AND {alias}.state IN ({_in(list(SHOWN_STATES))})"
    )


def _organisations_sql(domains: list[str]) -> str:
    picks, joins = [], []
    for i, domain in enumerate(domains):
        r = f"r{i}"
        picks.append(
            f"{r}.rating, {r}.inspection_on, CASE WHEN {r}.id IS NULL THEN NULL WHEN EXISTS "
            f"(SELECT 1 FROM register_requests q WHERE q.subject_id = s.id AND q.domain = "
            f"'{domain}' AND q.kind = 'appeal' AND q.state = 'open') THEN 'under appeal' "
            "ELSE 'rated' END"
        )
        joins.append(
            f"LEFT JOIN register_ratings {r} ON {r}.subject_id = s.id AND {r}.domain = '{domain}'"
        )
    return (
        "SELECT s.id, s.display_id, s.name, g.grade, g.score, g.as_of, g.policy_version, "
        f"g.reasons, {', '.join(picks)} FROM subjects s "
        "LEFT JOIN register_grades g ON g.subject_id = s.id "
        + " ".join(joins)
        + " WHERE s.kind = 'organisation' ORDER BY s.id"
    )


def _lists(session: Session, today: dt.date) -> dict[int, str]:
    public = public_lists()  # the grade reads the same lists
    on: dict[int, set[str]] = defaultdict(set)
    cursor = _cursor(
        session,
        "SELECT subject_id, list_id FROM list_entries WHERE state IN ('active', 'ended') "
        "AND starts_on <= ? AND (ended_on IS NULL OR ended_on > ?) "
        "AND (scheduled_end IS NULL OR scheduled_end > ?)",
        (today, today, today) if session.get_bind().dialect.name != "sqlite"
        else (today.isoformat(),) * 3,
    )
    for subject_ids, list_ids in _batches(cursor):
        for sid, list_id in zip(subject_ids, list_ids, strict=True):
            if list_id in public:
                on[sid].add(list_id)
    return {sid: ",".join(sorted(names)) for sid, names in on.items()}


def _organisations(
    session: Session, domains: list[str], today: dt.date, counts: dict[str, int]
) -> Iterator[pa.Table]:
    """Organisation rows; ``counts`` (public records per code) comes from the records pass."""
    schema = pa.schema([(n, t) for n, t, _ in org_columns(domains)])
    lists = _lists(session, today)
    for cols in _batches(_cursor(session, _organisations_sql(domains))):
        ids = cols[0]
        arrays = [
            pa.array(cols[1], pa.string()),
            pa.array(cols[2], pa.string()),
            pa.array(cols[3], pa.string()),
            pa.array(cols[4], pa.int64()),
            dates(cols[5]),
            pa.array(cols[6], pa.int64()),
            pa.array(cols[7], pa.string()),
        ]
        for i in range(len(domains)):
            base = 8 + 3 * i
            arrays += [
                pa.array(cols[base], pa.int64()),
                dates(cols[base + 1]),
                pa.array(cols[base + 2], pa.string()),
            ]
        arrays.append(pa.array([lists.get(i, "") for i in ids], pa.string()))
        arrays.append(pa.array([counts.get(c, 0) for c in cols[1]], pa.int64()))
        yield pa.Table.from_arrays(arrays, schema=schema)


def _amounts(minor: list[Any]) -> pa.Array:
    """Minor units as text in major units with two decimals (``500000`` -> ``"5000.00"``)."""
    whole = pc.cast(pa.array(minor, pa.int64()), pa.decimal128(20, 0))
    major = pc.divide(whole, pa.scalar(Decimal(100), pa.decimal128(3, 0)))
    return pc.cast(pc.cast(major, pa.decimal128(20, 2)), pa.string())


def _records(session: Session, counts: dict[str, int]) -> Iterator[pa.Table]:
    """Public record rows; counts them per organisation code into ``counts`` on the way."""
    schema = pa.schema([(n, t) for n, t, _ in RECORD_COLUMNS])
    sql = (
        "SELECT s.display_id, r.id, r.category, r.occurred_on, r.amount_minor, r.currency, "
        "r.fields, coalesce(f.name, r.furnisher_id), r.legal_basis, r.state FROM records r "
        "JOIN subjects s ON s.id = r.subject_id "
        "LEFT JOIN furnishers f ON f.id = r.furnisher_id "
        f"WHERE s.kind = 'organisation' AND {_public_filter('r')} ORDER BY r.id"
    )
    for cols in _batches(_cursor(session, sql)):
        arrays = [
            pa.array(cols[0], pa.string()),
            pa.array(cols[1], pa.int64()),
            pa.array(cols[2], pa.string()),
            dates(cols[3]),
            _amounts(cols[4]),
            *(pa.array(c, pa.string()) for c in cols[5:]),
        ]
        table = pa.Table.from_arrays(arrays, schema=schema)
        tally = pc.value_counts(table["uscc"])
        for code, n in zip(
            tally.field("values").to_pylist(), tally.field("counts").to_pylist(), strict=True
        ):
            counts[code] = counts.get(code, 0) + n
        yield table


def _write(name: str, schema: pa.Schema, parts: Iterator[pa.Table], folder: Path) -> int:
    """Stream tables into ``name.parquet`` and ``name.csv``; returns the row count."""
    rows = 0
    with (
        pq.ParquetWriter(folder / f"{name}.parquet", schema, compression="zstd") as parquet,
        pacsv.CSVWriter(folder / f"{name}.csv", schema) as csv,
    ):
        for table in parts:
            parquet.write_table(table)
            csv.write_table(table)
            rows += table.num_rows
    return rows


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export(*, session: Session, folder: str | os.PathLike[str], as_of: dt.date | None = None
           ) -> dict[str, Any]:
    """Write the dated export under ``folder``; returns the manifest (with its path)."""
    policy = load()
    today = as_of or clock.today()
    domains = list(policy.safety.domains)
    final = Path(folder) / today.isoformat()
    work = Path(folder) / f".{today.isoformat()}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    org_schema = pa.schema([(n, t) for n, t, _ in org_columns(domains)])
    record_schema = pa.schema([(n, t) for n, t, _ in RECORD_COLUMNS])
    counts: dict[str, int] = {}
    records = _write("records", record_schema, _records(session, counts), work)
    orgs = _organisations(session, domains, today, counts)
    rows = {"organisations": _write("organisations", org_schema, orgs, work), "records": records}
    schema = {
        "organisations": [
            {"name": n, "type": str(t), "description": d} for n, t, d in org_columns(domains)
        ],
        "records": [{"name": n, "type": str(t), "description": d} for n, t, d in RECORD_COLUMNS],
    }
    (work / "schema.json").write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    files = sorted(p.name for p in work.iterdir())
    sums = {name: _sha256(work / name) for name in files}
    manifest = {
        "title": "credo open data: organisations' public records, grades and safety ratings",
        "as_of": today.isoformat(),
        "generated_at": clock.now().isoformat(),
        "policy": {"version": policy.version, "sha256": policy.digest},
        "rows": rows,
        "files": [
            {"name": name, "bytes": (work / name).stat().st_size, "sha256": sums[name]}
            for name in files
        ],
        "licence": "Public records published under the registry's open-data terms",
    }
    (work / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    sums["manifest.json"] = _sha256(work / "manifest.json")
    (work / "SHA256SUMS").write_text(
        "".join(f"{sums[n]}  {n}\n" for n in sorted(sums)), encoding="utf-8"
    )
    if final.exists():
        shutil.rmtree(final)
    work.rename(final)
    return {**manifest, "path": str(final)}
