"""Pure scoring functions: bands, scaling, bin assignment, reasons, counterfactual, sub-scores."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from credo.errors import InvalidInput
from credo.scoring import Scorecard, band
from credo.scoring.binning import FeatureBins
from credo.scoring.reasons import counterfactual, dimension_scores, top_reasons
from credo.scoring.scaling import factor_offset, next_band_floor
from credo.scoring.validation import CATEGORICAL, NUMERICAL


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (350, "poor"),
        (549, "poor"),
        (550, "fair"),
        (599, "fair"),
        (600, "good"),
        (649, "good"),
        (650, "very good"),
        (699, "very good"),
        (700, "excellent"),
        (950, "excellent"),
    ],
)
def test_band_boundaries(score, expected):
    assert band(score) == expected


@pytest.mark.parametrize("score", [349, 951])
def test_band_refuses_out_of_range(score):
    with pytest.raises(InvalidInput, match=str(score)):
        band(score)


def test_next_band_floor():
    assert next_band_floor(420) == 550
    assert next_band_floor(649) == 650
    assert next_band_floor(700) is None


def test_scaling_base_score_at_base_odds_and_pdo_doubles_odds():
    factor, offset = factor_offset(600, 50, 20)
    # score = offset + factor * ln(good:bad odds)
    assert offset + factor * math.log(50) == pytest.approx(600)
    assert offset + factor * math.log(100) == pytest.approx(620)


def _numeric_bins(points):
    fb = FeatureBins(name="late_payments", kind=NUMERICAL, splits=[1.0, 3.0])
    fb.points = np.array(points, dtype=np.int64)
    fb.n_good = np.array([50, 30, 10, 0])
    fb.n_bad = np.array([5, 10, 15, 0])
    return fb


def test_numeric_bins_are_right_open_with_missing_last():
    fb = _numeric_bins([30, 10, -20, 0])
    idx = fb.assign(np.array([0.0, 1.0, 2.99, 3.0, 7.0, np.nan]))
    assert idx.tolist() == [0, 1, 1, 2, 2, 3]
    assert [fb.label(i) for i in range(4)] == ["(-inf, 1)", "[1, 3)", "[3, inf)", "missing"]


def test_categorical_unseen_and_missing_go_to_missing_bin():
    fb = FeatureBins(name="housing", kind=CATEGORICAL, categories=[["own"], ["rent", "free"]])
    idx = fb.assign(pd.Series(["own", "free", "castle", None, "rent"]))
    assert idx.tolist() == [0, 1, 2, 2, 1]


def test_reasons_ordered_by_points_lost_with_templates():
    a = _numeric_bins([30, 10, -20, 0])
    b = FeatureBins(name="housing", kind=CATEGORICAL, categories=[["own"], ["rent"]])
    b.points = np.array([5, -5, 0])
    got = top_reasons(
        [a, b], [4.0, "rent"], [2, 1], {"late_payments": "{value} repayments late"}, n=4
    )
    assert [r["feature"] for r in got] == ["late_payments", "housing"]
    assert [r["points_lost"] for r in got] == [50, 10]
    assert got[0]["text"] == "4 repayments late"
    assert "rent" in got[1]["text"] and "10 points" in got[1]["text"]


def test_counterfactual_prefers_fewest_then_smallest_changes():
    a = _numeric_bins([30, 10, -20, 0])  # from bin 2: +30 to bin 1, +50 to bin 0
    b = FeatureBins(name="housing", kind=CATEGORICAL, categories=[["own"], ["rent"]])
    b.points = np.array([25, -5, 0])
    b.n_good, b.n_bad = np.array([10, 10, 0]), np.array([1, 5, 0])
    # raw 520 -> next band at 550 needs +30: one change to bin 1 (+30) beats bin 0 (+50)
    got = counterfactual([a, b], [2, 1], 520, 520, {"late_payments", "housing"})
    assert [(c["feature"], c["to_bin"], c["points_gained"]) for c in got] == [
        ("late_payments", 1, 30)
    ]
    assert not any(mark in c["text"] for c in got for mark in ("[", ")", "inf"))
    # needs +70: two changes
    got = counterfactual([a, b], [2, 1], 480, 480, {"late_payments", "housing"})
    assert sum(c["points_gained"] for c in got) >= 70 and len(got) == 2
    # not actionable or already excellent: nothing to suggest
    assert counterfactual([a, b], [2, 1], 520, 520, set()) == []
    assert counterfactual([a, b], [0, 0], 720, 720, {"late_payments"}) == []


def test_dimension_scores_scale_and_null_for_empty():
    a = _numeric_bins([30, 10, -20, 0])
    pts = np.array([[30], [-20], [10]])
    got = dimension_scores(pts, [a], {"late_payments": "history"}, ["history", "identity"])
    assert got["history"].tolist() == [100, 0, 60]
    assert got["identity"] is None


def _toy(n=60):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.choice(["x", "y"], size=n)})
    y = (X["a"] + rng.normal(scale=0.5, size=n) > 0).astype(int)
    return X, y


def test_y_not_binary_names_classes():
    X, _ = _toy()
    with pytest.raises(InvalidInput, match=r"3 classes: 0, 1, 2"):
        Scorecard().fit(X, np.arange(len(X)) % 3)
    with pytest.raises(InvalidInput, match="only one class: 1"):
        Scorecard().fit(X, np.ones(len(X), dtype=int))


def test_empty_x_refused():
    with pytest.raises(InvalidInput, match="0 sample"):
        Scorecard().fit(pd.DataFrame({"a": []}), [])
    with pytest.raises(InvalidInput, match="0 feature"):
        Scorecard().fit(np.empty((5, 0)), [0, 1, 0, 1, 0])


def test_unknown_dimension_and_feature_named():
    X, y = _toy()
    with pytest.raises(InvalidInput, match="'social'"):
        Scorecard(dimensions={"a": "social"}).fit(X, y)
    with pytest.raises(InvalidInput, match="'nope'"):
        Scorecard(dimensions={"nope": "history"}).fit(X, y)
    with pytest.raises(InvalidInput, match="'zz'"):
        Scorecard(actionable={"zz"}).fit(X, y)
    with pytest.raises(InvalidInput, match="'a'"):
        Scorecard(descriptions={"a": "{val} late"}).fit(X, y)


def test_inf_and_wrong_length_refused():
    X, y = _toy()
    bad = X.copy()
    bad.loc[0, "a"] = np.inf
    with pytest.raises(InvalidInput, match="'a' contains inf"):
        Scorecard().fit(bad, y)
    with pytest.raises(InvalidInput, match="59 values"):
        Scorecard().fit(X, y[:-1])


def test_missing_values_get_their_own_bin():
    X, y = _toy(200)
    X.loc[::7, "a"] = np.nan
    X.loc[::5, "b"] = None
    sc = Scorecard().fit(X, y)
    idx = sc.bin_index(X)
    assert (idx[X["a"].isna().to_numpy(), 0] == sc.bins_[0].missing_bin).all()
    assert (idx[X["b"].isna().to_numpy(), 1] == sc.bins_[1].missing_bin).all()
    assert sc.bins_[0].n_good[-1] + sc.bins_[0].n_bad[-1] == X["a"].isna().sum()


def test_category_dtype_and_unseen_category():
    X, y = _toy(200)
    X["b"] = X["b"].astype("category")
    sc = Scorecard().fit(X, y)
    assert sc.bins_[1].kind == CATEGORICAL
    new = X.head(3).copy()
    new["b"] = pd.Categorical(["z", "x", "y"])
    assert sc.bin_index(new)[0, 1] == sc.bins_[1].missing_bin
