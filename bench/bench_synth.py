"""Synthesis speed: ``credo synth`` records/s vs writing random rows of the same schema.

Run: ``.venv/bin/python bench/bench_synth.py [--records 10000000] [--format parquet]``.

A small pilot measures records per subject, then persons and organisations (10:1) are
chosen to reach the target. The baseline writes the same number of rows of the record
schema (random identifiers, dates, amounts and a small ``fields`` JSON) with PyArrow
alone, through the same Parquet writer options and chunk size: the floor that any
generator of this output pays for encoding and compression.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from credo.synth import synthesise
from credo.synth.frame import cat, digits_text, money
from credo.synth.writer import PARQUET_OPTIONS, RECORD_SCHEMA, ROW_GROUP

TODAY = dt.date(2026, 11, 21)


def baseline(path: Path, rows: int, chunk: int = 1_000_000) -> None:
    rng = np.random.default_rng(0)
    with pq.ParquetWriter(path, RECORD_SCHEMA, **PARQUET_OPTIONS) as writer:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            subject = rng.integers(0, 10**8, n)
            table = pa.Table.from_pydict(
                {
                    "external_id": cat("bench-", digits_text(np.arange(start, start + n), 9)),
                    "category": pa.array(
                        np.array(["loan.repayment", "bill.payment"])[rng.integers(0, 2, n)]
                    ),
                    "subject_scheme": pa.array(np.full(n, "cn_ric")),
                    "subject_id": cat("110101", digits_text(subject, 12)),
                    "subject_name": cat("Name ", digits_text(subject % 5000, 4)),
                    "occurred_on": pa.array(
                        (np.datetime64("2023-07-01") + rng.integers(0, 1095, n)).astype(
                            "datetime64[D]"
                        ),
                        pa.date32(),
                    ),
                    "amount": money(rng.integers(100, 10**7, n)),
                    "currency": pa.array(np.full(n, "CNY")),
                    "legal_basis": pa.nulls(n, pa.string()),
                    "fields": cat(
                        '{"loan_id":"L',
                        digits_text(subject, 10),
                        '","days_late":',
                        digits_text(rng.integers(0, 30, n), 1),
                        "}",
                    ),
                },
                schema=RECORD_SCHEMA,
            )
            writer.write_table(table, row_group_size=ROW_GROUP)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--format", default="parquet", choices=["parquet", "jsonl"])
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-synth-"))
    try:
        pilot = synthesise(
            out=work / "pilot",
            persons_n=5_000,
            organisations_n=500,
            years=args.years,
            seed=1,
            today=TODAY,
        )
        per_subject = pilot["counts"]["records"] / 5_500
        subjects = int(args.records / per_subject)
        persons, organisations = subjects * 10 // 11, subjects // 11
        started = time.perf_counter()
        manifest = synthesise(
            out=work / "synth",
            persons_n=persons,
            organisations_n=organisations,
            years=args.years,
            seed=1,
            fmt=args.format,
            today=TODAY,
        )
        synth_s = time.perf_counter() - started
        records = manifest["counts"]["records"]
        started = time.perf_counter()
        baseline(work / "baseline.parquet", records)
        base_s = time.perf_counter() - started
        size = sum(f.stat().st_size for f in (work / "synth").rglob("*") if f.is_file())
        print(
            f"persons {persons:,}, organisations {organisations:,}, years {args.years}, "
            f"format {args.format}"
        )
        print(
            f"credo synth : {records:,} records in {synth_s:6.1f} s = "
            f"{records / synth_s:,.0f} records/s ({size / 2**20:,.0f} MiB)"
        )
        print(
            f"pyarrow only: {records:,} rows    in {base_s:6.1f} s = {records / base_s:,.0f} rows/s"
        )
        print(f"ratio (synth time / baseline time): {synth_s / base_s:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
