"""Benchmark ``explain_frame`` (reasons, what-if, points per feature) against score alone.

Fits credo's scorecard on the German credit data (seed-0 70/30 split, 17 features, five
actionable), replicates the hold-out to N rows and prints, from the same run: rows/s of
``credit_score`` (score alone), of ``explain_columns`` (the columnar result, NumPy arrays) and
of ``explain_frame`` (its ``to_records()``, one dict per row) and their ratios (wall clock and
per CPU second), the columns as a DataFrame with the reasons' texts (``to_frame``), the cost
of reading 100 rows' dicts from the columns, the floor (copying
``explain_frame``'s own output, container by container), and the latency of one subject's
``explain`` and of ``what_would_raise`` (the report's path), median and p99 over repeated
calls, wall clock and the call's own CPU (what the p99 owes to the machine's other work shows
as the gap between the two). ``--reference`` also times the per-row loop ``explain_frame``
was before issue 21 (kept in the tests as the reference). Load averages (as ``uptime``) are
printed at the start and the end.

Usage: python bench/bench_explain.py [--data PATH] [--rows 100000] [--reference]
"""

from __future__ import annotations

import argparse
import gc
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

from _german import add_data_option, load
from credo.scoring import Scorecard, dumps, explainer, loads
from credo.scoring.scorecard import _collector_paused, _value, what_would_raise

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


def best_of(fn, repeats: int) -> tuple[float, float]:
    """Least wall-clock and least CPU time (this process) of ``repeats`` calls, result freed."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def copy_containers(rows: list[dict]) -> list[dict]:
    """The same list of dicts and lists, rebuilt from ready values: the output's own cost.

    With the collector paused while building and resumed (its pass over the new containers
    then runs) exactly as ``explain_frame`` does.
    """
    with _collector_paused():
        return [
            {
                **r,
                "dimensions": dict(r["dimensions"]),
                "reasons": [dict(x) for x in r["reasons"]],
                "counterfactual": [dict(x) for x in r["counterfactual"]],
                "points": {k: dict(v) for k, v in r["points"].items()},
            }
            for r in rows
        ]


def latencies(call, n: int) -> dict[str, tuple[float, float]]:
    """Median and p99 in ms of n calls, wall clock and this thread's CPU, and GC passes."""
    wall, cpu = [], []
    before = sum(g["collections"] for g in gc.get_stats())
    for i in range(n):
        c0, t0 = time.thread_time(), time.perf_counter()
        call(i)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    passes = sum(g["collections"] for g in gc.get_stats()) - before

    def cut(xs: list[float]) -> tuple[float, float]:
        xs = sorted(xs)
        return statistics.median(xs), xs[min(len(xs) - 1, int(len(xs) * 0.99))]

    return {"wall": cut(wall), "cpu": cut(cpu), "gc": (passes, n)}


def report(what: str, lat: dict[str, tuple[float, float]]) -> None:
    (w50, w99), (c50, c99), (passes, n) = lat["wall"], lat["cpu"], lat["gc"]
    print(
        f"  {what}: median {w50:.2f} ms, p99 {w99:.2f} ms "
        f"(CPU of the call: median {c50:.2f} ms, p99 {c99:.2f} ms; {passes} GC passes in {n} calls)"
    )


def _load() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` shows them."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_option(ap)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--one", type=int, default=300, help="explain calls for the latency")
    ap.add_argument(
        "--reference", action="store_true", help="also time the old per-row loop (10k rows)"
    )
    args = ap.parse_args()
    warnings.filterwarnings("ignore")

    X, y = load(args.data)
    X_tr, X_te, y_tr, _ = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    sc = Scorecard(descriptions=DESCRIPTIONS, actionable=ACTIONABLE).fit(X_tr, y_tr)
    big = X_te.iloc[np.resize(np.arange(len(X_te)), args.rows)].reset_index(drop=True)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"German credit card, {X.shape[1]} features; {args.rows:,} rows (hold-out replicated)")

    print(f"  load average at the start: {_load()}")
    t_score, c_score = best_of(lambda: sc.credit_score(big), 3)
    t_cols, c_cols = best_of(lambda: sc.explain_columns(big), 3)
    t_explain, c_explain = best_of(lambda: sc.explain_frame(big), 3)
    t0 = time.perf_counter()
    out = sc.explain_frame(big)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    del out
    t_free = time.perf_counter() - t0
    r_score, r_explain = args.rows / t_score, args.rows / t_explain
    r_cols = args.rows / t_cols
    print(f"  score alone (credit_score)  {t_score:8.3f} s  {r_score:14,.0f} rows/s", end="")
    print(f"  (per CPU second: {args.rows / c_score:,.0f})")
    print(f"  explain_columns (columnar)  {t_cols:8.3f} s  {r_cols:14,.0f} rows/s", end="")
    print(f"  (per CPU second: {args.rows / c_cols:,.0f})")
    print(f"  ratio score/columns: {r_score / r_cols:.1f}x wall clock, {c_cols / c_score:.1f}x CPU")
    cols = sc.explain_columns(big)
    picks = np.random.default_rng(1).integers(0, args.rows, 100).tolist()
    t_few, c_few = best_of(lambda: [cols.row(i) for i in picks], 3)
    print(
        f"  explain_columns then 100 rows' dicts (.row): {t_cols + t_few:.3f} s "
        f"(the 100 rows {t_few * 1e3:.2f} ms, {c_few * 1e3:.2f} ms CPU)"
    )
    t_tab, c_tab = best_of(lambda: sc.explain_columns(big).to_frame(), 3)
    print(
        f"  explain_columns().to_frame() (reasons' texts as columns) {t_tab:8.3f} s  "
        f"{args.rows / t_tab:14,.0f} rows/s  (per CPU second: {args.rows / c_tab:,.0f})"
    )
    t_rec, c_rec = best_of(cols.to_records, 2)
    print(
        f"  .to_records() of the columns  {t_rec:8.3f} s  {args.rows / t_rec:14,.0f} rows/s"
        f"  (per CPU second: {args.rows / c_rec:,.0f})"
    )
    print(f"  explain_frame               {t_explain:8.3f} s  {r_explain:14,.0f} rows/s", end="")
    print(f"  (per CPU second: {args.rows / c_explain:,.0f})")
    print(
        f"  ratio score/explain: {r_score / r_explain:.1f}x wall clock, "
        f"{c_explain / c_score:.1f}x CPU"
    )
    print(f"    of which building the dicts {t_build:.3f} s, freeing them {t_free:.3f} s")
    made = sc.explain_frame(big)
    t_floor, c_floor = best_of(lambda: copy_containers(made), 2)
    made.clear()
    print(
        f"  floor: copying explain_frame's output container by container (~27 per row) "
        f"{t_floor:8.3f} s  {args.rows / t_floor:14,.0f} rows/s; explain_frame takes "
        f"{c_explain / c_floor:.2f}x its CPU"
    )
    # the hold-out has ~300 distinct rows; resample every column on its own for distinct ones
    rng = np.random.default_rng(0)
    mixed = pd.DataFrame(
        {c: X[c].to_numpy()[rng.integers(0, len(X), args.rows)] for c in X.columns}
    )
    t_mixed, _ = best_of(lambda: sc.explain_frame(mixed), 1)
    print(
        f"  explain_frame, columns resampled ({len(mixed.drop_duplicates()):,} distinct rows) "
        f"{t_mixed:8.3f} s  {args.rows / t_mixed:14,.0f} rows/s"
    )
    t_mixed_cols, _ = best_of(lambda: sc.explain_columns(mixed), 1)
    print(
        f"  explain_columns, the same resampled columns {t_mixed_cols:8.3f} s  "
        f"{args.rows / t_mixed_cols:14,.0f} rows/s"
    )
    print(
        f"  goal >= {GOAL_ROWS_S:,} rows/s: columns "
        f"{'met' if r_cols >= GOAL_ROWS_S else 'NOT met'} ({r_cols:,.0f}), "
        f"dicts (explain_frame) {'met' if r_explain >= GOAL_ROWS_S else 'NOT met'} "
        f"({r_explain:,.0f})"
    )

    rows = [X_te.iloc[[i % len(X_te)]] for i in range(args.one)]
    cold = loads(dumps(sc))
    explainer._by_content.clear()  # as for a model never explained in this process
    t0 = time.perf_counter()
    cold.explain(rows[0])  # the first explanation of a model builds its tables
    t_cold = (time.perf_counter() - t0) * 1e3
    print(f"  first explain of a model (its tables built): {t_cold:.2f} ms")
    one = latencies(lambda i: sc.explain(rows[i]), args.one)
    report("one subject explain (one-row frame)", one)
    values = [{k: _value(v) for k, v in X_te.iloc[i % len(X_te)].items()} for i in range(args.one)]
    text = dumps(sc)
    report(
        "what_would_raise (report path)",
        latencies(lambda i: what_would_raise(sc, values[i]), args.one),
    )
    report(
        "report path, model loaded per request (loads + what_would_raise)",
        latencies(lambda i: what_would_raise(loads(text), values[i]), args.one),
    )
    p50, p99 = one["wall"]
    print(
        f"  one subject goal <= {GOAL_ONE_MS} ms (median): "
        f"{'met' if p50 <= GOAL_ONE_MS else 'NOT met'}; "
        f"p99 {'met' if p99 <= GOAL_ONE_MS else 'NOT met'}"
    )
    print(f"  load average at the end: {_load()}")

    if args.reference:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.scoring.test_explain_vectorised import reference_explain_frame

        n_ref = min(args.rows, 10_000)
        t_ref, _ = best_of(lambda: reference_explain_frame(sc, big.head(n_ref)), 1)
        print(f"  old per-row explain_frame   {t_ref:8.3f} s  {n_ref / t_ref:14,.0f} rows/s")
        print(f"  speed-up new/old: {r_explain / (n_ref / t_ref):.0f}x")


if __name__ == "__main__":
    main()
