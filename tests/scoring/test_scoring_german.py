"""The scorecard on the German credit data: accuracy, points, reasons, what-if, JSON, card."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from credo.errors import InvalidInput
from credo.scoring import (
    BANDS,
    DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    Scorecard,
    band,
    bin_table,
    dumps,
    loads,
    model_card,
)

BAND_ORDER = [name for _, name in reversed(BANDS)]


def test_holdout_auc(fitted, split):
    p_bad = fitted.predict_proba(split["X_test"])[:, 1]
    auc = roc_auc_score(split["y_test"], p_bad)
    score_auc = roc_auc_score(split["y_test"], -fitted.credit_score(split["X_test"]))
    print(f"German hold-out AUC, seed 0: probability {auc:.4f}, integer score {score_auc:.4f}")
    assert auc >= 0.74
    assert score_auc >= 0.74


def test_audit_only_attributes_are_not_features(fitted, split):
    assert len(split["audit_test"].columns) == 3
    assert not set(split["audit_test"].columns) & set(fitted.features_)


def test_points_add_up_to_score(fitted, split):
    bd = fitted.breakdown(split["X_test"])
    parts = bd.drop(columns=["score"]).sum(axis=1)
    assert (parts == bd["score"]).all()
    assert (bd["score"].to_numpy() == fitted.credit_score(split["X_test"])).all()
    assert bd["score"].between(SCORE_MIN, SCORE_MAX).all()
    assert all(np.issubdtype(np.asarray(fb.points).dtype, np.integer) for fb in fitted.bins_)


def test_clipping_reported_as_adjustment(split):
    wide = Scorecard(pdo=400).fit(split["X_train"], split["y_train"])
    bd = wide.breakdown(split["X_test"])
    raw = bd.drop(columns=["score", "clip_adjustment"]).sum(axis=1)
    assert (raw < SCORE_MIN).any() or (raw > SCORE_MAX).any()
    assert bd["score"].between(SCORE_MIN, SCORE_MAX).all()
    assert (raw + bd["clip_adjustment"] == bd["score"]).all()
    clipped = bd["clip_adjustment"] != 0
    assert bd.loc[clipped, "score"].isin([SCORE_MIN, SCORE_MAX]).all()
    row = split["X_test"].iloc[[int(np.flatnonzero(clipped.to_numpy())[0])]]
    e = wide.explain(row)
    total = e["intercept"] + e["clip_adjustment"] + sum(p["points"] for p in e["points"].values())
    assert total == e["score"]


def test_numerical_points_monotonic(fitted):
    numerical = [fb for fb in fitted.bins_ if fb.kind == "numerical" and len(fb.splits) > 1]
    assert numerical
    for fb in numerical:
        diffs = np.diff(fb.points[:-1])  # regular bins, missing bin excluded
        assert (diffs >= 0).all() or (diffs <= 0).all(), fb.name


def test_explain_reasons_are_four_sentences_by_points_lost(fitted, split):
    explained = fitted.explain_frame(split["X_test"].head(50))
    for e in explained:
        assert e["band"] == band(e["score"])
        lost = [r["points_lost"] for r in e["reasons"]]
        assert lost == sorted(lost, reverse=True) and all(x > 0 for x in lost)
        assert len(e["reasons"]) <= 4
        assert all(r["text"] and isinstance(r["text"], str) for r in e["reasons"])
        assert set(e["dimensions"]) == set(DIMENSIONS)
        for v in e["dimensions"].values():
            assert v is None or 0 <= v <= 100
    assert sum(len(e["reasons"]) == 4 for e in explained) >= 40
    by_template = [
        r
        for e in explained
        for r in e["reasons"]
        if r["feature"] == "duration_in_month" and r["points_lost"] > 0
    ]
    assert by_template
    for r in by_template:
        value = r["value"]
        assert r["text"] == fitted.descriptions_["duration_in_month"].format(value=value)


def test_counterfactual_lifts_band_when_applied(fitted, split):
    X = split["X_test"]
    explained = fitted.explain_frame(X)
    checked = 0
    for i, e in enumerate(explained):
        if not e["counterfactual"]:
            continue
        row = X.iloc[[i]].copy()
        for change in e["counterfactual"]:
            assert change["feature"] in fitted.actionable_
            row[change["feature"]] = change["to_example"]
        new = int(fitted.credit_score(row)[0])
        assert BAND_ORDER.index(band(new)) > BAND_ORDER.index(e["band"]), (e, new)
        gained = sum(c["points_gained"] for c in e["counterfactual"])
        assert new == min(e["score"] - e["clip_adjustment"] + gained, SCORE_MAX)
        checked += 1
    assert checked >= 20


def test_explain_accepts_dict_and_series(fitted, split):
    row = split["X_test"].iloc[0]
    a = fitted.explain(row)
    b = fitted.explain(row.to_dict())
    c = fitted.explain(split["X_test"].iloc[[0]])
    assert a == b == c


def test_json_round_trip_scores_identically(fitted, split, tmp_path):
    from credo.scoring import load, save

    save(fitted, tmp_path / "card.json")
    again = load(tmp_path / "card.json")
    X = split["X_test"]
    assert (again.credit_score(X) == fitted.credit_score(X)).all()
    assert np.array_equal(again.predict_proba(X), fitted.predict_proba(X))
    assert again.explain_frame(X.head(20)) == fitted.explain_frame(X.head(20))
    assert dumps(again) == dumps(fitted)
    doc = json.loads((tmp_path / "card.json").read_text())
    assert doc["format"] == "credo-scorecard" and doc["version"] == 2
    assert set(doc["training"]) >= {"n", "bad_rate", "fitted_at", "auc", "ks", "gini"}


def test_unknown_version_refused(fitted):
    doc = json.loads(dumps(fitted))
    doc["version"] = 99
    with pytest.raises(InvalidInput, match="99"):
        loads(json.dumps(doc))
    doc["format"] = "pickle"
    with pytest.raises(InvalidInput, match="'pickle'"):
        loads(json.dumps(doc))


def test_table_is_plain_bins(fitted, split):
    table = bin_table(fitted)
    json.dumps(table, allow_nan=False)
    X = split["X_test"]
    total = np.full(len(X), table["intercept_points"])
    for feat in table["features"]:
        bins = feat["bins"]
        assert bins[-1]["missing"] and not any(b["missing"] for b in bins[:-1])
        col = X[feat["name"]]
        got = np.zeros(len(X), dtype=int)
        for b in bins[:-1]:  # evaluate the table like a SQL CASE would
            if feat["kind"] == "numerical":
                lo = -np.inf if b["left"] is None else b["left"]
                hi = np.inf if b["right"] is None else b["right"]
                hit = (col >= lo) & (col < hi)
            else:
                hit = col.isin(b["categories"])
            got[hit.to_numpy()] = b["points"]
        if feat["kind"] == "numerical":
            lefts = [b["left"] for b in bins[1:-1]]
            rights = [b["right"] for b in bins[:-2]]
            assert lefts == rights and bins[0]["left"] is None and bins[-2]["right"] is None
        total += got
    assert (np.clip(total, SCORE_MIN, SCORE_MAX) == fitted.credit_score(X)).all()


def test_model_card(fitted, split):
    pytest.importorskip("fairlearn")
    card = model_card(
        fitted, split["X_test"], split["y_test"], split["audit_test"], approval_score=550
    )
    assert card["holdout"]["probability"]["auc"] >= 0.74
    assert sum(b["n"] for b in card["bands"]) == len(split["X_test"])
    assert set(card["fairness"]["attributes"]) == set(split["audit_test"].columns)
    assert card["dimensions"]["compliance"] == []
    md = card["markdown"]
    assert "## Hold-out" in md and "### foreign_worker" in md
    with pytest.raises(InvalidInput, match="'credit_amount'"):
        model_card(fitted, split["X_test"], split["y_test"], split["X_test"][["credit_amount"]])


def test_dimension_scores_frame(fitted, split):
    subs = fitted.dimension_scores(split["X_test"])
    assert list(subs.columns) == list(DIMENSIONS)
    assert subs["compliance"].isna().all()
    assert subs["capacity"].between(0, 100).all()


def test_predict_with_wrong_columns_refused(fitted, split):
    with pytest.raises(ValueError, match="feature names"):
        fitted.predict(split["X_test"].drop(columns=["credit_amount"]).assign(x=1))
    assert isinstance(fitted.predict(split["X_test"]), np.ndarray)
    assert isinstance(split["X_test"], pd.DataFrame)
