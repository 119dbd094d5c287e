"""Bulk intake speed: ``credo ingest`` of a Parquet file vs a raw insert of the same rows.

Run: ``.venv/bin/python bench/bench_intake.py [--rows 1000000] [--pg URL]``.

SQLite: credo's fully validated intake into a fresh store, then the very rows it stored
(subjects and records, read back) inserted with one ``executemany`` per chunk into a
fresh store of the same schema, same pragmas (WAL, synchronous=FULL), same chunk size.
PostgreSQL (with ``--pg``): the same, with ``COPY`` as the baseline.

On a shared machine give ``--repeat N``: credo and the baseline run in turn N times and the
best time of each is compared (the load average is printed with the figures). The client
process's CPU seconds are printed beside (on SQLite all the work; on PostgreSQL the
server's share is not in them).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, select, text

sys.path.insert(0, str(Path(__file__).parent))
from _records import write_repayments
from credo.config import get_settings
from credo.core.db import make_engine, session_factory
from credo.furnishers import service as furnishers
from credo.models import Furnisher, Record, Subject, metadata
from credo.records.bulk import ingest_file

CHUNK = 5000


def fresh(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    metadata.create_all(engine)
    return engine


def credo_run(url: str, path: Path) -> tuple[float, Engine, float]:
    engine = fresh(url)
    factory = session_factory(engine)
    with factory() as s, s.begin():
        furnisher, _ = furnishers.add(
            session=s, name="Bench Bank", kind="bank", categories=["loan.repayment"]
        )
    start, cpu = time.perf_counter(), time.process_time()
    summary = ingest_file(factory=factory, path=path, furnisher_id=furnisher.id, chunk=CHUNK)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert summary.rejected == 0, summary
    return elapsed, engine, cpu


def raw_run(url: str, source: Engine) -> tuple[float, float]:
    """Insert credo's stored rows into a fresh store with the driver alone."""
    with source.connect() as conn:
        furnisher_rows = [dict(r._mapping) for r in conn.execute(select(Furnisher.__table__))]
        subject_rows = [tuple(r) for r in conn.execute(select(Subject.__table__))]
        record_rows = [tuple(r) for r in conn.execute(select(Record.__table__))]
    engine = fresh(url)
    with engine.begin() as conn:
        conn.execute(Furnisher.__table__.insert(), furnisher_rows)
    subject_cols = [c.name for c in Subject.__table__.columns]
    record_cols = [c.name for c in Record.__table__.columns]
    raw = engine.raw_connection()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            for table, cols, rows in (
                ("subjects", subject_cols, subject_rows),
                ("records", record_cols, record_rows),
            ):
                for i in range(0, len(rows), CHUNK):
                    with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                        for row in rows[i : i + CHUNK]:
                            copy.write_row(row)
                    raw.commit()
        else:
            for table, cols, rows in (
                ("subjects", subject_cols, subject_rows),
                ("records", record_cols, record_rows),
            ):
                sql = (
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                )
                for i in range(0, len(rows), CHUNK):
                    cursor.executemany(sql, rows[i : i + CHUNK])
                    raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--pg", help="PostgreSQL URL for the second comparison")
    parser.add_argument("--dir", default="bench/out")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; best time kept")
    args = parser.parse_args()
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CREDO_SECRET", "bench-secret")
    get_settings.cache_clear()
    path = out / f"repayments-{args.rows}-{args.persons}.parquet"
    if not path.exists():
        write_repayments(path, args.rows, persons=args.persons)
    targets = [("SQLite", f"sqlite:///{out}/credo.db", f"sqlite:///{out}/raw.db", "executemany")]
    if args.pg:
        targets.append(("PostgreSQL", args.pg, args.pg, "COPY"))
    print(f"{args.rows:,} loan.repayment records of {args.persons:,} persons, chunks of {CHUNK:,}")
    print(
        "| store | credo ingest | records/s | baseline | baseline records/s | ratio "
        "| client CPU credo / baseline |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, url, raw_url, baseline in targets:
        credo_s = raw_s = credo_cpu = raw_cpu = float("inf")
        for _ in range(args.repeat):
            for suffix in ("", "-wal", "-shm"):
                for db in (f"{out}/credo.db", f"{out}/raw.db"):
                    Path(db + suffix).unlink(missing_ok=True)
            took, engine, cpu = credo_run(url, path)
            credo_s, credo_cpu = min(credo_s, took), min(credo_cpu, cpu)
            took, cpu = raw_run(raw_url, engine)
            raw_s, raw_cpu = min(raw_s, took), min(raw_cpu, cpu)
            engine.dispose()
        print(
            f"| {name} | {credo_s:.1f} s | {args.rows / credo_s:,.0f} | {baseline} {raw_s:.1f} s "
            f"| {args.rows / raw_s:,.0f} | {raw_s / credo_s:.2f} "
            f"| {credo_cpu:.1f} s / {raw_cpu:.1f} s = {raw_cpu / credo_cpu:.2f} |"
        )
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}, best of {args.repeat}")


if __name__ == "__main__":
    main()
