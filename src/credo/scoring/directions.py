"""Directions are domain knowledge: which way a feature may move the score, never a fit artefact.

A feature's direction says which of its values is better for the subject:

- ``higher_is_better``: more of it never costs points (verified identity, share of bills paid
  on time); optbinning's event (bad) rate must fall as the value rises (``"descending"``).
- ``lower_is_better``: more of it never earns points (late payments, judgments, penalties,
  arrears, utilisation); the bad rate must rise with the value (``"ascending"``).
- ``learn``: no prior; the binning picks the trend from the data (``auto_asc_desc`` for
  numbers). Categorical features have no order, so ``learn`` is the only direction they take.

The fit passes the direction to optbinning as ``monotonic_trend``, clamps the weights of
evidence so rounding and sparse bins cannot reverse it, and bounds the regression coefficient so
the points follow it. A direction the data contradicts is kept and reported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from credo.scoring.validation import CATEGORICAL, ScoringInputError

HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
LEARN = "learn"
DIRECTIONS: tuple[str, ...] = (HIGHER_IS_BETTER, LOWER_IS_BETTER, LEARN)
#: optbinning's monotonic_trend is about the event (bad) rate as the value rises.
TRENDS = {HIGHER_IS_BETTER: "descending", LOWER_IS_BETTER: "ascending"}
#: |Spearman correlation| * sqrt(n) above this is a contradiction worth reporting.
CONTRADICTION_Z = 2.0
#: Rows the contradiction check looks at, at most (a fixed random sample of larger inputs).
CONTRADICTION_SAMPLE = 200_000


def check_directions(
    directions: Mapping[str, str] | None, features: Sequence[str], kinds: Sequence[str]
) -> dict[str, str]:
    """Every feature's direction; refuses a missing, unknown or impossible one, naming it.

    ``None`` means no prior knowledge at all: every feature is ``learn`` (the generic
    scikit-learn use). A mapping must name every feature.
    """
    if directions is None:
        return dict.fromkeys(features, LEARN)
    given = dict(directions)
    for name, direction in given.items():
        if name not in features:
            raise ScoringInputError(
                f"directions names feature {name!r}, which is not a column of X",
                details=[{"field": name}],
            )
        if direction not in DIRECTIONS:
            raise ScoringInputError(
                f"unknown direction {direction!r} for feature {name!r}; "
                f"use one of {', '.join(DIRECTIONS)}",
                details=[{"field": name, "value": str(direction)}],
            )
    for name, kind in zip(features, kinds, strict=True):
        if name not in given:
            raise ScoringInputError(
                f"feature {name!r} has no direction; say whether it is "
                f"{HIGHER_IS_BETTER}, {LOWER_IS_BETTER} or {LEARN}",
                details=[{"field": name}],
            )
        if kind == CATEGORICAL and given[name] != LEARN:
            raise ScoringInputError(
                f"feature {name!r} is categorical and has no order; its direction must be "
                f"{LEARN!r}, not {given[name]!r}",
                details=[{"field": name, "value": given[name]}],
            )
    return {name: given[name] for name in features}


def trend(direction: str, default: str | None) -> str | None:
    """optbinning's ``monotonic_trend`` for a direction (``default`` for ``learn``)."""
    return TRENDS.get(direction, default)


def clamp_woe(woe: np.ndarray, direction: str, regular: int) -> np.ndarray:
    """Weights of evidence made monotone over the ``regular`` bins (the missing bin is apart).

    WoE is positive for safer bins, so ``higher_is_better`` needs it non-decreasing with the bin
    index and ``lower_is_better`` non-increasing. optbinning already fits a monotone event rate;
    this only guards against bins without goods or bads (WoE 0) breaking the order.
    """
    out = np.asarray(woe, dtype=np.float64).copy()
    if direction == HIGHER_IS_BETTER:
        out[:regular] = np.maximum.accumulate(out[:regular])
    elif direction == LOWER_IS_BETTER:
        out[:regular] = np.minimum.accumulate(out[:regular])
    return out


def contradiction(
    name: str, direction: str, values: np.ndarray, bad: np.ndarray
) -> dict[str, Any] | None:
    """A report when the data say the opposite of the declared direction (the direction stays).

    Uses the rank (Spearman) correlation of the present values with the bad indicator; reports
    it when its sign opposes the direction by more than ``CONTRADICTION_Z`` standard errors.
    """
    if direction not in TRENDS:
        return None
    x = np.asarray(values, dtype=np.float64)
    present = ~np.isnan(x)
    x, y = x[present], np.asarray(bad)[present].astype(np.float64)
    if len(x) > CONTRADICTION_SAMPLE:  # a fixed sample is plenty to tell a sign
        pick = np.random.default_rng(0).choice(len(x), CONTRADICTION_SAMPLE, replace=False)
        x, y = x[pick], y[pick]
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    from scipy.stats import rankdata

    # y is 0/1, so its ranks are an affine map of itself: Spearman = Pearson(rank x, y)
    rho = float(np.corrcoef(rankdata(x), y)[0, 1])
    z = rho * np.sqrt(len(x) - 1)
    wrong = z > CONTRADICTION_Z if direction == HIGHER_IS_BETTER else z < -CONTRADICTION_Z
    if not wrong:
        return None
    observed = "more defaults" if rho > 0 else "fewer defaults"
    return {
        "feature": name,
        "direction": direction,
        "spearman": round(rho, 4),
        "n": len(x),
        "message": (
            f"feature {name!r} is declared {direction} but higher values went with {observed} "
            f"in the training data (Spearman {rho:+.3f} over {len(x)} rows); the direction is "
            "kept, so the feature earns few or no points"
        ),
    }


def signature(features: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Per feature, a SHA-256 over its name, direction and bin points, as persisted.

    Stored beside the model; a file whose directions (or points) were edited by hand no longer
    matches it, and the check names the feature that changed.
    """
    out = {}
    for f in features:
        payload = [f["name"], f.get("direction", LEARN), [int(b["points"]) for b in f["bins"]]]
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        out[str(f["name"])] = hashlib.sha256(text.encode()).hexdigest()
    return out


def check_points_follow(name: str, direction: str, points: Sequence[int], regular: int) -> None:
    """Refuse points that move against a feature's direction (a hand-edited model file)."""
    p = np.asarray(points[:regular], dtype=np.int64)
    if len(p) < 2:
        return
    steps = np.diff(p)
    if (direction == HIGHER_IS_BETTER and (steps < 0).any()) or (
        direction == LOWER_IS_BETTER and (steps > 0).any()
    ):
        raise ScoringInputError(
            f"model file: the points of feature {name!r} run against its direction "
            f"{direction!r} ({p.tolist()}); the file was edited, refit the model",
            details=[{"field": name, "value": direction}],
        )
