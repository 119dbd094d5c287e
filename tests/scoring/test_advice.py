"""Review 2: what credo tells a person about their score holds when the person acts on it.

Every number in "what would raise it" lands in the bin it promises, with the points and score
it promises; and a value already at its best is never a reason, even where having no data at
all (the missing bin) scores higher.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from credo.scoring import Scorecard
from credo.scoring import reasons as rs
from credo.scoring.binning import FeatureBins
from credo.scoring.scaling import SCORE_MAX, SCORE_MIN, band
from credo.scoring.scorecard import what_would_raise
from credo.scoring.tables import score_rows
from credo.scoring.validation import NUMERICAL
from tests.scoring.cards import mixed_card, no_loan_card

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

NUMBER = r"(-?[\d,]+(?:\.\d+)?)(%?)"
ADVICE = (
    re.compile(rf"^(?P<feature>[a-z0-9 ]+?) (?:at most|at least|of) {NUMBER}$"),
    re.compile(rf"^(?P<feature>[a-z0-9 ]+?) from {NUMBER} to {NUMBER}$"),
)


def read_advice(text: str, unit: str) -> list[float]:
    """The feature values a person reads in one piece of advice ("at most 19%" of a share:
    0.19; "no open judgments": 0; "from 47.3 to 50.3": both ends)."""
    if text.startswith("no "):
        return [0.0]
    for pattern in ADVICE:
        m = pattern.match(text)
        if m:
            numbers = [g for g in m.groups()[1:] if g and g != "%"]
            percent = [g for g in m.groups()[1:] if g in ("%", "")]
            assert all(p == ("%" if unit in ("share", "percent") else "") for p in percent), text
            scale = 100 if unit == "share" else 1
            return [float(x.replace(",", "")) / scale for x in numbers]
    raise AssertionError(f"advice {text!r} names no value")


def plain(row: pd.Series) -> dict[str, Any]:
    return {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}


def score_of(sc: Scorecard, values: dict[str, Any]) -> int:
    return int(sc.credit_score(pd.DataFrame([values]).astype("float64"))[0])


@pytest.mark.parametrize("card", [no_loan_card, mixed_card], ids=["registry", "mixed"])
def test_every_advised_value_reaches_the_promised_bin_points_and_score(card: Any) -> None:
    sc, X = card()
    units = {name: t.get("unit", "number") for name, t in sc.descriptions_.items()}
    position = {fb.name: j for j, fb in enumerate(sc.bins_)}
    explained = sc.explain_frame(X.iloc[:400])
    checked = 0
    for i in range(400):
        row = plain(X.iloc[i])
        plan = what_would_raise(sc, row)
        assert plan == explained[i]["counterfactual"]
        base = score_of(sc, row)
        raw = int(sc.intercept_points_ + sc._points(sc.bin_index(pd.DataFrame([row]))).sum())
        together = dict(row)
        for move in plan:
            name, fb = move["feature"], sc.bins_[position[move["feature"]]]
            for value in read_advice(move["text"], units[name]):
                bin_now = int(
                    fb.assign(np.array([row[name] if row[name] is not None else np.nan]))[0]
                )
                assert int(fb.assign(np.array([value]))[0]) == move["to_bin"], (i, move["text"])
                gained = int(fb.points[move["to_bin"]] - fb.points[bin_now])
                assert gained == move["points_gained"], (i, move["text"])
                alone = score_of(sc, {**row, name: value})
                assert (
                    alone == move["score_if_alone"] == max(SCORE_MIN, min(SCORE_MAX, raw + gained))
                ), (i, move)
                assert band(alone) == move["band_if_alone"]
                checked += 1
            together[name] = read_advice(move["text"], units[name])[0]
        if plan:
            after = score_of(sc, together)
            assert after == plan[-1]["score_after"] and band(after) == plan[-1]["band_after"]
            assert after > base
    assert checked > 100


def _bins(splits: list[float], name: str = "card_utilisation") -> FeatureBins:
    fb = FeatureBins(name=name, kind=NUMERICAL, splits=splits)
    fb.points = np.arange(len(splits) + 2, dtype=np.int64)
    return fb


@pytest.mark.parametrize(
    ("splits", "target", "direction", "unit", "text"),
    [
        # the reviewer's edge: 19.52% is not reached at 20%
        ([0.1952, 0.5], 0, "lower_is_better", "share", "card utilisation at most 19%"),
        ([0.2, 0.5], 0, "lower_is_better", "share", "card utilisation at most 19%"),
        ([0.2000001, 0.5], 0, "lower_is_better", "share", "card utilisation at most 20%"),
        ([0.1952, 0.5], 1, "higher_is_better", "share", "card utilisation at least 20%"),
        ([0.19, 0.5], 1, "higher_is_better", "share", "card utilisation at least 19%"),
        # a bin narrower than a whole percent is named with a decimal
        ([0.191, 0.1952], 1, "lower_is_better", "share", "card utilisation at most 19.5%"),
        ([0.191, 0.1952], 1, "learn", "share", "card utilisation from 19.1% to 19.5%"),
        ([2.45, 7.0], 0, "lower_is_better", "number", "card utilisation at most 2.4"),
        ([2.5, 7.0], 0, "lower_is_better", "number", "card utilisation at most 2.4"),
        ([2.45, 7.0], 1, "higher_is_better", "number", "card utilisation at least 2.5"),
        ([2.45, 7.0], 1, "learn", "number", "card utilisation from 2.5 to 6.9"),
        ([0.5, 1.5], 0, "lower_is_better", "count", "no card utilisation"),
        ([0.5, 1.5], 1, "lower_is_better", "count", "card utilisation at most 1"),
        ([12000.5], 1, "higher_is_better", "yuan", "card utilisation at least 12,001"),
        ([97.5], 0, "lower_is_better", "percent", "card utilisation at most 97%"),
    ],
)
def test_advice_names_a_value_inside_the_bin(
    splits: list[float], target: int, direction: str, unit: str, text: str
) -> None:
    fb = _bins(splits)
    assert rs.move_text(fb, target, direction, unit) == text
    for value in read_advice(text, unit):
        assert int(fb.assign(np.array([value]))[0]) == target


def test_no_value_at_its_best_is_a_reason_where_no_data_scores_higher() -> None:
    """The card gives no loan at all more points than the longest credit history: a subject
    in the best regular bin of ``history_months`` has nothing to change and is not told
    "19 points below the best"; the other bins lose against the best regular bin, and having
    no data loses nothing."""
    sc, X = no_loan_card()
    j = sc.features_.index("history_months")
    fb = sc.bins_[j]
    regular = fb.points[:-1]
    assert fb.points[fb.missing_bin] > regular.max()  # the card this test is about
    index = sc.bin_index(X)
    best_bin = int(np.argmax(regular))
    rows = np.flatnonzero(index[:, j] == best_bin)[:50]
    assert len(rows) > 10
    frame = X.iloc[rows].reset_index(drop=True)

    def features_blamed(reasons: list[dict[str, Any]]) -> list[str]:
        return [r["feature"] for r in reasons]

    explained = sc.explain_frame(frame)
    published = score_rows(sc, frame)
    for i, e in enumerate(explained):
        assert "history_months" not in features_blamed(e["reasons"])
        assert "history_months" not in features_blamed(
            rs.top_reasons(sc.bins_, list(plain(frame.iloc[i]).values()), index[rows[i]], {})
        )
        assert json.loads(published.at[i, "reasons"]) == e["reasons"]
        assert all(m["feature"] != "history_months" for m in e["counterfactual"])

    assert rs.points_lost(fb).tolist() == [int(regular.max() - p) for p in regular] + [0]
    # a shorter history still loses against the best regular bin, by exactly that much
    worst = X.iloc[np.flatnonzero(index[:, j] == 0)[:1]].reset_index(drop=True)
    (why,) = [r for r in sc.explain_frame(worst)[0]["reasons"] if r["feature"] == "history_months"]
    assert why["points_lost"] == int(regular.max() - regular[0])


def test_no_data_still_loses_against_the_best_bin_of_all() -> None:
    """Where a regular bin outscores the missing one, no data is measured against it."""
    fb = _bins([0.2, 0.5])
    fb.points = np.array([9, 4, 1, 3])
    assert rs.points_lost(fb).tolist() == [0, 5, 8, 6]
    fb.points = np.array([9, 4, 1, 12])
    assert rs.points_lost(fb).tolist() == [0, 5, 8, 0]
