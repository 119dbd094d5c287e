"""Snapshot: the store's live records and its subjects, read in one transaction, as Parquet.

Layout under ``<data_dir>/snapshots/<UTC timestamp>/``::

    records/category=loan.repayment/month=202603/b0-0-part-0.parquet   (hive partitions)
    subjects.parquet                                   (id, kind, birth_date)
    manifest.json                                      (counts, states, time, bucket size)

Each record file holds one bucket of subjects (``b<k>-``: ``BUCKET``, 1M subjects a bucket),
in subject order: a job that works in passes of whole buckets reads only its own buckets'
files (``bucket_files``), so a pass costs the same at any registry size (docs/scaling.md:
one query over 30M subjects builds hash tables far past the CPU caches).

Only records in use are exported (state ``active`` or ``corrected``, and disputed court
orders: ``credo.records.service.in_use``), and no person identifier
ever leaves the store: subjects appear by their opaque id only. Rows stream from a DBAPI
cursor in chunks straight into Arrow record batches (see docs/batch.md for the export paths
measured).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from sqlalchemy import Engine

from credo.core import clock
from credo.errors import InvalidInput
from credo.records.arrow import LIVE_STATES, RECORD_SCHEMA, dates, record_batch
from credo.records.service import IN_USE_SQL

CHUNK = 100_000
BUCKET = 1_000_000
"""Subjects per bucket: ids ``k * BUCKET + 1`` to ``(k + 1) * BUCKET`` are bucket k (the
store numbers subjects from 1, so a bucket holds BUCKET of them)."""


def bucket_of(subject_ids: Any, size: int) -> Any:
    """The bucket of each subject id (a NumPy array, or an Ibis column)."""
    return (subject_ids - 1) // size


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


def bucket_size(folder: str | Path) -> int:
    """Subjects per bucket in a snapshot (its manifest's, else ``BUCKET``). A snapshot whose
    manifest names no bucket was written before buckets (its files are not ``b<k>-``): reading
    it by buckets would find no records, so that is refused, naming the folder."""
    manifest = Path(folder) / "manifest.json"
    if manifest.exists():
        size = json.loads(manifest.read_text()).get("bucket")
        if size is None:
            raise InvalidInput(
                f"snapshot {folder} was written before buckets: read it whole, or export it again",
                details=[{"field": "snapshot", "value": str(folder)}],
            )
        return int(size)
    return BUCKET


def buckets(folder: str | Path) -> list[int]:
    """The buckets of a snapshot's subjects, in order (a bucket without records counts: its
    subjects still get a row)."""
    ids = pq.read_table(Path(folder) / "subjects.parquet", columns=["subject_id"]).column(0)
    return sorted({int(b) for b in np.unique(bucket_of(ids.to_numpy(), bucket_size(folder)))})


def passes(folder: str | Path, subjects: int | None = None) -> list[list[int]]:
    """The snapshot's buckets in passes of about ``subjects`` subjects each (whole buckets;
    default one bucket a pass)."""
    found = buckets(folder)
    step = max(1, (subjects or 0) // bucket_size(folder))
    return [found[i : i + step] for i in range(0, len(found), step)]


def runs(wanted: Iterable[int]) -> list[tuple[int, int]]:
    """Buckets as runs of consecutive numbers, (first, last) each: ``[0, 1, 2, 7]`` is
    ``[(0, 2), (7, 7)]``."""
    out: list[tuple[int, int]] = []
    for b in sorted(set(wanted)):
        if out and out[-1][1] == b - 1:
            out[-1] = (out[-1][0], b)
        else:
            out.append((b, b))
    return out


def bucket_files(folder: str | Path, wanted: Iterable[int]) -> list[str]:
    """The record files of the given buckets."""
    root = Path(folder) / "records"
    return sorted(str(f) for b in wanted for f in root.glob(f"*/*/b{b}-*.parquet"))


def _bucketed(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[tuple[int, pa.RecordBatch]]:
    """Each batch cut where its (ordered) subjects cross into the next bucket."""
    for batch in batches:
        keys = bucket_of(batch.column("subject_id").to_numpy(), size)
        cuts = [0, *(np.flatnonzero(np.diff(keys)) + 1).tolist(), len(keys)]
        for start, end in itertools.pairwise(cuts):
            if end > start:
                yield int(keys[start]), batch.slice(start, end - start)


def write_buckets(
    batches: Iterable[pa.RecordBatch],
    folder: str | Path,
    *,
    size: int = BUCKET,
    schema: pa.Schema = RECORD_SCHEMA,
    prefix: str = "",
) -> None:
    """Records (in subject order) as hive-partitioned Parquet, one file set per bucket:
    ``<category>/<month>/b<bucket>-<run>-<prefix>part-<i>.parquet``. Records out of order
    only make more files (each run of one bucket gets its own), never lose any."""
    runs = itertools.groupby(_bucketed(batches, size), key=lambda pair: pair[0])
    for run, (bucket, pairs) in enumerate(runs):
        ds.write_dataset(
            (batch for _, batch in pairs),
            folder,
            schema=schema,
            format="parquet",
            partitioning=PARTITIONING,
            basename_template=f"b{bucket}-{run}-{prefix}part-{{i}}.parquet",
            max_partitions=100_000,
            existing_data_behavior="overwrite_or_ignore",
        )


def export(
    *,
    engine: Engine,
    data_dir: str | Path,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    bucket: int = BUCKET,
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

            write_buckets(batches(), folder / "records", size=bucket)
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
        json.dumps({**info.to_dict(), "states": list(LIVE_STATES), "bucket": bucket}, indent=2)
        + "\n"
    )
    return info
