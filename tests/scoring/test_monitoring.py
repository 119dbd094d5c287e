"""PSI, protected-attribute detection and the training baselines stored in the model."""

from __future__ import annotations

import math

import pytest

from credo.scoring import Scorecard, ScoringInputError, from_dict, loads, to_dict
from credo.scoring.monitoring import SCORE_EDGES, feature_psi, psi, psi_report, score_psi, verdict
from credo.scoring.persist import dumps
from credo.scoring.protected import check_features, protected_columns, protected_reason


def test_psi_identical_is_zero_and_shift_is_positive():
    assert psi([10, 20, 30], [1, 2, 3]) == pytest.approx(0.0)
    assert psi([50, 50], [90, 10]) > 0.25
    assert math.isfinite(psi([10, 0], [5, 5]))


@pytest.mark.parametrize(
    ("expected", "actual"), [([1, 2], [1]), ([], []), ([0, 0], [1, 1]), ([-1, 2], [1, 1])]
)
def test_psi_refuses_bad_counts(expected, actual):
    with pytest.raises(ScoringInputError):
        psi(expected, actual)


def test_verdict_thresholds():
    assert [verdict(0.05), verdict(0.2), verdict(0.3)] == ["stable", "moderate", "major"]


@pytest.mark.parametrize(
    ("column", "why"),
    [
        ("age_in_years", "age"),
        ("personal_status_and_sex", "sex"),
        ("foreign_worker", "foreign worker"),
        ("ApplicantGender", "gender"),
        ("marital-status", "marital"),
        ("nationality", "nationality"),
        ("race", "race"),
        ("religion", "religion"),
        ("ethnicity", "ethnicity"),
        ("personal status", "personal status"),
    ],
)
def test_protected_names(column, why):
    assert protected_reason(column) == why


def test_unprotected_names_pass():
    names = ["average_balance", "mortgage", "page_views", "credit_amount", "usage", "trace_id"]
    assert protected_columns(names) == []
    check_features(names)


def test_check_features_names_column_and_audit_only():
    with pytest.raises(ScoringInputError, match=r"'age_in_years'.*--audit-only"):
        check_features(["credit_amount", "age_in_years"])
    with pytest.raises(ScoringInputError, match="audit-only"):
        check_features(["credit_amount"], audit_only=["credit_amount"])


def test_fit_stores_score_baseline_and_round_trips(fitted: Scorecard, split):
    base = fitted.training_["score_distribution"]
    assert base["edges"] == list(SCORE_EDGES)
    assert sum(base["counts"]) == fitted.training_["n"]
    again = loads(dumps(fitted))
    assert again.training_["score_distribution"] == base
    assert score_psi(again, split["X_train"]) == pytest.approx(0.0, abs=1e-9)
    assert max(feature_psi(again, split["X_train"]).values()) == pytest.approx(0.0, abs=1e-9)


def test_psi_report_on_shifted_data(fitted: Scorecard, split):
    shifted = split["X_test"].copy()
    shifted["duration_in_month"] = shifted["duration_in_month"] * 4
    report = psi_report(fitted, shifted)
    assert report["features"]["duration_in_month"]["psi"] > 0.25
    assert report["score"]["psi"] > 0.1


def test_model_without_baseline_has_no_score_psi(fitted: Scorecard, split):
    old = to_dict(fitted)
    del old["training"]["score_distribution"]
    sc = from_dict(old)
    assert psi_report(sc, split["X_test"])["score"] is None
    with pytest.raises(ScoringInputError, match="score distribution"):
        score_psi(sc, split["X_test"])
