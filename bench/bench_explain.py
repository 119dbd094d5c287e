"""Benchmark ``explain_frame`` (reasons, what-if, points per feature) against score alone.

Fits credo's scorecard on the German credit data (seed-0 70/30 split, 17 features, five
actionable), replicates the hold-out to N rows and prints, from the same run: rows/s of
``credit_score`` (score alone), rows/s of ``explain_frame`` and their ratio, and the latency
of one subject's ``explain`` (median and p99 over repeated calls). ``--reference`` also times
the per-row loop ``explain_frame`` was before issue 21 (kept in the tests as the reference).

Usage: python bench/bench_explain.py [--data PATH] [--rows 100000] [--reference]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from credo.scoring import Scorecard

AUDIT_ONLY = ["personal_status_and_sex", "age_in_years", "foreign_worker"]
TARGET = "creditability"
ACTIONABLE = {
    "status_of_existing_checking_account",
    "savings_account_and_bonds",
    "credit_amount",
    "duration_in_month",
    "other_installment_plans",
}
DESCRIPTIONS = {
    "duration_in_month": "A loan running {value} months",
    "credit_amount": "A loan of {value} DM",
    "status_of_existing_checking_account": "Checking account status: {value}",
}
GOAL_ROWS_S = 100_000
GOAL_ONE_MS = 5.0


def best_of(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data",
        default=os.environ.get(
            "CREDO_GERMAN_CREDIT",
            str(Path(__file__).resolve().parents[1] / "tests" / "data" / "german_credit.csv"),
        ),
    )
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--one", type=int, default=300, help="explain calls for the latency")
    ap.add_argument(
        "--reference", action="store_true", help="also time the old per-row loop (10k rows)"
    )
    args = ap.parse_args()
    warnings.filterwarnings("ignore")

    data = pd.read_csv(args.data)
    y = (data[TARGET] == "bad").astype(int)
    X = data.drop(columns=[*AUDIT_ONLY, TARGET])
    X_tr, X_te, y_tr, _ = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    sc = Scorecard(descriptions=DESCRIPTIONS, actionable=ACTIONABLE).fit(X_tr, y_tr)
    big = X_te.iloc[np.resize(np.arange(len(X_te)), args.rows)].reset_index(drop=True)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"German credit card, {X.shape[1]} features; {args.rows:,} rows (hold-out replicated)")

    t_score = best_of(lambda: sc.credit_score(big), 3)
    t_explain = best_of(lambda: sc.explain_frame(big), 2)
    r_score, r_explain = args.rows / t_score, args.rows / t_explain
    print(f"  score alone (credit_score)  {t_score:8.3f} s  {r_score:14,.0f} rows/s")
    print(f"  explain_frame               {t_explain:8.3f} s  {r_explain:14,.0f} rows/s")
    print(f"  ratio score/explain: {r_score / r_explain:.1f}x")
    # the hold-out has ~300 distinct rows; resample every column on its own for distinct ones
    rng = np.random.default_rng(0)
    mixed = pd.DataFrame(
        {c: X[c].to_numpy()[rng.integers(0, len(X), args.rows)] for c in X.columns}
    )
    t_mixed = best_of(lambda: sc.explain_frame(mixed), 1)
    print(
        f"  explain_frame, columns resampled ({len(mixed.drop_duplicates()):,} distinct rows) "
        f"{t_mixed:8.3f} s  {args.rows / t_mixed:14,.0f} rows/s"
    )
    print(
        f"  explain_frame goal >= {GOAL_ROWS_S:,} rows/s: "
        f"{'met' if r_explain >= GOAL_ROWS_S else 'NOT met'}"
    )

    rows = [X_te.iloc[[i % len(X_te)]] for i in range(args.one)]
    times = []
    for row in rows:
        t0 = time.perf_counter()
        sc.explain(row)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"  one subject explain: median {p50:.2f} ms, p99 {p99:.2f} ms")
    print(
        f"  one subject goal <= {GOAL_ONE_MS} ms (median): "
        f"{'met' if p50 <= GOAL_ONE_MS else 'NOT met'}; "
        f"p99 {'met' if p99 <= GOAL_ONE_MS else 'NOT met'}"
    )
    print(f"  load average during the run: {os.getloadavg()[0]:.1f}")

    if args.reference:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.scoring.test_explain_vectorised import reference_explain_frame

        n_ref = min(args.rows, 10_000)
        t_ref = best_of(lambda: reference_explain_frame(sc, big.head(n_ref)), 1)
        print(f"  old per-row explain_frame   {t_ref:8.3f} s  {n_ref / t_ref:14,.0f} rows/s")
        print(f"  speed-up new/old: {r_explain / (n_ref / t_ref):.0f}x")


if __name__ == "__main__":
    main()
