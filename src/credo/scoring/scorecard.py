"""The ``Scorecard`` estimator: optbinning bins per feature, logistic regression on WoE, points.

A thin scikit-learn shell over the pure functions in ``binning``, ``scaling`` and ``reasons``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from credo.scoring import reasons as rs
from credo.scoring.binning import FeatureBins, fit_bins
from credo.scoring.directions import LEARN, check_directions, contradiction
from credo.scoring.explainer import (
    SMALL,
    Explanations,
    collector_paused,
    explainer_for,
    value_of,
)
from credo.scoring.logistic import collapse, fit_logistic
from credo.scoring.metrics import discrimination
from credo.scoring.protected import check_features
from credo.scoring.scaling import (
    bin_points,
    clip_scores,
    factor_offset,
    intercept_points,
    score_distribution,
)
from credo.scoring.validation import (
    DIMENSIONS,
    NUMERICAL,
    ScoringInputError,
    as_frame,
    binary_target,
    categorical_values,
    check_dimensions,
    check_fit_range,
    check_known,
    check_positive,
    feature_kind,
    numeric_values,
)


class Scorecard(ClassifierMixin, BaseEstimator):
    """Points-based credit scorecard scored 350–950, explained by dimension, reason and what-if.

    ``y`` is binary; its larger class (``classes_[1]``, e.g. 1) is *bad* (the event).

    Parameters
    ----------
    dimensions : dict, optional
        Feature -> one of history, capacity, compliance, payments, identity (default history).
    descriptions : dict, optional
        Feature -> reason template with ``{value}`` (and optionally ``{feature}``,
        ``{points_lost}``), e.g. ``"{value} repayments 30+ days late in the last 24 months"``,
        or a template per kind of value: ``{"value": ..., "zero": ..., "missing": "No card on
        record", "unit": "share"}`` (see ``reasons.sentence``).
    actionable : set, optional
        Features a subject can change; only these appear in the counterfactual.
    directions : dict, optional
        Feature -> ``higher_is_better``, ``lower_is_better`` or ``learn`` (see ``directions``).
        Given, it must name every feature; the direction is optbinning's monotonic trend and
        the points never move against it. None: every feature is ``learn``.
    audit_only : collection, optional
        Attributes kept for fairness audits only (e.g. sex, age band); naming one as a
        feature is refused.
    bad_label : scalar, optional
        The value of ``y`` that means bad. Needed when ``y`` is not 0/1 or true/false (e.g.
        ``"good"``/``"bad"``): the scorecard never guesses which label is the bad one.
    base_score, base_odds, pdo : number
        ``base_score`` points at good:bad odds ``base_odds``; odds double every ``pdo`` points.
    monotonic_trend : str or None
        optbinning trend for numerical features ("auto_asc_desc", "ascending", "auto", ...).
    min_bin_size : float or None
        Smallest share of training rows in a bin.
    max_n_bins : int or None
        Most bins per feature (not counting the missing bin).
    C, max_iter : float, int
        Logistic regression's inverse regularisation strength and iteration cap.
    """

    def __init__(
        self,
        *,
        dimensions: Mapping[str, str] | None = None,
        descriptions: Mapping[str, Any] | None = None,
        actionable: set[str] | frozenset[str] | None = None,
        directions: Mapping[str, str] | None = None,
        audit_only: Any = None,
        bad_label: Any = None,
        base_score: float = 600,
        base_odds: float = 50,
        pdo: float = 20,
        monotonic_trend: str | None = "auto_asc_desc",
        min_bin_size: float | None = 0.05,
        max_n_bins: int | None = None,
        C: float = 1.0,
        max_iter: int = 1000,
    ) -> None:
        self.dimensions = dimensions
        self.descriptions = descriptions
        self.actionable = actionable
        self.directions = directions
        self.audit_only = audit_only
        self.bad_label = bad_label
        self.base_score = base_score
        self.base_odds = base_odds
        self.pdo = pdo
        self.monotonic_trend = monotonic_trend
        self.min_bin_size = min_bin_size
        self.max_n_bins = max_n_bins
        self.C = C
        self.max_iter = max_iter

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.classifier_tags.multi_class = False
        return tags

    # ---- fitting -------------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> Scorecard:
        """Bin every feature, fit the logistic regression on WoE and scale it to points."""
        frame, checked = as_frame(X, fitting=True)
        validate_data(self, checked, reset=True, skip_check_array=True)
        self.classes_, bad = binary_target(y, len(frame), self.bad_label)
        check_positive("base_odds", self.base_odds)
        check_positive("pdo", self.pdo)
        check_positive("C", self.C)
        features = _names(self, frame)
        check_features(features, list(self.audit_only or ()))
        self.dimensions_ = check_dimensions(self.dimensions, features)
        check_known("actionable", self.actionable, features)
        check_known("descriptions", self.descriptions, features)
        for feature, template in (self.descriptions or {}).items():
            rs.check_template(feature, template)

        kinds = [feature_kind(frame.iloc[:, j]) for j in range(len(features))]
        self.directions_ = check_directions(self.directions, features, kinds)
        bins = []
        contradicted = []
        for j, (name, kind) in enumerate(zip(features, kinds, strict=True)):
            col = frame.iloc[:, j]
            values = numeric_values(col) if kind == NUMERICAL else categorical_values(col)
            if kind == NUMERICAL:
                check_fit_range(name, values)
            direction = self.directions_[name]
            bins.append(
                fit_bins(
                    name,
                    kind,
                    values,
                    bad,
                    monotonic_trend=self.monotonic_trend,
                    min_bin_size=self.min_bin_size,
                    max_n_bins=self.max_n_bins,
                    direction=direction,
                )
            )
            if kind == NUMERICAL and (note := contradiction(name, direction, values, bad)):
                contradicted.append(note)
        self.contradicted_ = contradicted
        index = np.column_stack([fb.assign(_column(fb, frame, j)) for j, fb in enumerate(bins)])
        directed = np.array([self.directions_[f] != LEARN for f in features])
        patterns = collapse(index, [fb.n_bins for fb in bins], bad)
        if patterns is not None and len(patterns[0]) < len(frame) // 2:
            rows, n_bad, n_good = patterns
            keep = np.concatenate([n_bad > 0, n_good > 0])
            woe = np.column_stack([fb.woe[rows[:, j]] for j, fb in enumerate(bins)])
            self.coef_, self.intercept_, self.n_iter_ = fit_logistic(
                np.vstack([woe, woe])[keep],
                np.concatenate([np.ones(len(rows)), np.zeros(len(rows))])[keep],
                C=float(self.C),
                max_iter=int(self.max_iter),
                nonpositive=directed,
                weight=np.concatenate([n_bad, n_good])[keep],
            )
        else:
            woe = np.column_stack([fb.woe[index[:, j]] for j, fb in enumerate(bins)])
            self.coef_, self.intercept_, self.n_iter_ = fit_logistic(
                woe, bad, C=float(self.C), max_iter=int(self.max_iter), nonpositive=directed
            )
        factor, offset = factor_offset(float(self.base_score), float(self.base_odds), self.pdo)
        for j, fb in enumerate(bins):
            fb.points = bin_points(fb.woe, float(self.coef_[0, j]), factor)
        self.intercept_points_ = intercept_points(float(self.intercept_[0]), factor, offset)
        self.bins_: list[FeatureBins] = bins
        self.features_ = features
        self.descriptions_ = dict(self.descriptions or {})
        self.actionable_ = sorted(self.actionable or ())
        self.scaling_ = {
            "base_score": float(self.base_score),
            "base_odds": float(self.base_odds),
            "pdo": float(self.pdo),
            "factor": factor,
            "offset": offset,
        }
        p_bad = self._p_bad(index)
        train_scores = clip_scores(self.intercept_points_ + self._points(index).sum(axis=1))
        self.training_ = {
            "n": len(frame),
            "bad_rate": float(bad.mean()),
            "fitted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **discrimination(bad, p_bad),
            "score_distribution": score_distribution(train_scores),
            "directions_contradicted": contradicted,
        }
        return self

    # ---- predicting ----------------------------------------------------------------------

    def bin_index(self, X: Any) -> np.ndarray:
        """Bin of every feature for every row (rows x features), vectorised."""
        check_is_fitted(self)
        frame, checked = as_frame(X, fitting=False)
        validate_data(self, checked, reset=False, skip_check_array=True)
        return self._index_of(frame)

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of the bad class (``classes_[1]``) from the unrounded model."""
        return self._logit(self.bin_index(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of ``classes_[0]`` (good) and ``classes_[1]`` (bad)."""
        p_bad = self._p_bad(self.bin_index(X))
        return np.column_stack([1 - p_bad, p_bad])

    def predict(self, X: Any) -> np.ndarray:
        """Most likely class of each row."""
        logit = self.decision_function(X)
        return self.classes_[(logit > 0).astype(np.intp)]

    def points(self, X: Any) -> np.ndarray:
        """Integer points of every feature for every row (rows x features)."""
        index = self.bin_index(X)
        return self._points(index)

    def credit_score(self, X: Any) -> np.ndarray:
        """Integer score 350–950 of each row: intercept + feature points, clipped.

        The fast path for batch scoring: one ``searchsorted`` or hash look-up and one ``take``
        per feature, accumulated without building a rows x features matrix.
        """
        check_is_fitted(self)
        frame, checked = as_frame(X, fitting=False)
        validate_data(self, checked, reset=False, skip_check_array=True)
        raw = np.full(len(frame), self.intercept_points_, dtype=np.int64)
        for j, fb in enumerate(self.bins_):
            raw += fb.points[fb.assign(_column(fb, frame, j))]
        return clip_scores(raw)

    def breakdown(self, X: Any) -> pd.DataFrame:
        """Per-row points by feature, ``intercept``, ``clip_adjustment`` and ``score``.

        The columns other than ``score`` add up to ``score`` exactly; ``clip_adjustment`` is
        non-zero only when the summed points fall outside 350–950.
        """
        pts = self.points(X)
        raw = self.intercept_points_ + pts.sum(axis=1)
        score = clip_scores(raw)
        out = pd.DataFrame(pts, columns=self.features_)
        out["intercept"] = self.intercept_points_
        out["clip_adjustment"] = score - raw
        out["score"] = score
        return out

    def dimension_scores(self, X: Any) -> pd.DataFrame:
        """0–100 sub-score per dimension (nullable integers; missing when it has no features)."""
        subs = rs.dimension_scores(self.points(X), self.bins_, self.dimensions_, DIMENSIONS)
        n = len(next((v for v in subs.values() if v is not None), np.zeros(0)))
        return pd.DataFrame(
            {
                d: pd.array(v if v is not None else [None] * n, dtype="Int64")
                for d, v in subs.items()
            }
        )

    def explain_columns(self, X: Any) -> Explanations:
        """Every row's explanation as columns (``explainer.Explanations``): NumPy arrays of
        score, band, dimension sub-scores, the top reasons (feature, bin, points lost) and the
        what-if plan id, over tables built once per model; ``row(i)`` or ``to_records()``
        give ``explain_frame``'s dicts, for the rows a caller reads.

        Gathered from the bin indices (see ``explainer``): points lost per feature are the
        feature's best points less the row's, the top reasons come from one stable sort
        (largest first, ties in feature order) and rows with the same actionable bins and
        points share one what-if plan. A frame of up to ``SMALL`` rows (one subject) is read
        and binned value by value in plain Python.
        """
        check_is_fitted(self)
        frame, checked = as_frame(X, fitting=False)
        validate_data(self, checked, reset=False, skip_check_array=True)
        cols = [col for _, col in frame.items()]
        index = None if len(frame) <= SMALL else self._index_of(frame, cols)
        return explainer_for(self).columns(cols, index)

    def explain_frame(self, X: Any) -> list[dict[str, Any]]:
        """Score, band, dimension sub-scores, four reasons, counterfactual and points per row:
        ``explain_columns(X).to_records()`` (one dict per row, about 27 containers each; a
        caller that reads a few rows or columns is faster with ``explain_columns``)."""
        return self.explain_columns(X).to_records()

    def explain(self, X_row: Any) -> dict[str, Any]:
        """``explain_frame`` for one subject: a one-row frame, a Series or a dict of values."""
        if isinstance(X_row, Mapping):
            X_row = pd.DataFrame([dict(X_row)])
        elif isinstance(X_row, pd.Series):
            X_row = X_row.to_frame().T.infer_objects()
        elif not isinstance(X_row, pd.DataFrame):
            X_row = np.asarray(X_row, dtype=object).reshape(1, -1)
        explained = self.explain_frame(X_row)
        if len(explained) != 1:
            raise ScoringInputError(f"explain takes one subject, got {len(explained)} rows")
        return explained[0]

    # ---- internals -----------------------------------------------------------------------

    def _index_of(self, frame: pd.DataFrame, cols: list[pd.Series] | None = None) -> np.ndarray:
        if len(frame) == 0:
            return np.zeros((0, len(self.bins_)), dtype=np.intp)
        if cols is None:
            cols = [col for _, col in frame.items()]
        return np.column_stack(
            [
                fb.assign(_numbers(col) if fb.kind == NUMERICAL else col)
                for fb, col in zip(self.bins_, cols, strict=True)
            ]
        )

    def _points(self, index: np.ndarray) -> np.ndarray:
        if index.shape[0] == 0:
            return np.zeros(index.shape, dtype=np.int64)
        return np.column_stack([fb.points[index[:, j]] for j, fb in enumerate(self.bins_)])

    def _logit(self, index: np.ndarray) -> np.ndarray:
        logit = np.full(index.shape[0], float(self.intercept_[0]))
        for j, fb in enumerate(self.bins_):
            logit += float(self.coef_[0, j]) * fb.woe[index[:, j]]
        return logit

    def _p_bad(self, index: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self._logit(index)))


def _names(est: Scorecard, frame: pd.DataFrame) -> list[str]:
    names = getattr(est, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    return [f"x{i}" for i in range(frame.shape[1])]


def _column(fb: FeatureBins, frame: pd.DataFrame, j: int) -> Any:
    col = frame.iloc[:, j]
    return numeric_values(col) if fb.kind == NUMERICAL else col


def _numbers(col: pd.Series) -> np.ndarray:
    """``numeric_values`` for binning, without its missing-value pass on NumPy number columns."""
    if col.dtype == np.float64 or col.dtype == np.int64:
        x = col.to_numpy().astype(np.float64, copy=False)  # read, never written
        if not np.isinf(x).any():
            return x
    return numeric_values(col)  # converts the rest, and refuses inf naming the column


_collector_paused = collector_paused
_value = value_of


def what_would_raise(scorecard: Scorecard, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What would raise one subject's score to the next band: the one list every page shows.

    ``values`` are the subject's feature values as published with its score. Only actionable
    features appear, each moved in its better direction to a bin seen in training, with the
    points it gives (``points_gained``), the score and band it alone would reach, and
    ``band_after`` once every listed move is made. Empty when already excellent. Plain values
    (numbers, text, None) are binned without pandas; any other goes through a one-row frame.
    """
    check_is_fitted(scorecard)
    plan = explainer_for(scorecard).what_would_raise(values)
    if plan is not None:
        return plan
    row = pd.DataFrame([{name: values.get(name) for name in scorecard.features_}])
    kinds = {fb.name: fb.kind for fb in scorecard.bins_}
    for name in scorecard.features_:
        if kinds[name] == NUMERICAL:
            row[name] = pd.to_numeric(row[name], errors="coerce").astype("float64")
    return list(scorecard.explain(row)["counterfactual"])
