"""Batch scoring speed: credo's Ibis pipeline on DuckDB vs hand-written DuckDB SQL CASE WHEN.

Writes a synthetic snapshot (hive-partitioned Parquet, the layout ``credo score`` exports) of
N subjects and about 10 records each, fits the scorecard on a sample, then in one run:

1. features: credo's Ibis features over the snapshot, written to features.parquet;
2. credo: the compiled scorecard (score, band, five sub-scores, four reasons) over it;
3. hand SQL, same outputs: the fair baseline, one hand-written DuckDB query giving the same
   columns (points as CASE WHEN, sub-scores in integers, reasons from ``list_sort`` of the
   per-feature keys), checked equal to credo's column by column;
4. score only: credo's ``score_only_expr`` against one hand-written CASE WHEN per feature;

and prints each time and the ratios. Usage: ``python bench/bench_batch.py [N]``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from credo.batch import engines
from credo.batch.compile import score_expr, score_only_expr
from credo.batch.features import add_months, features, scorecard_params
from credo.batch.snapshot import PARTITIONING, RECORD_SCHEMA, SUBJECT_SCHEMA
from credo.scoring import BANDS, DIMENSIONS, Scorecard, bin_table
from credo.scoring.reasons import N_REASONS

warnings.simplefilter("ignore")
AS_OF = dt.date(2026, 6, 30)
EPOCH = dt.date(1970, 1, 1)


def _days(day: dt.date) -> int:
    return (day - EPOCH).days


def synthesise(
    folder: Path, n: int, seed: int = 0, *, offset: int = 0, tag: str = ""
) -> tuple[int, np.ndarray]:
    """About 10 records per subject; returns the record count and each subject's risk.

    ``offset`` and ``tag`` write one chunk of a larger population (ids from offset + 1, file
    names prefixed by the tag) into the same folder.
    """
    rng = np.random.default_rng(seed)
    risk = rng.beta(2, 5, n)
    ids = np.arange(offset + 1, offset + n + 1)
    parts = []

    def part(
        cat: str, subj: np.ndarray, day: np.ndarray, amount: np.ndarray | None, fields: pa.Array
    ) -> None:
        parts.append((cat, subj, day, amount, fields))

    opened = _days(AS_OF) - rng.integers(30, 3000, n)
    part(
        "loan.opened",
        ids,
        opened,
        np.full(n, 1_000_000),
        pa.array(['{"loan_id":"L","product":"consumer"}'] * n),
    )
    for m in range(1, 7):
        late = np.where(rng.random(n) < risk * 0.4, rng.choice([10, 35, 65, 95], n), 0)
        day = np.full(n, _days(add_months(AS_OF, -m)))
        text = pc.binary_join_element_wise(
            '{"days_late":', pc.cast(pa.array(late), pa.string()), ',"loan_id":"L"}', ""
        )
        part("loan.repayment", ids, day, np.full(n, 50_000), text)
    limit = rng.integers(10, 100, n) * 1000
    bal = (limit * np.minimum(1, risk * 2 * rng.random(n))).astype(np.int64) * 100
    text = pc.binary_join_element_wise(
        '{"account_id":"C","credit_limit":"', pc.cast(pa.array(limit), pa.string()), '.00"}', ""
    )
    part("card.utilisation", ids, np.full(n, _days(add_months(AS_OF, -1))), bal, text)
    late = (rng.random(n) < risk).astype(np.int64) * 15
    text = pc.binary_join_element_wise(
        '{"account_id":"B","bill_type":"water","days_late":',
        pc.cast(pa.array(late), pa.string()),
        "}",
        "",
    )
    part("bill.payment", ids, np.full(n, _days(add_months(AS_OF, -2))), np.full(n, 20_000), text)
    level = rng.integers(1, 4, n)
    text = pc.binary_join_element_wise(
        '{"level":', pc.cast(pa.array(level), pa.string()), ',"method":"document"}', ""
    )
    part("identity.verification", ids, opened, None, text)
    judged = ids[rng.random(n) < risk * 0.1]
    part(
        "court.judgment",
        judged,
        np.full(len(judged), _days(add_months(AS_OF, -3))),
        np.full(len(judged), 500_000),
        pa.array(
            [
                '{"case_number":"J","court_name":"C","due_on":"2026-01-01",'
                '"judgment_type":"monetary"}'
            ]
            * len(judged)
        ),
    )
    total = 0
    batches = []
    for cat, subj, day, amount, fields in parts:
        k = len(subj)
        dates = pa.array(day.astype(np.int32), pa.int32()).cast(pa.date32())
        month = pc.cast(pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates)), pa.int32())
        batches.append(
            pa.table(
                {
                    "record_id": pa.array(np.arange(total, total + k) + offset * 20, pa.int64()),
                    "subject_id": pa.array(subj, pa.int64()),
                    "furnisher_id": pa.array(["f"] * k, pa.string()),
                    "category": pa.array([cat] * k, pa.string()),
                    "occurred_on": dates,
                    "amount_minor": pa.array(amount, pa.int64())
                    if amount is not None
                    else pa.nulls(k, pa.int64()),
                    "fields": fields,
                    "month": month,
                },
                schema=RECORD_SCHEMA,
            )
        )
        total += k
    ds.write_dataset(
        pa.concat_tables(batches),
        folder / "records",
        format="parquet",
        partitioning=PARTITIONING,
        basename_template=tag + "part-{i}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        max_partitions=100_000,
    )
    pq.write_table(
        pa.table(
            {
                "subject_id": pa.array(ids, pa.int64()),
                "kind": pa.array(["person"] * n),
                "birth_date": pa.nulls(n, pa.date32()),
            },
            schema=SUBJECT_SCHEMA,
        ),
        folder / f"subjects{tag}.parquet",
    )
    return total, risk


def hand_sql(sc: Scorecard, source: str) -> str:
    """The scorecard as hand-written DuckDB SQL: one CASE WHEN per feature, summed, clipped."""
    spec = bin_table(sc)
    terms = []
    for f in spec["features"]:
        bins = f["bins"]
        cases = [f"WHEN {f['name']} IS NULL THEN {bins[-1]['points']}"]
        regular = [b for b in bins if not b["missing"]]
        cases += [f"WHEN {f['name']} < {b['right']!r} THEN {b['points']}" for b in regular[:-1]]
        terms.append(f"CASE {' '.join(cases)} ELSE {regular[-1]['points']} END")
    total = f"{spec['intercept_points']} + " + " + ".join(terms)
    return (
        f"SELECT subject_id, LEAST(GREATEST({total}, 350), 950) AS score "
        f"FROM read_parquet('{source}')"
    )


def _points(f: dict[str, object]) -> str:
    """One feature's points as a hand-written CASE WHEN (same bins as the scorecard)."""
    name, bins = str(f["name"]), list(f["bins"])  # type: ignore[call-overload]
    regular = [b for b in bins if not b["missing"]]
    if f["kind"] == "numerical":
        cases = [f"WHEN {name} IS NULL THEN {bins[-1]['points']}"]
        cases += [f"WHEN {name} < {b['right']!r} THEN {b['points']}" for b in regular[:-1]]
        return f"CASE {' '.join(cases)} ELSE {regular[-1]['points']} END"
    cases = [
        f"WHEN {name} IN ({', '.join(repr(c) for c in b['categories'])}) THEN {b['points']}"
        for b in regular
    ]
    return f"CASE {' '.join(cases)} ELSE {bins[-1]['points']} END" if cases else "0"


def hand_full_sql(sc: Scorecard, source: str) -> str:
    """The same outputs as credo's compiled scorecard, as a DuckDB user would write them."""
    spec = bin_table(sc)
    feats = spec["features"]
    names = [f["name"] for f in feats]
    n = len(names)
    best = {f["name"]: max(b["points"] for b in f["bins"]) for f in feats}
    worst = {f["name"]: min(b["points"] for b in f["bins"]) for f in feats}
    points = ", ".join(f"{_points(f)} AS p_{f['name']}" for f in feats)
    total = " + ".join([str(spec["intercept_points"]), *(f"p_{m}" for m in names)])
    dims = []
    for dim in DIMENSIONS:
        cols = [f["name"] for f in feats if f["dimension"] == dim]
        lo, hi = sum(worst[c] for c in cols), sum(best[c] for c in cols)
        if not cols:
            dims.append(f"NULL::BIGINT AS {dim}")
        elif hi == lo:
            dims.append(f"100 AS {dim}")
        else:  # round half even of (earned - lo) * 100 / (hi - lo), in integers
            num = f"(({' + '.join(f'p_{c}' for c in cols)}) - {lo}) * 100"
            den = hi - lo
            dims.append(
                f"({num}) // {den} + CASE WHEN (({num}) % {den}) * 2 > {den} OR "
                f"((({num}) % {den}) * 2 = {den} AND (({num}) // {den}) % 2 = 1) "
                f"THEN 1 ELSE 0 END AS {dim}"
            )
    keys = ", ".join(f"({best[m]} - p_{m}) * {n} + {n - 1 - j}" for j, m in enumerate(names))
    bands = " ".join(f"WHEN score >= {lo} THEN '{name}'" for lo, name in BANDS[:-1])
    name_list = "[" + ", ".join(f"'{m}'" for m in names) + "]"
    reasons = []
    for r in range(N_REASONS):
        key = f"k[{r + 1}]"
        reasons.append(
            f"CASE WHEN {key} >= {n} THEN {name_list}[{n} - {key} % {n}] END AS reason_{r + 1}, "
            f"CASE WHEN {key} >= {n} THEN {key} // {n} END AS lost_{r + 1}"
        )
    dim_names = ", ".join(DIMENSIONS)
    return f"""
WITH p AS (SELECT subject_id, {points} FROM read_parquet('{source}')),
s AS (
  SELECT subject_id, LEAST(GREATEST({total}, 350), 950) AS score, {", ".join(dims)},
         list_sort([{keys}], 'DESC') AS k
  FROM p
)
SELECT subject_id, score, {dim_names}, CASE {bands} ELSE '{BANDS[-1][1]}' END AS band,
       {", ".join(reasons)}
FROM s
"""


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        records, risk = synthesise(folder, n)
        print(f"synthesised {n:,} subjects, {records:,} records in {time.perf_counter() - t:.1f} s")
        con = engines.connect("duckdb")
        snap = engines.read_snapshot(con, folder)
        t = time.perf_counter()
        feats = features(snap.records, snap.subjects, AS_OF)
        con.to_parquet(feats, folder / "features.parquet")
        t_feat = time.perf_counter() - t
        print(
            f"features (Ibis/DuckDB): {t_feat:.2f} s, {n / t_feat:,.0f} subjects/s, "
            f"{records / t_feat:,.0f} records/s"
        )
        frame = pq.read_table(folder / "features.parquet").to_pandas()
        sample = frame.sample(min(n, 50_000), random_state=0)
        bad = (
            np.random.default_rng(1).random(len(sample))
            < risk[sample["subject_id"].to_numpy() - 1] * 0.5
        ).astype(int)
        sc = Scorecard(**scorecard_params()).fit(  # type: ignore[arg-type]
            sample.drop(columns="subject_id").astype("float64"), bad
        )
        table = con.read_parquet(str(folder / "features.parquet"))
        expr = score_expr(table, sc)
        t = time.perf_counter()
        ours = expr.to_pyarrow()
        t_ibis = time.perf_counter() - t
        raw = duckdb.connect()
        full_sql = hand_full_sql(sc, str(folder / "features.parquet"))
        t = time.perf_counter()
        hand = raw.sql(full_sql).to_arrow_table()
        t_hand = time.perf_counter() - t
        ours_sorted, hand_sorted = ours.sort_by("subject_id"), hand.sort_by("subject_id")
        for column in ("score", "band", *DIMENSIONS, "reason_1", "lost_1", "reason_4", "lost_4"):
            assert ours_sorted.column(column).equals(
                hand_sorted.column(column).cast(ours_sorted.column(column).type)
            ), f"hand SQL and credo disagree on {column}"
        only = score_only_expr(table, sc)
        t = time.perf_counter()
        ours_only = only.to_pyarrow()
        t_only = time.perf_counter() - t
        sql = hand_sql(sc, str(folder / "features.parquet"))
        t = time.perf_counter()
        theirs = raw.sql(sql).to_arrow_table()
        t_sql = time.perf_counter() - t
        a = ours_only.sort_by("subject_id").column("score").to_numpy()
        b = theirs.sort_by("subject_id").column("score").to_numpy()
        assert (a == b).all(), "hand SQL and credo disagree"
        print(f"(load average {os.getloadavg()[0]:.1f})")
        print(
            f"same outputs (score, band, 5 sub-scores, 4 reasons): credo compiled {t_ibis:.2f} s, "
            f"hand DuckDB {t_hand:.2f} s, ratio {t_ibis / t_hand:.2f}; identical columns: yes"
        )
        print(
            f"score only: credo {t_only:.2f} s, hand DuckDB CASE WHEN {t_sql:.2f} s, ratio "
            f"{t_only / t_sql:.2f}; identical scores: yes"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
