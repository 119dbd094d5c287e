"""Scaling log-odds to integer points, the 350–950 range and the five bands.

Convention: ``score = offset - factor * ln(bad:good odds)`` with ``factor = pdo / ln 2`` and
``offset = base_score + factor * ln(1 / base_odds)``, so a subject at good:bad odds of
``base_odds`` scores ``base_score`` and every ``pdo`` points doubles the good:bad odds.
Higher scores mean lower risk.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

SCORE_MIN = 350
SCORE_MAX = 950

#: (lower bound, name), highest first; a band runs from its bound to the next one up minus 1.
BANDS: tuple[tuple[int, str], ...] = (
    (700, "excellent"),
    (650, "very good"),
    (600, "good"),
    (550, "fair"),
    (SCORE_MIN, "poor"),
)


def band(score: int | float) -> str:
    """Name of the band a score (350–950) falls in: poor, fair, good, very good, excellent."""
    if isinstance(score, bool) or not SCORE_MIN <= score <= SCORE_MAX:
        from credo.scoring.validation import ScoringInputError

        raise ScoringInputError(f"score {score!r} is outside {SCORE_MIN}–{SCORE_MAX}")
    for lower, name in BANDS:
        if score >= lower:
            return name
    raise AssertionError("unreachable")  # pragma: no cover


def next_band_floor(score: int) -> int | None:
    """Lowest score of the band above ``score``'s band; None when already excellent."""
    floors = [lower for lower, _ in BANDS if lower > score]
    return min(floors) if floors else None


def factor_offset(base_score: float, base_odds: float, pdo: float) -> tuple[float, float]:
    """Return (factor, offset) of the scaling."""
    factor = pdo / math.log(2)
    offset = base_score - factor * math.log(base_odds)
    return factor, offset


def bin_points(woe: np.ndarray, coef: float, factor: float) -> np.ndarray:
    """Integer points of each bin of one feature.

    The model is ``ln(bad:good odds) = b0 + sum_j coef_j * woe_j`` (WoE positive = safer, so
    coefficients are usually negative) and a bin earns ``-factor * coef * woe`` points, rounded.
    """
    return np.rint(-factor * coef * np.asarray(woe, dtype=np.float64)).astype(np.int64)


def intercept_points(intercept: float, factor: float, offset: float) -> int:
    """Integer points every subject starts with: ``offset - factor * b0``, rounded."""
    return round(offset - factor * intercept)


def clip_scores(raw: np.ndarray) -> np.ndarray:
    """Clip summed points to the 350–950 range."""
    return np.clip(raw, SCORE_MIN, SCORE_MAX).astype(np.int64)


#: Score bins for the PSI baseline: [350, 400), [400, 450), ..., [900, 950].
SCORE_EDGES: tuple[int, ...] = tuple(range(SCORE_MIN, SCORE_MAX + 1, 50))


def score_counts(scores: np.ndarray) -> list[int]:
    """Counts of scores in the ``SCORE_EDGES`` bins (the last bin includes 950)."""
    counts, _ = np.histogram(np.asarray(scores, dtype=np.float64), bins=np.asarray(SCORE_EDGES))
    return [int(c) for c in counts]


def score_distribution(scores: np.ndarray) -> dict[str, Any]:
    """The JSON-ready score baseline stored at fit time."""
    return {"edges": list(SCORE_EDGES), "counts": score_counts(scores)}
