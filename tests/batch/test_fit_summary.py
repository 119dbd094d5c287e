"""Issue 15: `credo demo` printed "hold-out AUC" for a figure computed on the training data."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from credo.batch.fit import age_bands, holdout_summary


def test_summary_says_the_auc_is_out_of_time_and_gives_the_band_table() -> None:
    metrics = {
        "training": {"window": "features as of 2024-06-30, defaults in (2024-06-30, 2025-06-30]"},
        "holdout": {
            "kind": "out-of-time",
            "window": "features as of 2025-06-30, defaults in (2025-06-30, 2026-06-30]",
            "n": 1277,
            "defaults": 118,
            "score": {"auc": 0.7561, "ks": 0.415, "gini": 0.512},
        },
        "bands": [
            {"band": "poor", "n": 109, "bad_rate": 0.321},
            {"band": "excellent", "n": 0, "bad_rate": None},
        ],
        "rank_ordered": True,
    }
    text = holdout_summary("v3", metrics)
    assert "Out-of-time hold-out" in text and "a year it never saw" in text
    assert "AUC 0.756" in text and "KS 0.415" in text and "Gini 0.512" in text
    assert "fitted on features as of 2024-06-30" in text
    assert "poor 109 (32.1%)" in text and "excellent 0 (n/a)" in text
    assert "rank-ordered: yes" in text


def test_age_bands_are_audit_only_groups() -> None:
    births = pd.Series(pd.to_datetime(["2000-07-01", "1960-01-01", None]), index=[4, 5, 6])
    bands = age_bands(births, dt.date(2025, 6, 30))
    assert bands.to_dict() == {4: "18_24", 5: "65_plus", 6: "unknown"}
