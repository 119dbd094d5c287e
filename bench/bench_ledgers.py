"""Ledger recompute speed: credo's Ibis expressions on DuckDB against hand-written DuckDB SQL.

Run: ``.venv/bin/python bench/bench_ledgers.py [--subjects 1000000] [--records 10000000]
[--threads N]``.

Writes a snapshot-shaped Parquet dataset (hive-partitioned by category and month, canonical
JSON fields) straight from NumPy to ``bench/out/ledgers``, every subject opted in to the
example city policy, then times one full recompute (entries in force, balances, grades)
each way in one run and checks both give the same balances.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from credo.batch import engines
from credo.batch.snapshot import PARTITIONING, RECORD_SCHEMA
from credo.ledgers.batch import compute_scheme
from credo.ledgers.policy import read

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "ledgers"
AS_OF = dt.date(2026, 6, 30)
#: Category mix: most records are repayments no ledger rule reads (partition pruning matters).
MIX = {
    "loan.repayment": 0.55,
    "bill.payment": 0.25,
    "penalty.imposed": 0.08,
    "court.judgment": 0.03,
    "court.fulfilment": 0.02,
    "tax.arrears": 0.03,
    "commendation": 0.04,
}
DOMAINS = np.array(["traffic", "food_safety", "market", "environment"])

BASELINE = """
WITH r AS (
  SELECT * FROM read_parquet('{root}/records/**/*.parquet', hive_partitioning = true)
), fulfil AS (
  SELECT subject_id, regexp_extract(fields, '"case_number":"([^"]*)"', 1) AS case_no,
         min(occurred_on) AS ended_on
  FROM r WHERE category = 'court.fulfilment' AND occurred_on <= DATE '{as_of}'
  GROUP BY ALL
), hits AS (
  SELECT subject_id, record_id, 'traffic_penalty' AS rule_id, -5 AS points, occurred_on,
         CAST(occurred_on + INTERVAL 12 MONTH AS DATE) AS counts_until
  FROM r WHERE category = 'penalty.imposed' AND contains(fields, '"domain":"traffic"')
  UNION ALL
  SELECT j.subject_id, j.record_id, 'unfulfilled_judgment', -50, j.occurred_on,
         CASE WHEN f.ended_on < CAST(j.occurred_on + INTERVAL 24 MONTH AS DATE) THEN f.ended_on
              ELSE CAST(j.occurred_on + INTERVAL 24 MONTH AS DATE) END
  FROM r j LEFT JOIN fulfil f ON f.subject_id = j.subject_id
   AND f.case_no = regexp_extract(j.fields, '"case_number":"([^"]*)"', 1)
  WHERE j.category = 'court.judgment'
  UNION ALL
  SELECT subject_id, record_id, 'tax_arrears', -20, occurred_on,
         CAST(occurred_on + INTERVAL 24 MONTH AS DATE)
  FROM r WHERE category = 'tax.arrears'
  UNION ALL
  SELECT subject_id, record_id, 'commendation', 30, occurred_on,
         CAST(occurred_on + INTERVAL 36 MONTH AS DATE)
  FROM r WHERE category = 'commendation' AND (contains(fields, '"level":"city"')
    OR contains(fields, '"level":"provincial"') OR contains(fields, '"level":"national"'))
)
SELECT * FROM hits
WHERE occurred_on <= DATE '{as_of}' AND counts_until > DATE '{as_of}'
  AND subject_id IN (SELECT subject_id FROM opted)
"""
BALANCES = """
SELECT o.subject_id, 1000 + coalesce(sum(e.points), 0) AS balance
FROM opted o LEFT JOIN entries e USING (subject_id) GROUP BY o.subject_id
"""


def _fields(category: str, n: int, rng: np.random.Generator, ids: np.ndarray) -> pa.Array:
    """Canonical JSON (sorted keys, no spaces) for n records of a category."""

    def text(values: np.ndarray) -> pa.Array:
        return pa.array(values.astype(str))

    join = pc.binary_join_element_wise
    case = pc.binary_join_element_wise("C-", text(rng.integers(0, 2_000_000, n)), "")
    if category == "penalty.imposed":
        domain = text(DOMAINS[rng.integers(0, len(DOMAINS), n)])
        return join(
            '{"authority":"Police","decision_number":"D',
            text(ids),
            '","domain":"',
            domain,
            '","severity":"minor"}',
            "",
        )
    if category in ("court.judgment",):
        return join(
            '{"case_number":"',
            case,
            '","court_name":"X","due_on":"2024-01-01","judgment_type":"monetary"}',
            "",
        )
    if category == "court.fulfilment":
        return join('{"case_number":"', case, '"}', "")
    if category == "tax.arrears":
        return pa.array(['{"tax_type":"income","tax_year":2024}'] * n)
    if category == "commendation":
        level = text(
            np.array(["city", "provincial", "national", "district"])[rng.integers(0, 4, n)]
        )
        return join('{"authority":"City","level":"', level, '","title":"Volunteer"}', "")
    if category == "bill.payment":
        return join(
            '{"account_id":"A1","bill_type":"water","days_late":',
            text(rng.integers(0, 5, n)),
            "}",
            "",
        )
    return join('{"days_late":', text(rng.integers(0, 40, n)), ',"loan_id":"L1"}', "")


def generate(folder: Path, subjects: int, records: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    shutil.rmtree(folder, ignore_errors=True)
    start = np.datetime64("2021-07-01")
    next_id = 0
    batches = []
    for category, share in MIX.items():
        n = int(records * share)
        ids = np.arange(next_id, next_id + n, dtype=np.int64)
        next_id += n
        days = start + rng.integers(0, 5 * 365, n).astype("timedelta64[D]")
        occurred = pa.array(days, pa.date32())
        month = pc.cast(pc.add(pc.multiply(pc.year(occurred), 100), pc.month(occurred)), pa.int32())
        batches.append(
            pa.table(
                [
                    pa.array(ids),
                    pa.array(rng.integers(1, subjects + 1, n, dtype=np.int64)),
                    pa.array(["f1"] * n),
                    pa.array([category] * n),
                    occurred,
                    pa.array(rng.integers(100, 100_000, n, dtype=np.int64)),
                    _fields(category, n, rng, ids),
                    month,
                ],
                schema=RECORD_SCHEMA,
            )
        )
    ds.write_dataset(
        pa.concat_tables(batches),
        folder / "records",
        format="parquet",
        partitioning=PARTITIONING,
        basename_template="part-{i}.parquet",
        max_partitions=100_000,
    )
    subject_ids = pa.array(np.arange(1, subjects + 1, dtype=np.int64))
    pq.write_table(
        pa.table(
            {
                "subject_id": subject_ids,
                "kind": ["person"] * subjects,
                "birth_date": pa.nulls(subjects, pa.date32()),
            }
        ),
        folder / "subjects.parquet",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    tick = time.perf_counter()
    generate(OUT, args.subjects, args.records)
    print(
        f"generated {args.records:,} records for {args.subjects:,} subjects "
        f"in {time.perf_counter() - tick:.1f} s"
    )
    policy = read(str(ROOT / "examples" / "city-ledger.toml"))
    opted = list(range(1, args.subjects + 1))

    con = engines.connect("duckdb", threads=args.threads)
    tables = engines.read_snapshot(con, OUT)
    tick = time.perf_counter()
    entries, balances = compute_scheme(con, tables.records, policy, opted, AS_OF)
    credo_s = time.perf_counter() - tick

    raw = duckdb.connect()
    if args.threads:
        raw.execute(f"SET threads = {int(args.threads)}")
    tick = time.perf_counter()
    opted_table = pa.table({"subject_id": pa.array(opted, pa.int64())})
    raw.register("opted", opted_table)
    base_entries = raw.execute(BASELINE.format(root=OUT, as_of=AS_OF)).to_arrow_table()
    raw.register("entries", base_entries)
    base_bal = raw.execute(BALANCES).to_arrow_table()
    grades = pc.if_else(
        pc.greater_equal(base_bal["balance"], 1050),
        "AAA",
        pc.if_else(
            pc.greater_equal(base_bal["balance"], 1030),
            "AA",
            pc.if_else(
                pc.greater_equal(base_bal["balance"], 960),
                "A",
                pc.if_else(
                    pc.greater_equal(base_bal["balance"], 850),
                    "B",
                    pc.if_else(pc.greater_equal(base_bal["balance"], 600), "C", "D"),
                ),
            ),
        ),
    )
    base_bal = base_bal.append_column("grade", grades)
    sql_s = time.perf_counter() - tick

    same_entries = entries.num_rows == base_entries.num_rows
    ours = balances.sort_by("subject_id")
    theirs = base_bal.sort_by("subject_id")
    same = (
        same_entries
        and ours["balance"].equals(theirs["balance"].cast(pa.int64()))
        and ours["grade"].equals(theirs["grade"])
    )
    grades_count = dict(
        zip(
            *np.unique(ours["grade"].to_numpy(zero_copy_only=False), return_counts=True),
            strict=True,
        )
    )
    print(
        f"entries in force: {entries.num_rows:,}; balances: {balances.num_rows:,}; "
        f"grades: { {k: int(v) for k, v in grades_count.items()} }"
    )
    print(f"credo (Ibis on DuckDB): {credo_s:.2f} s")
    print(f"hand-written DuckDB SQL: {sql_s:.2f} s")
    print(f"ratio: {credo_s / sql_s:.2f}x (goal <= 1.5x); same results: {same}")


if __name__ == "__main__":
    main()
