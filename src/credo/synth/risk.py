"""The planted default model: what a person's records say about the chance of a default.

A loan's monthly default hazard is ``sigmoid(DEFAULT_BASE + DEFAULT_SLOPE * z + microloan
+ sum of EFFECTS)``, where each effect is a planted predictor measured on the records the
person has at the start of that month. The same effects are written to ``ground_truth.json``
(``default_model``) so that a fit can be checked against them: every planted predictor must
earn points, in its direction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from credo.synth.population import Population, Timeline

DEFAULT_BASE = -6.2  # logit of the monthly hazard at z = 0 with a clean file
DEFAULT_SLOPE = 0.5  # per standard deviation of latent risk (unobserved by any furnisher)
MICROLOAN = 0.6
#: name -> (log-odds per unit, cap on the units counted, what a unit is, registry features that
#: measure it: a fit recovers the effect when one of them earns points in its direction)
EFFECTS: dict[str, tuple[float, float, str, tuple[str, ...]]] = {
    "late_30_24m": (
        0.6,
        4,
        "a repayment 30+ days late in the previous 24 months (at most 4 count)",
        ("late_30_24m", "late_90_24m", "months_since_late_30"),
    ),
    "card_utilisation": (
        2.0,
        1.05,
        "the share of the card limit used at the latest statement (1.0 = 100 %)",
        ("card_utilisation",),
    ),
    "open_judgment": (
        2.0,
        1,
        "a court judgment not yet fulfilled (present or not)",
        ("open_judgments", "open_judgment_amount"),
    ),
    "penalties_24m": (
        0.5,
        3,
        "an administrative penalty in the previous 24 months (at most 3 count)",
        ("penalties_24m",),
    ),
    "tax_arrears_open": (
        1.2,
        1,
        "a tax arrear not yet settled (present or not)",
        ("tax_arrears_open",),
    ),
    "breaches_24m": (
        1.0,
        3,
        "a contract breach in the previous 24 months (at most 3 count)",
        ("breaches_24m",),
    ),
}


def _intervals(n: int, months: int, spans: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Any:
    """Per (subject, month), how many of the [from, to) intervals cover it."""
    subject, start, stop = spans
    diff = np.zeros((n, months + 1), dtype=np.int32)
    start = np.clip(start + 1, 0, months)  # a record counts from the month after it
    stop = np.clip(stop + 1, 0, months)
    np.add.at(diff, (subject, start), 1)
    np.add.at(diff, (subject, stop), -1)
    return np.cumsum(diff, axis=1)[:, :months]


def conduct_logit(pop: Population, tl: Timeline) -> np.ndarray:
    """Planted log-odds per (subject, month) from everything but late payments."""
    n, months = len(pop), tl.months
    out = np.zeros((n, months))
    for name, spans in pop.conduct.items():
        if name in EFFECTS:
            beta, cap, _, _ = EFFECTS[name]
            out += beta * np.minimum(_intervals(n, months, spans), cap)
    if pop.utilisation is not None:
        subject, month, ratio = pop.utilisation
        level = np.zeros((n, months + 1))
        seen = np.zeros((n, months + 1), dtype=bool)
        nxt = np.clip(month + 1, 0, months)
        level[subject, nxt] = ratio
        seen[subject, nxt] = True
        # carry the latest statement forward (one card per holder)
        idx = np.where(seen, np.arange(months + 1), 0)
        np.maximum.accumulate(idx, axis=1, out=idx)
        carried = np.take_along_axis(level, idx, axis=1)[:, :months]
        beta, cap, _, _ = EFFECTS["card_utilisation"]
        out += beta * np.minimum(carried, cap)
    return out


def late_logit(
    n: int, months: int, subject: np.ndarray, month: np.ndarray, days_late: np.ndarray
) -> np.ndarray:
    """Planted log-odds per (subject, month) from repayments 30+ days late in 24 months."""
    late = days_late >= 30
    counts = _intervals(n, months, (subject[late], month[late], month[late] + 24))
    beta, cap, _, _ = EFFECTS["late_30_24m"]
    return beta * np.minimum(counts, cap)


def truth() -> dict[str, Any]:
    """The planted default model as written to ``ground_truth.json``."""
    return {
        "hazard": "monthly, per loan: sigmoid(base + slope * z + microloan + sum of effects)",
        "base": DEFAULT_BASE,
        "latent_slope": DEFAULT_SLOPE,
        "microloan": MICROLOAN,
        "effects": {
            name: {"log_odds_per_unit": beta, "cap": cap, "unit": unit, "features": list(feats)}
            for name, (beta, cap, unit, feats) in EFFECTS.items()
        },
    }
