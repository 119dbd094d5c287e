"""explain_frame (vectorised over bin indices) gives exactly what the per-row loop gave."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest

from credo.scoring import Scorecard
from credo.scoring import reasons as rs
from credo.scoring.scaling import band, clip_scores
from credo.scoring.scorecard import _value, what_would_raise
from credo.scoring.validation import DIMENSIONS, as_frame
from tests.scoring import test_reasons_render


@pytest.fixture(scope="module")
def registry_card() -> Scorecard:
    """The registry-shaped scorecard of the reason-rendering tests (issue 15)."""
    return test_reasons_render.registry_card.__wrapped__()  # type: ignore[attr-defined]


def reference_explain_frame(sc: Scorecard, X: Any) -> list[dict[str, Any]]:
    """The per-row explain_frame as it was before it was vectorised (issue 21)."""
    frame, _ = as_frame(X, fitting=False)
    index = sc.bin_index(X)
    pts = sc._points(index)
    raw = sc.intercept_points_ + pts.sum(axis=1)
    scores = clip_scores(raw)
    subs = rs.dimension_scores(pts, sc.bins_, sc.dimensions_, DIMENSIONS)
    actionable = set(sc.actionable_)
    units = {
        name: t.get("unit", "number")
        for name, t in sc.descriptions_.items()
        if isinstance(t, Mapping)
    }
    out = []
    for i in range(len(frame)):
        values = [_value(frame.iat[i, j]) for j in range(len(sc.bins_))]
        score = int(scores[i])
        out.append(
            {
                "score": score,
                "band": band(score),
                "dimensions": {d: (None if v is None else int(v[i])) for d, v in subs.items()},
                "reasons": rs.top_reasons(sc.bins_, values, index[i], sc.descriptions_),
                "counterfactual": rs.counterfactual(
                    sc.bins_,
                    index[i],
                    int(raw[i]),
                    score,
                    actionable,
                    getattr(sc, "directions_", None),
                    units,
                ),
                "points": {
                    fb.name: {"value": v, "bin": fb.label(b), "points": int(p)}
                    for fb, v, b, p in zip(sc.bins_, values, index[i], pts[i], strict=True)
                },
                "intercept": sc.intercept_points_,
                "clip_adjustment": score - int(raw[i]),
            }
        )
    return out


def _typed(explained: list[dict[str, Any]]) -> list[Any]:
    """The output with the type of every leaf, so 1 and 1.0 and True are told apart."""

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return (type(x).__name__, x)

    return walk(explained)


def _random_rows(sc: Scorecard, source: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """Rows drawn column by column from ``source`` and from bin examples, with missing values."""
    rng = np.random.default_rng(seed)
    cols = {}
    for fb in sc.bins_:
        col = source[fb.name]
        drawn = col.iloc[rng.integers(0, len(col), n)].reset_index(drop=True)
        examples = pd.Series([fb.example(int(b)) for b in rng.integers(0, fb.n_bins, n)])
        pick = rng.random(n) < 0.3
        merged = drawn.astype(object).where(~pick, examples.astype(object))
        merged = merged.where(rng.random(n) >= 0.1, None)  # missing values
        if pd.api.types.is_numeric_dtype(col):
            merged = pd.to_numeric(merged, errors="coerce").astype("float64")
        cols[fb.name] = merged
    return pd.DataFrame(cols)


def test_vectorised_explain_frame_is_identical_on_the_german_card(fitted, split) -> None:
    X = _random_rows(fitted, split["X_train"], 3000, seed=21)
    assert X.isna().any().all()  # every feature has missing values
    new = fitted.explain_frame(X)
    old = reference_explain_frame(fitted, X)
    assert len(new) == 3000
    assert _typed(new) == _typed(old)
    assert sum(bool(e["counterfactual"]) for e in new) > 100
    assert sum(len(e["reasons"]) == 4 for e in new) > 1000


def test_vectorised_explain_frame_is_identical_on_the_registry_card(registry_card) -> None:
    sc = registry_card
    rng = np.random.default_rng(4)
    n = 4000
    X = pd.DataFrame(
        {
            fb.name: np.where(
                rng.random(n) < 0.15,
                np.nan,
                [
                    float(fb.example(int(b)) or 0) + rng.random()
                    for b in rng.integers(0, fb.n_bins - 1, n)
                ],
            )
            for fb in sc.bins_
        }
    )
    X.iloc[::7] = np.rint(X.iloc[::7])  # whole numbers, zero and one for those templates
    new = sc.explain_frame(X)
    old = reference_explain_frame(sc, X)
    assert _typed(new) == _typed(old)
    assert any(e["counterfactual"] for e in new)
    texts = {r["text"] for e in new for r in e["reasons"]}
    assert len(texts) > 50  # sentences carry the value, not just the bin


def test_one_row_explain_and_what_would_raise_agree_with_the_reference(fitted, split) -> None:
    X = split["X_test"].head(40)
    for i in range(len(X)):
        row = X.iloc[[i]]
        assert _typed([fitted.explain(row)]) == _typed(reference_explain_frame(fitted, row))
        values = {k: _value(v) for k, v in X.iloc[i].items()}
        expected = reference_explain_frame(fitted, row)[0]["counterfactual"]
        assert what_would_raise(fitted, values) == expected


def test_rows_sharing_a_plan_get_their_own_copies(fitted, split) -> None:
    X = pd.concat([split["X_test"].head(1)] * 3, ignore_index=True)
    a, b, _ = fitted.explain_frame(X)
    assert a["counterfactual"] == b["counterfactual"]
    if a["counterfactual"]:
        a["counterfactual"][0]["points_gained"] = -1
        assert b["counterfactual"][0]["points_gained"] != -1


def test_empty_frame_explains_to_nothing(fitted, split) -> None:
    assert fitted.explain_frame(split["X_test"].head(0)) == []
