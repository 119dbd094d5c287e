"""Population stability: PSI of the score and of each feature against the training data.

``psi`` is the pure measure. The training baseline comes from the model itself: every feature's
bins keep their training counts (``n_good + n_bad``), and ``Scorecard.fit`` stores the training
score distribution over ``SCORE_EDGES`` as ``training["score_distribution"]``.

Rule of thumb: PSI below 0.1 is stable, 0.1 to 0.25 a moderate shift, above 0.25 a major one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from credo.scoring.scaling import SCORE_EDGES as SCORE_EDGES
from credo.scoring.scaling import SCORE_MAX, SCORE_MIN
from credo.scoring.scaling import score_distribution as score_distribution
from credo.scoring.validation import ScoringInputError

if TYPE_CHECKING:
    from credo.scoring.scorecard import Scorecard

#: Share used in place of an empty bin so that PSI stays finite.
EPSILON = 1e-4
STABLE = 0.1
MAJOR = 0.25


def psi(
    expected_counts: Sequence[float] | np.ndarray,
    actual_counts: Sequence[float] | np.ndarray,
    *,
    epsilon: float = EPSILON,
) -> float:
    """Population stability index ``sum((a - e) * ln(a / e))`` over bin shares.

    Counts are turned into shares; empty bins count as ``epsilon`` so the index stays finite.
    """
    e = np.asarray(expected_counts, dtype=np.float64)
    a = np.asarray(actual_counts, dtype=np.float64)
    if e.ndim != 1 or e.shape != a.shape:
        raise ScoringInputError(
            f"psi needs two equally long lists of counts, got {e.shape} and {a.shape}"
        )
    if len(e) == 0:
        raise ScoringInputError("psi needs at least one bin")
    if (e < 0).any() or (a < 0).any() or not (np.isfinite(e).all() and np.isfinite(a).all()):
        raise ScoringInputError("psi counts must be finite and non-negative")
    if e.sum() == 0 or a.sum() == 0:
        raise ScoringInputError("psi needs at least one row on each side")
    pe = np.maximum(e / e.sum(), epsilon)
    pa = np.maximum(a / a.sum(), epsilon)
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def verdict(value: float) -> str:
    """``stable`` (< 0.1), ``moderate`` (0.1 to 0.25) or ``major`` (> 0.25)."""
    if value < STABLE:
        return "stable"
    return "moderate" if value <= MAJOR else "major"


def feature_counts(sc: Scorecard, index: np.ndarray) -> dict[str, tuple[list[int], list[int]]]:
    """Per feature, (training bin counts, counts of ``index`` rows) over the same bins."""
    out = {}
    for j, fb in enumerate(sc.bins_):
        expected = (np.asarray(fb.n_good) + np.asarray(fb.n_bad)).astype(np.int64)
        actual = np.bincount(index[:, j], minlength=fb.n_bins)
        out[fb.name] = (expected.tolist(), actual.tolist())
    return out


def feature_psi(sc: Scorecard, X: Any) -> dict[str, float]:
    """PSI of every feature's bins between the training data and ``X``."""
    index = sc.bin_index(X)
    return {name: psi(e, a) for name, (e, a) in feature_counts(sc, index).items()}


def score_psi(sc: Scorecard, X: Any) -> float:
    """PSI of the score distribution between the training data and ``X``."""
    base: Any = sc.training_.get("score_distribution")
    if not base:
        raise ScoringInputError(
            "this model has no training score distribution (fitted before credo stored one); "
            "refit it to monitor the score"
        )
    edges = np.asarray(base["edges"], dtype=np.float64)
    actual, _ = np.histogram(sc.credit_score(X).astype(np.float64), bins=edges)
    return psi(base["counts"], actual)


def psi_report(sc: Scorecard, X: Any) -> dict[str, Any]:
    """Score PSI (when the model has a baseline), feature PSIs and a verdict for each."""
    index = sc.bin_index(X)
    features = {
        name: {"psi": (v := psi(e, a)), "status": verdict(v), "expected": e, "actual": a}
        for name, (e, a) in feature_counts(sc, index).items()
    }
    report: dict[str, Any] = {"n": int(index.shape[0]), "score": None, "features": features}
    base: Any = sc.training_.get("score_distribution")
    if base:
        pts = np.column_stack([fb.points[index[:, j]] for j, fb in enumerate(sc.bins_)])
        scores = np.clip(sc.intercept_points_ + pts.sum(axis=1), SCORE_MIN, SCORE_MAX)
        actual, _ = np.histogram(
            scores.astype(np.float64), bins=np.asarray(base["edges"], dtype=np.float64)
        )
        value = psi(base["counts"], actual)
        report["score"] = {
            "psi": value,
            "status": verdict(value),
            "edges": list(base["edges"]),
            "expected": list(base["counts"]),
            "actual": [int(c) for c in actual],
        }
    return report
