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
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlalchemy import text
from sqlalchemy.orm import Session

from credo.core import clock
from credo.lists.rules import LISTS
from credo.register.policy import load
from credo.register.public import SHOWN_STATES, public_categories

FETCH = 50_000

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
    ("state", pa.string(), "active, corrected or disputed (disputed records do not count)"),
)


def org_columns(domains: list[str]) -> list[tuple[str, pa.DataType, str]]:
    out = list(ORG_COLUMNS)
    for domain in domains:
        out += [(f"{domain}_{n}", t, d.format(domain=domain)) for n, t, d in RATING_COLUMNS]
    return out + list(TAIL_COLUMNS)


def _rows(session: Session, sql: str, params: dict[str, Any]) -> Any:
    result = session.connection().execute(text(sql), params)
    while True:
        chunk = result.fetchmany(FETCH)
        if not chunk:
            return
        yield from chunk


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _organisations(session: Session, domains: list[str], today: dt.date) -> pa.Table:
    ratings: dict[int, dict[str, tuple[Any, Any, Any]]] = defaultdict(dict)
    appealed = {
        (s, d)
        for s, d in _rows(
            session,
            "SELECT subject_id, domain FROM register_requests "
            "WHERE state = 'open' AND kind = 'appeal'",
            {},
        )
    }
    for s, domain, rating, on in _rows(
        session, "SELECT subject_id, domain, rating, inspection_on FROM register_ratings", {}
    ):
        status = "under appeal" if (s, domain) in appealed else "rated"
        ratings[s][domain] = (rating, _date(on), status)
    public_lists = [k for k, v in LISTS.items() if "organisation" in v.public_kinds]
    on_lists: dict[int, set[str]] = defaultdict(set)
    for s, list_id in _rows(
        session,
        "SELECT subject_id, list_id FROM list_entries WHERE state IN ('active', 'ended') "
        "AND starts_on <= :d AND (ended_on IS NULL OR ended_on > :d) "
        "AND (scheduled_end IS NULL OR scheduled_end > :d)",
        {"d": today},
    ):
        if list_id in public_lists:
            on_lists[s].add(list_id)
    counts = dict(_rows(session, _count_sql(), {}))
    names = [c[0] for c in org_columns(domains)]
    columns: dict[str, list[Any]] = {n: [] for n in names}
    for sid, code, name, grade, score, as_of, version, reasons in _rows(
        session,
        "SELECT s.id, s.display_id, s.name, g.grade, g.score, g.as_of, g.policy_version, "
        "g.reasons FROM subjects s LEFT JOIN register_grades g ON g.subject_id = s.id "
        "WHERE s.kind = 'organisation' ORDER BY s.display_id",
        {},
    ):
        for key, value in zip(
            names[:7], (code, name, grade, score, _date(as_of), version, reasons), strict=True
        ):
            columns[key].append(value)
        mine = ratings.get(sid, {})
        for domain in domains:
            rating, on, status = mine.get(domain, (None, None, None))  # not rated
            columns[f"{domain}_rating"].append(rating)
            columns[f"{domain}_inspected_on"].append(on)
            columns[f"{domain}_status"].append(status)
        columns["lists"].append(",".join(sorted(on_lists.get(sid, ()))))
        columns["public_records"].append(counts.get(sid, 0))
    schema = pa.schema([(n, t) for n, t, _ in org_columns(domains)])
    return pa.table(columns, schema=schema)


def _in(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _count_sql() -> str:
    return (
        "SELECT r.subject_id, count(*) FROM records r JOIN subjects s ON s.id = r.subject_id "
        f"WHERE s.kind = 'organisation' AND r.category IN ({_in(public_categories())}) "
        f"AND r.state IN ({_in(list(SHOWN_STATES))}) GROUP BY r.subject_id"
    )


def _records(session: Session) -> pa.Table:
    names = dict(_rows(session, "SELECT id, name FROM furnishers", {}))
    columns: dict[str, list[Any]] = {c[0]: [] for c in RECORD_COLUMNS}
    order = [c[0] for c in RECORD_COLUMNS]
    for code, rid, cat, on, minor, cur, fields, furnisher, basis, state in _rows(
        session,
        "SELECT s.display_id, r.id, r.category, r.occurred_on, r.amount_minor, r.currency, "
        "r.fields, r.furnisher_id, r.legal_basis, r.state FROM records r "
        "JOIN subjects s ON s.id = r.subject_id "
        f"WHERE s.kind = 'organisation' AND r.category IN ({_in(public_categories())}) "
        f"AND r.state IN ({_in(list(SHOWN_STATES))}) ORDER BY s.display_id, r.id",
        {},
    ):
        amount = None if minor is None else f"{minor / 100:.2f}"
        row = (code, rid, cat, _date(on), amount, cur, fields, names.get(furnisher, furnisher),
               basis, state)
        for key, value in zip(order, row, strict=True):
            columns[key].append(value)
    return pa.table(columns, schema=pa.schema([(n, t) for n, t, _ in RECORD_COLUMNS]))


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
    tables = {
        "organisations": _organisations(session, domains, today),
        "records": _records(session),
    }
    for name, table in tables.items():
        pq.write_table(table, work / f"{name}.parquet", compression="zstd")
        pacsv.write_csv(table, work / f"{name}.csv")
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
        "rows": {name: table.num_rows for name, table in tables.items()},
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
