"""Snapshot: the store's live records and its subjects, read in one transaction, as Parquet.

Layout under ``<data_dir>/snapshots/<UTC timestamp>/``::

    records/category=loan.repayment/month=202603/part-0.parquet   (hive partitions)
    subjects.parquet                                               (id, kind, birth_date)
    manifest.json                                                  (counts, states, time)

Only records in use are exported (state ``active`` or ``corrected``, and disputed court
orders: ``credo.records.service.in_use``), and no person identifier
ever leaves the store: subjects appear by their opaque id only. Rows stream from a DBAPI
cursor in chunks straight into Arrow record batches (see docs/batch.md for the export paths
measured).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from sqlalchemy import Engine

from credo.core import clock
from credo.records.arrow import LIVE_STATES, RECORD_SCHEMA, dates, record_batch
from credo.records.service import IN_USE_SQL

CHUNK = 100_000
SUBJECT_SCHEMA = pa.schema(
    [("subject_id", pa.int64()), ("kind", pa.string()), ("birth_date", pa.date32())]
)
PARTITIONING = ds.partitioning(
    pa.schema([("category", pa.string()), ("month", pa.int32())]), flavor="hive"
)
RECORDS_SQL = (
    "SELECT id, subject_id, furnisher_id, category, occurred_on, amount_minor, fields "
    f"FROM records WHERE {IN_USE_SQL} ORDER BY subject_id, id"
)
"""Records in use: live ones, and disputed court orders (the one rule for disputed records,
``credo.records.service.in_use``); scores and ledgers read only these."""
SUBJECTS_SQL = "SELECT id, kind, birth_date FROM subjects ORDER BY id"


@dataclass(frozen=True)
class SnapshotInfo:
    """Where a snapshot lies and what it holds."""

    path: str
    taken_at: str
    records: int
    subjects: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _stream(cursor: Any, chunk: int) -> Iterator[list[Any]]:
    while True:
        rows = cursor.fetchmany(chunk)
        if not rows:
            return
        yield rows


def export(
    *,
    engine: Engine,
    data_dir: str | Path,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> SnapshotInfo:
    """Export live records and subjects in one read transaction; returns the snapshot's info.

    On SQLite an explicit ``BEGIN`` pins one read snapshot (WAL) for both queries; on
    PostgreSQL the connection runs at REPEATABLE READ, which does the same.
    """
    started, tick = clock.now(), time.perf_counter()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = Path(data_dir) / "snapshots" / stamp
    folder.mkdir(parents=True, exist_ok=False)
    counts = {"records": 0}
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if not sqlite:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        raw: Any = conn.connection.driver_connection
        if sqlite:
            raw.execute("BEGIN")
        try:
            cursor = raw.cursor(name="credo_snapshot") if not sqlite else raw.cursor()
            if not sqlite:
                cursor.itersize = chunk
            cursor.execute(RECORDS_SQL)

            def batches() -> Iterator[pa.RecordBatch]:
                for rows in _stream(cursor, chunk):
                    counts["records"] += len(rows)
                    if progress is not None:
                        progress(len(rows))
                    yield record_batch(rows)

            ds.write_dataset(
                batches(),
                folder / "records",
                schema=RECORD_SCHEMA,
                format="parquet",
                partitioning=PARTITIONING,
                basename_template="part-{i}.parquet",
                max_partitions=100_000,
                existing_data_behavior="error",
            )
            cursor.close()
            cur = raw.cursor()
            cur.execute(SUBJECTS_SQL)
            subjects = cur.fetchall()
            cur.close()
        finally:
            if sqlite:
                raw.execute("ROLLBACK")
            else:
                conn.rollback()
    if subjects:
        ids, kinds, births = zip(*subjects, strict=True)
        table = pa.table(
            [pa.array(ids, pa.int64()), pa.array(kinds, pa.string()), dates(births)],
            schema=SUBJECT_SCHEMA,
        )
    else:
        table = SUBJECT_SCHEMA.empty_table()
    pq.write_table(table, folder / "subjects.parquet")
    if counts["records"] == 0:  # readers need at least one file with the schema
        empty = folder / "records" / "category=none" / "month=0"
        empty.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            RECORD_SCHEMA.empty_table().drop_columns(["category", "month"]),
            empty / "part-0.parquet",
        )
    seconds = round(time.perf_counter() - tick, 3)
    info = SnapshotInfo(str(folder), started.isoformat(), counts["records"], len(subjects), seconds)
    (folder / "manifest.json").write_text(
        json.dumps({**info.to_dict(), "states": list(LIVE_STATES)}, indent=2) + "\n"
    )
    return info
