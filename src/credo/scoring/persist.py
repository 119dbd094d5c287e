"""Versioned JSON for scorecards (never pickle), and the plain bin tables other teams compile.

Document layout (``version`` 2; version 1 files, without directions, are still read)::

    {"format": "credo-scorecard", "version": 2,
     "score_range": [350, 950], "intercept_points": 511,
     "features": [{"name", "kind", "dimension", "description", "actionable", "direction", "coef",
                   "bins": [{"index", "label", "left", "right" | "categories", "missing",
                             "points", "woe", "n_good", "n_bad"}, ...]}, ...],
     "model": {"intercept", "classes", "feature_names_in", "n_iter"},
     "scaling": {"base_score", "base_odds", "pdo", "factor", "offset"},
     "params": {...}, "training": {"n", "bad_rate", "fitted_at", "auc", "ks", "gini"},
     "libraries": {...}, "directions_signature": {feature: sha256}}

``directions_signature`` maps each feature to a SHA-256 over its name, direction and bin points:
a file whose directions were edited by hand is refused on load, naming the feature.

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
from credo.scoring.directions import DIRECTIONS, LEARN, check_points_follow, signature
from credo.scoring.scaling import SCORE_MAX, SCORE_MIN
from credo.scoring.validation import NUMERICAL, ScoringInputError

if TYPE_CHECKING:
    from credo.scoring.scorecard import Scorecard

FORMAT = "credo-scorecard"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)


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
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(sc)
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
                "direction": sc.directions_.get(fb.name, LEARN),
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
    params["directions"] = dict(params["directions"]) if params["directions"] else None
    params["audit_only"] = sorted(params["audit_only"]) if params["audit_only"] else None
    if isinstance(params["bad_label"], np.generic):
        params["bad_label"] = params["bad_label"].item()
    table = bin_table(sc)
    return {
        **table,
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
        "directions_signature": signature(table["features"]),
    }


def from_dict(data: Mapping[str, Any]) -> Scorecard:
    """Rebuild a fitted scorecard; refuses other formats and unknown versions."""
    from credo.scoring.scorecard import Scorecard

    if data.get("format") != FORMAT:
        raise ScoringInputError(f"not a credo scorecard: format is {data.get('format')!r}")
    if data.get("version") not in READABLE_VERSIONS:
        raise ScoringInputError(
            f"unknown scorecard format version {data.get('version')!r}; "
            f"this credo reads versions {', '.join(map(str, READABLE_VERSIONS))}"
        )
    _check_directions(data)
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
    sc.directions_ = {f["name"]: f.get("direction", LEARN) for f in data["features"]}
    sc.contradicted_ = list(data["training"].get("directions_contradicted", []))
    sc.scaling_ = dict(data["scaling"])
    sc.training_ = dict(data["training"])
    return sc


def _check_directions(data: Mapping[str, Any]) -> None:
    """Refuse a file whose directions or points were edited: naming the feature that moved."""
    features = data.get("features") or []
    if data.get("version") == 1:
        if any("direction" in f for f in features):
            raise ScoringInputError("version 1 scorecard files have no directions; refit")
        return
    for f in features:
        direction = f.get("direction")
        if direction not in DIRECTIONS:
            raise ScoringInputError(
                f"model file: feature {f.get('name')!r} has direction {direction!r}; "
                f"use one of {', '.join(DIRECTIONS)}",
                details=[{"field": str(f.get("name")), "value": str(direction)}],
            )
        regular = [b["points"] for b in f["bins"] if not b["missing"]]
        check_points_follow(f["name"], direction, regular, len(regular))
    stored = data.get("directions_signature") or {}
    for name, digest in signature(features).items():
        if stored.get(name) != digest:
            raise ScoringInputError(
                f"model file: the direction or points of feature {name!r} do not match the "
                "signature written at fit time; the file was edited by hand, refit the model",
                details=[{"field": name}],
            )
    missing = sorted(set(stored) - {str(f["name"]) for f in features})
    if missing:
        raise ScoringInputError(
            f"model file: feature {missing[0]!r} was removed after the fit; refit the model",
            details=[{"field": missing[0]}],
        )
    params = data.get("params") or {}
    declared = params.get("directions")
    if declared:
        for f in features:
            if declared.get(f["name"]) != f["direction"]:
                raise ScoringInputError(
                    f"model file: feature {f['name']!r} has direction {f['direction']!r} but the "
                    f"fit declared {declared.get(f['name'])!r}; the file was edited, refit it",
                    details=[{"field": f["name"], "value": f["direction"]}],
                )


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
