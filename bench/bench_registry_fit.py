"""Fit time of the registry scorecard against optbinning's own on the same features.

The registry's 14 features (``credo.batch.features``) for N persons are drawn directly as a
frame shaped like the registry's (counts, shares with missing values, percentages, a level;
defaults driven by them), so the benchmark measures the fit, not intake. credo fits with the
registry's settings (declared directions, 1 % minimum bin size, its scaling); optbinning's
``BinningProcess`` + ``Scorecard`` fits the same frame with the same minimum bin size and
monotonic trends per feature, in the same run.

Usage: python bench/bench_registry_fit.py [--rows 1000000] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from credo.batch.features import FEATURES, scorecard_params
from credo.batch.fit import REGISTRY_MIN_BIN_SIZE, REGISTRY_SCALING
from credo.scoring import Scorecard
from credo.scoring.directions import TRENDS


def registry_frame(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """A frame with the registry's features and a default label that depends on them."""
    rng = np.random.default_rng(seed)
    risk = rng.normal(size=n)
    util = np.clip(1 / (1 + np.exp(-risk)) + rng.normal(0, 0.1, n), 0, 1.05)
    cols = {
        "late_30_24m": rng.poisson(np.exp(-1.5 + risk)),
        "late_90_24m": rng.poisson(np.exp(-3 + risk)),
        "months_since_late_30": np.where(rng.random(n) < 0.7, np.nan, rng.integers(0, 60, n)),
        "defaults_60m": rng.poisson(np.exp(-3 + risk)),
        "history_months": np.where(rng.random(n) < 0.05, np.nan, rng.integers(1, 60, n)),
        "card_utilisation": np.where(rng.random(n) < 0.4, np.nan, util),
        "open_judgments": rng.poisson(np.exp(-3 + risk)),
        "open_judgment_amount": rng.poisson(np.exp(-3 + risk)) * rng.integers(1_000, 90_000, n),
        "penalties_24m": rng.poisson(np.exp(-1.5 + 0.5 * risk)),
        "breaches_24m": rng.poisson(np.exp(-3 + risk)),
        "tax_arrears_open": rng.poisson(np.exp(-3.2 + risk)),
        "bills_on_time_pct": np.clip(np.rint(95 - 5 * risk + rng.normal(0, 2, n)), 0, 100),
        "tax_on_time_pct": np.where(rng.random(n) < 0.4, np.nan, np.where(risk > 0.5, 50, 100)),
        "identity_level": rng.integers(0, 4, n),
    }
    X = pd.DataFrame(cols).astype("float64")[[f.name for f in FEATURES]]
    logit = (
        -3.2
        + 0.5 * risk
        + 0.6 * np.minimum(X["late_30_24m"], 4)
        + 2.0 * np.nan_to_num(X["card_utilisation"])
        + 2.0 * (X["open_judgments"] > 0)
        + 0.5 * np.minimum(X["penalties_24m"], 3)
        + 1.2 * (X["tax_arrears_open"] > 0)
        + 1.0 * np.minimum(X["breaches_24m"], 3)
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-logit.to_numpy()))).astype(int)
    return X, y


def fit_credo(X: pd.DataFrame, y: np.ndarray) -> Scorecard:
    return Scorecard(
        **scorecard_params(),  # type: ignore[arg-type]
        min_bin_size=REGISTRY_MIN_BIN_SIZE,
        **REGISTRY_SCALING,
    ).fit(X, y)


def fit_optbinning(X: pd.DataFrame, y: np.ndarray):  # type: ignore[no-untyped-def]
    from optbinning import BinningProcess
    from optbinning import Scorecard as OBScorecard

    trends = {f.name: {"monotonic_trend": TRENDS[f.direction]} for f in FEATURES}
    for name in trends:
        trends[name]["min_bin_size"] = REGISTRY_MIN_BIN_SIZE
        trends[name]["min_prebin_size"] = REGISTRY_MIN_BIN_SIZE
    bp = BinningProcess(variable_names=list(X.columns), binning_fit_params=trends)
    sc = OBScorecard(
        binning_process=bp,
        estimator=LogisticRegression(max_iter=1000),
        scaling_method="pdo_odds",
        scaling_method_params={
            "pdo": REGISTRY_SCALING["pdo"],
            "odds": REGISTRY_SCALING["base_odds"],
            "scorecard_points": REGISTRY_SCALING["base_score"],
        },
    )
    return sc.fit(X, y)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    X, y = registry_frame(args.rows, args.seed)
    Xh, yh = registry_frame(200_000, args.seed + 1)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"{len(X):,} subjects, {X.shape[1]} features, bad rate {y.mean():.3f}")
    times = {}
    for name, fit in (("optbinning", fit_optbinning), ("credo", fit_credo)):
        t0 = time.perf_counter()
        model = fit(X, y)
        times[name] = time.perf_counter() - t0
        auc = roc_auc_score(yh, model.predict_proba(Xh)[:, 1])
        print(f"  {name:<11} fit {times[name]:7.1f} s   hold-out AUC {auc:.3f}")
    ratio = times["credo"] / times["optbinning"]
    print(
        f"  ratio credo/optbinning fit time: {ratio:.2f} (goal <= 1.2: "
        f"{'met' if ratio <= 1.2 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
