"""Versioned JSON for scorecards (never pickle), and the plain bin tables other teams compile.

Document layout (``version`` 1)::

    {"format": "credo-scorecard", "version": 1,
     "score_range": [350, 950], "intercept_points": 511,
     "features": [{"name", "kind", "dimension", "description", "actionable", "coef",
                   "bins": [{"index", "label", "left", "right" | "categories", "missing",
                             "points", "woe", "n_good", "n_bad"}, ...]}, ...],
     "model": {"intercept", "classes", "feature_names_in", "n_iter"},
     "scaling": {"base_score", "base_odds", "pdo", "factor", "offset"},
     "params": {...}, "training": {"n", "bad_rate", "fitted_at", "auc", "ks", "gini"},
     "libraries": {...}}

Numerical bins are right-open ``[left, right)``; ``null`` is an unbounded side. The last bin of
every feature is the missing bin (``"missing": true``), which also takes unseen categories.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from credo.scoring.binning import FeatureBins
from credo.scoring.scaling import SCORE_MAX, SCORE_MIN
from credo.scoring.validation import NUMERICAL, ScoringInputError

if TYPE_CHECKING:
    from credo.scoring.scorecard import Scorecard

FORMAT = "credo-scorecard"
FORMAT_VERSION = 1


def _bins(fb: FeatureBins) -> list[dict[str, Any]]:
    rows = []
    for i in range(fb.n_bins):
        row: dict[str, Any] = {"index": i, "label": fb.label(i), "missing": i == fb.missing_bin}
        if i != fb.missing_bin:
            if fb.kind == NUMERICAL:
                row["left"], row["right"] = fb.bounds(i)
            else:
                row["categories"] = list(fb.categories[i])
        row.update(
            points=int(fb.points[i]),
            woe=float(fb.woe[i]),
            n_good=int(fb.n_good[i]),
            n_bad=int(fb.n_bad[i]),
        )
        rows.append(row)
    return rows


def bin_table(sc: Scorecard) -> dict[str, Any]:
    """Per feature, its ordered bins with bounds or categories and integer points.

    ``score = clip(intercept_points + sum of each feature's bin points, 350, 950)``.
    """
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "score_range": [SCORE_MIN, SCORE_MAX],
        "intercept_points": int(sc.intercept_points_),
        "features": [
            {
                "name": fb.name,
                "kind": fb.kind,
                "dimension": sc.dimensions_[fb.name],
                "description": sc.descriptions_.get(fb.name),
                "actionable": fb.name in sc.actionable_,
                "coef": float(sc.coef_[0, j]),
                "bins": _bins(fb),
            }
            for j, fb in enumerate(sc.bins_)
        ],
    }


def to_dict(sc: Scorecard) -> dict[str, Any]:
    """The fitted scorecard as JSON-ready data (format ``credo-scorecard``, version 1)."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(sc)
    params = sc.get_params()
    params["actionable"] = sorted(params["actionable"] or []) or None
    params["dimensions"] = dict(params["dimensions"]) if params["dimensions"] else None
    params["descriptions"] = dict(params["descriptions"]) if params["descriptions"] else None
    return {
        **bin_table(sc),
        "model": {
            "intercept": float(sc.intercept_[0]),
            "classes": np.asarray(sc.classes_).tolist(),
            "feature_names_in": hasattr(sc, "feature_names_in_"),
            "n_iter": int(sc.n_iter_[0]),
        },
        "scaling": dict(sc.scaling_),
        "params": params,
        "training": dict(sc.training_),
        "libraries": {name: _version(name) for name in ("credo", "optbinning", "scikit-learn")},
    }


def from_dict(data: Mapping[str, Any]) -> Scorecard:
    """Rebuild a fitted scorecard; refuses other formats and unknown versions."""
    from credo.scoring.scorecard import Scorecard

    if data.get("format") != FORMAT:
        raise ScoringInputError(f"not a credo scorecard: format is {data.get('format')!r}")
    if data.get("version") != FORMAT_VERSION:
        raise ScoringInputError(
            f"unknown scorecard format version {data.get('version')!r}; "
            f"this credo reads version {FORMAT_VERSION}"
        )
    params = dict(data["params"])
    if params.get("actionable") is not None:
        params["actionable"] = set(params["actionable"])
    sc = Scorecard(**params)
    bins = []
    for feat in data["features"]:
        regular = [b for b in feat["bins"] if not b["missing"]]
        fb = FeatureBins(name=feat["name"], kind=feat["kind"])
        if fb.kind == NUMERICAL:
            fb.splits = [float(b["left"]) for b in regular[1:]]
        else:
            fb.categories = [list(b["categories"]) for b in regular]
        fb.points = np.array([b["points"] for b in feat["bins"]], dtype=np.int64)
        fb.woe = np.array([b["woe"] for b in feat["bins"]], dtype=np.float64)
        fb.n_good = np.array([b["n_good"] for b in feat["bins"]], dtype=np.int64)
        fb.n_bad = np.array([b["n_bad"] for b in feat["bins"]], dtype=np.int64)
        bins.append(fb)
    names = [f["name"] for f in data["features"]]
    sc.bins_ = bins
    sc.features_ = names
    sc.n_features_in_ = len(names)
    if data["model"]["feature_names_in"]:
        sc.feature_names_in_ = np.asarray(names, dtype=object)
    sc.classes_ = np.asarray(data["model"]["classes"])
    sc.coef_ = np.array([[f["coef"] for f in data["features"]]], dtype=np.float64)
    sc.intercept_ = np.array([data["model"]["intercept"]], dtype=np.float64)
    sc.intercept_points_ = int(data["intercept_points"])
    sc.n_iter_ = np.array([data["model"]["n_iter"]], dtype=np.int32)
    sc.dimensions_ = {f["name"]: f["dimension"] for f in data["features"]}
    sc.descriptions_ = {f["name"]: f["description"] for f in data["features"] if f["description"]}
    sc.actionable_ = sorted(f["name"] for f in data["features"] if f["actionable"])
    sc.scaling_ = dict(data["scaling"])
    sc.training_ = dict(data["training"])
    return sc


def dumps(sc: Scorecard) -> str:
    """The scorecard as JSON text."""
    return json.dumps(to_dict(sc), indent=1, allow_nan=False, ensure_ascii=False)


def loads(text: str) -> Scorecard:
    """A scorecard from JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScoringInputError(f"scorecard file is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ScoringInputError(f"scorecard JSON must be an object, got {type(data).__name__}")
    return from_dict(data)


def save(sc: Scorecard, path: str | Path) -> None:
    """Write the scorecard to ``path`` as JSON."""
    Path(path).write_text(dumps(sc), encoding="utf-8")


def load(path: str | Path) -> Scorecard:
    """Read a scorecard written by ``save``."""
    return loads(Path(path).read_text(encoding="utf-8"))


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None
