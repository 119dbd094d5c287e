"""Issue 15: the estimator refuses input that would fit a wrong scorecard without a word."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credo.scoring import Scorecard, ScoringInputError, dumps, loads
from credo.scoring.directions import HIGHER_IS_BETTER, LEARN, LOWER_IS_BETTER
from credo.scoring.validation import NUMERICAL

from .conftest import AUDIT_ONLY, TARGET

#: Domain directions of the German credit numerical features (categorical ones learn).
GERMAN_DIRECTIONS = {
    "duration_in_month": LOWER_IS_BETTER,
    "credit_amount": LOWER_IS_BETTER,
    "installment_rate_in_percentage_of_disposable_income": LOWER_IS_BETTER,
    "present_residence_since": LEARN,
    "number_of_existing_credits_at_this_bank": LEARN,
    "number_of_people_being_liable_to_provide_maintenance_for": LEARN,
}


def german_directions(X: pd.DataFrame) -> dict[str, str]:
    return {c: GERMAN_DIRECTIONS.get(c, LEARN) for c in X.columns}


def test_text_target_is_refused_unless_the_bad_label_is_named(german: pd.DataFrame) -> None:
    X = german.drop(columns=[*AUDIT_ONLY, TARGET])
    with pytest.raises(ScoringInputError, match=r"bad_label") as err:
        Scorecard().fit(X, german[TARGET])
    assert "'bad'" in str(err.value) and "'good'" in str(err.value)
    sc = Scorecard(bad_label="bad").fit(X, german[TARGET])
    assert sc.classes_.tolist() == ["good", "bad"]
    bad = (german[TARGET] == "bad").to_numpy()
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(bad, sc.predict_proba(X)[:, 1]) > 0.75  # not inverted (was 0.175)
    assert set(sc.predict(X.head(50))) <= {"good", "bad"}


def test_bad_label_that_is_not_in_y_is_named() -> None:
    X = pd.DataFrame({"a": np.arange(20.0)})
    with pytest.raises(ScoringInputError, match="bad_label 'default' is not a value of y"):
        Scorecard(bad_label="default").fit(X, ["good", "bad"] * 10)


@pytest.mark.parametrize(
    ("y", "shown"),
    [
        (["True", "False"] * 10, "'False', 'True'"),
        ([1, 2] * 10, "1, 2"),
        ([-1, 1] * 10, "-1, 1"),
    ],
)
def test_non_01_targets_are_refused(y: list, shown: str) -> None:
    X = pd.DataFrame({"a": np.arange(20.0)})
    with pytest.raises(ScoringInputError, match="y must be 0/1") as err:
        Scorecard().fit(X, y)
    assert shown in str(err.value)


def test_three_classes_are_refused() -> None:
    X = pd.DataFrame({"a": np.arange(21.0)})
    with pytest.raises(ScoringInputError, match="3 classes"):
        Scorecard(bad_label="c").fit(X, ["a", "b", "c"] * 7)


def test_real_booleans_and_floats_are_a_01_target() -> None:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200)})
    y = (X["a"] + rng.normal(size=200)) > 0
    assert Scorecard().fit(X, y).classes_.tolist() == [False, True]
    assert Scorecard().fit(X, y.astype(float)).classes_.tolist() == [0.0, 1.0]


def test_feature_without_direction_is_named() -> None:
    X = pd.DataFrame({"late": [0, 1, 2, 3] * 10, "util": [0.1, 0.5, 0.9, 0.2] * 10})
    y = [0, 0, 1, 1] * 10
    with pytest.raises(ScoringInputError, match="feature 'util' has no direction"):
        Scorecard(directions={"late": LOWER_IS_BETTER}).fit(X, y)
    with pytest.raises(ScoringInputError, match="unknown direction 'up' for feature 'util'"):
        Scorecard(directions={"late": LOWER_IS_BETTER, "util": "up"}).fit(X, y)
    with pytest.raises(ScoringInputError, match="'ghost'"):
        Scorecard(directions={"late": LOWER_IS_BETTER, "util": LEARN, "ghost": LEARN}).fit(X, y)


def test_categorical_feature_cannot_take_an_order() -> None:
    X = pd.DataFrame({"housing": ["own", "rent"] * 20})
    with pytest.raises(ScoringInputError, match="'housing' is categorical"):
        Scorecard(directions={"housing": HIGHER_IS_BETTER}).fit(X, [0, 1] * 20)


def test_audit_only_attribute_named_as_feature_is_refused() -> None:
    X = pd.DataFrame({"late": [0, 1, 2, 3] * 10, "band": ["a", "b"] * 20})
    with pytest.raises(ScoringInputError, match="'band' is audit-only"):
        Scorecard(audit_only=["band"]).fit(X, [0, 0, 1, 1] * 10)


def test_protected_column_is_refused_as_feature(german: pd.DataFrame) -> None:
    X = german.drop(columns=[TARGET])
    with pytest.raises(ScoringInputError, match="personal_status_and_sex"):
        Scorecard(bad_label="bad").fit(X, german[TARGET])


def test_contradicted_direction_is_reported_and_kept() -> None:
    rng = np.random.default_rng(1)
    income = rng.normal(size=2000)
    y = (rng.random(2000) < 1 / (1 + np.exp(-(-1 - 1.5 * income)))).astype(int)
    X = pd.DataFrame({"income": income})
    sc = Scorecard(directions={"income": LOWER_IS_BETTER}).fit(X, y)  # wrong on purpose
    assert sc.contradicted_ and sc.contradicted_[0]["feature"] == "income"
    assert "declared lower_is_better" in sc.contradicted_[0]["message"]
    pts = sc.bins_[0].points[:-1]
    assert (np.diff(pts) <= 0).all()  # the direction is kept: never more points for more
    assert sc.training_["directions_contradicted"][0]["feature"] == "income"


@pytest.fixture(scope="module")
def directed(split: dict) -> Scorecard:
    X = split["X_train"]
    return Scorecard(directions=german_directions(X), actionable={"credit_amount"}).fit(
        X, split["y_train"]
    )


def test_edited_direction_in_model_file_is_refused_naming_the_feature(
    directed: Scorecard,
) -> None:
    doc = json.loads(dumps(directed))
    assert loads(json.dumps(doc)).directions_ == directed.directions_
    for f in doc["features"]:
        if f["name"] == "credit_amount":
            f["direction"] = HIGHER_IS_BETTER
    doc["params"]["directions"]["credit_amount"] = HIGHER_IS_BETTER
    with pytest.raises(ScoringInputError, match="'credit_amount'"):
        loads(json.dumps(doc))
    doc = json.loads(dumps(directed))
    doc["features"][1]["bins"][0]["points"] += 40  # duration: lower is better, more points
    with pytest.raises(ScoringInputError, match="'duration_in_month'"):
        loads(json.dumps(doc))


def _steps(sc: Scorecard) -> list[tuple[int, int, int]]:
    """(feature, from bin, to bin) for every one-bin step in each feature's better direction."""
    out = []
    for j, fb in enumerate(sc.bins_):
        d = sc.directions_[fb.name]
        if fb.kind != NUMERICAL or d == LEARN:
            continue
        for b in range(fb.n_bins - 2):
            out.append((j, b, b + 1) if d == HIGHER_IS_BETTER else (j, b + 1, b))
    return out


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_moving_a_feature_in_its_better_direction_never_lowers_the_score(
    directed: Scorecard, split: dict, data: st.DataObject
) -> None:
    X = split["X_test"]
    steps = _steps(directed)
    assert steps
    row = X.iloc[[data.draw(st.integers(0, len(X) - 1))]].reset_index(drop=True)
    j, frm, to = data.draw(st.sampled_from(steps))
    fb = directed.bins_[j]
    row = row.astype({fb.name: "float64"})
    before, after = row.copy(), row.copy()
    before.iloc[0, j] = fb.example(frm)
    after.iloc[0, j] = fb.example(to)
    assert directed.bin_index(before)[0, j] == frm and directed.bin_index(after)[0, j] == to
    assert directed.credit_score(after)[0] >= directed.credit_score(before)[0]
