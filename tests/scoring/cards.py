"""Scorecards fitted on synthetic frames shaped like the registry's features (review 2).

``no_loan_card`` is fitted so that having no loan at all (``history_months`` missing) scores
higher than every length of credit history, as it does on production-shaped data; ``mixed_card``
adds features written in the ``number`` unit and one whose direction is learnt.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from credo.batch.features import FEATURES, scorecard_params
from credo.scoring import Scorecard


def registry_frame(n: int = 6000, seed: int = 1) -> tuple[pd.DataFrame, pd.Series]:
    """(features, bad flag): a quarter of the subjects have no loan, and they are the safest."""
    rng = np.random.default_rng(seed)
    has_loan = rng.random(n) < 0.75
    late30 = np.where(has_loan, rng.poisson(0.5, n), 0)
    late90 = np.minimum(late30, rng.poisson(0.2, n))
    since_late = np.where(late30 > 0, rng.integers(1, 120, n), np.nan)
    defaults = np.where(has_loan, rng.poisson(0.1, n), 0)
    history = np.where(has_loan, rng.integers(1, 240, n), np.nan)
    util = np.where(rng.random(n) < 0.7, rng.beta(2, 3, n) * 1.1, np.nan)
    judgments = rng.poisson(0.1, n)
    amount = np.where(judgments > 0, rng.integers(1000, 200000, n), 0)
    penalties, breaches, arrears = rng.poisson(0.15, n), rng.poisson(0.1, n), rng.poisson(0.1, n)
    bills = np.where(
        rng.random(n) < 0.8, np.floor(100 - rng.exponential(8, n)).clip(0, 100), np.nan
    )
    taxes = np.where(
        rng.random(n) < 0.6, np.floor(100 - rng.exponential(10, n)).clip(0, 100), np.nan
    )
    identity = rng.integers(0, 4, n)
    logit = (
        -2.5
        + 0.6 * late30
        + 0.8 * late90
        + 1.0 * defaults
        + 1.5 * np.nan_to_num(util, nan=0.6)
        + 0.7 * judgments
        + 0.3 * penalties
        + 0.3 * breaches
        + 0.5 * arrears
        - 0.03 * (np.nan_to_num(bills, nan=85) - 85)
        - 0.3 * identity
        - 1.5 * ~has_loan
        - 0.004 * np.nan_to_num(history, nan=0)
        + 0.02 * (60 - np.nan_to_num(since_late, nan=60)).clip(0)
    )
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int))
    X = pd.DataFrame(
        {
            "late_30_24m": late30,
            "late_90_24m": late90,
            "months_since_late_30": since_late,
            "defaults_60m": defaults,
            "history_months": history,
            "card_utilisation": util,
            "open_judgments": judgments,
            "open_judgment_amount": amount,
            "penalties_24m": penalties,
            "breaches_24m": breaches,
            "tax_arrears_open": arrears,
            "bills_on_time_pct": bills,
            "tax_on_time_pct": taxes,
            "identity_level": identity,
        }
    ).astype("float64")
    return X[[f.name for f in FEATURES]], y


@functools.cache
def no_loan_card() -> tuple[Scorecard, pd.DataFrame]:
    """The registry scorecard fitted on ``registry_frame``, and that frame."""
    X, y = registry_frame()
    return Scorecard(**scorecard_params()).fit(X, y), X  # type: ignore[arg-type]


@functools.cache
def mixed_card() -> tuple[Scorecard, pd.DataFrame]:
    """A card with a share, plain numbers (one decimal) and counts, one direction learnt."""
    rng = np.random.default_rng(7)
    n = 5000
    risk = rng.normal(size=n)
    util = np.clip(1 / (1 + np.exp(-risk)) + rng.normal(0, 0.15, n), 0, 1.2)
    ratio = np.round(np.clip(2.5 + 1.2 * risk + rng.normal(0, 0.8, n), 0, None), 3)
    tenure = np.clip(np.round(40 + 12 * rng.normal(size=n), 2), 18, 80)
    late = rng.poisson(np.exp(-1 + 0.8 * risk))
    X = pd.DataFrame(
        {
            "card_utilisation": np.where(rng.random(n) < 0.2, np.nan, util),
            "debt_to_income": np.where(rng.random(n) < 0.1, np.nan, ratio),
            "tenure_years": tenure,
            "late_payments": late,
        }
    ).astype("float64")
    logit = -1.5 + risk + 0.002 * (tenure - 40) ** 2  # the middle tenures are the safest
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int))
    sc = Scorecard(
        dimensions={
            "card_utilisation": "capacity",
            "debt_to_income": "capacity",
            "tenure_years": "history",
            "late_payments": "payments",
        },
        descriptions={
            "card_utilisation": {"value": "Cards at {value} of limits", "unit": "share"},
            "debt_to_income": {"value": "Debt {value} times income", "unit": "number"},
            "tenure_years": {"value": "Customer for {value} years", "unit": "number"},
            "late_payments": {"value": "{value} late payments", "unit": "count"},
        },
        actionable={"card_utilisation", "debt_to_income", "tenure_years", "late_payments"},
        directions={
            "card_utilisation": "lower_is_better",
            "debt_to_income": "lower_is_better",
            "tenure_years": "learn",
            "late_payments": "lower_is_better",
        },
        min_bin_size=0.02,
    ).fit(X, y)
    return sc, X
