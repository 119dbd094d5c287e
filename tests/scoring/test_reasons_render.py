"""Issue 15: every bin of a fitted registry model renders as a sentence a person understands."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from credo.batch.features import FEATURES, scorecard_params
from credo.scoring import Scorecard
from credo.scoring.reasons import format_value, sentence, top_reasons

#: What no reason may contain: raw missing markers, intervals, unrounded numbers.
FORBIDDEN = (
    re.compile(r"\bmissing\b", re.I),
    re.compile(r"\bnan\b", re.I),
    re.compile(r"\binf\b", re.I),
    re.compile(r"[\[(]\s*-?[\d.]+\s*,\s*-?[\d.]+\s*[\])]"),  # an interval such as [0.5, 1.5)
    re.compile(r"\d+\.\d{2,}"),  # an unrounded number such as 0.38395
)


def check(text: str) -> None:
    for pattern in FORBIDDEN:
        assert not pattern.search(text), f"{pattern.pattern!r} in reason {text!r}"


@pytest.fixture(scope="module")
def registry_card() -> Scorecard:
    """A registry scorecard fitted on a synthetic frame shaped like the registry's features."""
    rng = np.random.default_rng(3)
    n = 4000
    risk = rng.normal(size=n)
    cols = {
        "late_30_24m": rng.poisson(np.exp(-1.5 + risk)),
        "late_90_24m": rng.poisson(np.exp(-3 + risk)),
        "months_since_late_30": np.where(rng.random(n) < 0.7, np.nan, rng.integers(0, 60, n)),
        "defaults_60m": rng.poisson(np.exp(-3 + risk)),
        "history_months": np.where(rng.random(n) < 0.1, np.nan, rng.integers(1, 60, n)),
        "card_utilisation": np.where(
            rng.random(n) < 0.4,
            np.nan,
            np.clip(1 / (1 + np.exp(-risk)) + rng.normal(0, 0.1, n), 0, 1),
        ),
        "open_judgments": rng.poisson(np.exp(-3 + risk)),
        "open_judgment_amount": rng.poisson(np.exp(-3 + risk)) * rng.integers(1_000, 90_000, n),
        "penalties_24m": rng.poisson(np.exp(-1.5 + 0.5 * risk)),
        "breaches_24m": rng.poisson(np.exp(-3 + risk)),
        "tax_arrears_open": rng.poisson(np.exp(-3 + risk)),
        "bills_on_time_pct": np.where(
            rng.random(n) < 0.05, np.nan, np.clip(np.rint(95 - 5 * risk), 0, 100)
        ),
        "tax_on_time_pct": np.where(rng.random(n) < 0.4, np.nan, np.where(risk > 0.5, 50, 100)),
        "identity_level": rng.integers(0, 4, n),
    }
    X = pd.DataFrame(cols).astype("float64")[[f.name for f in FEATURES]]
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2.5 + 1.2 * risk)))).astype(int)
    return Scorecard(**scorecard_params(), min_bin_size=0.01).fit(X, y)  # type: ignore[arg-type]


def test_every_bin_of_a_fitted_model_renders_plainly(registry_card: Scorecard) -> None:
    sc = registry_card
    rendered = 0
    for fb in sc.bins_:
        templates = sc.descriptions_[fb.name]
        for i in range(fb.n_bins):
            text = sentence(fb.name, fb.example(i), 10, templates)
            check(text)
            if i == fb.missing_bin:
                assert text == templates.get("missing"), (fb.name, text)
            rendered += 1
    assert rendered >= 2 * len(sc.bins_)


def test_no_card_on_record_and_rounded_shares() -> None:
    card = next(f for f in FEATURES if f.name == "card_utilisation").reason_templates()
    assert sentence("card_utilisation", None, 12, card) == "No card on record"
    assert sentence("card_utilisation", float("nan"), 12, card) == "No card on record"
    text = sentence("card_utilisation", 0.38395, 12, card)
    assert text == "Card balances at 38% of their limits at the latest statement"
    identity = next(f for f in FEATURES if f.name == "identity_level").reason_templates()
    assert sentence("identity_level", 0, 5, identity) == "Identity not verified"
    late = next(f for f in FEATURES if f.name == "late_30_24m").reason_templates()
    assert sentence("late_30_24m", 1.0, 9, late).startswith("1 repayment 30 or more")
    assert sentence("late_30_24m", 3.0, 9, late).startswith("3 repayments 30 or more")
    assert format_value(2.0, "count") == "2" and format_value(12345.678, "yuan") == "12,346"
    assert format_value(0.38395) == "0.4"
    check(sentence("some_ratio", 0.38395, 3, None))  # the generic fallback rounds too


def test_a_best_bin_value_is_never_a_reason(registry_card: Scorecard) -> None:
    sc = registry_card
    values = [None] * len(sc.bins_)
    for j, fb in enumerate(sc.bins_):
        best = int(fb.points.max())
        for i in range(fb.n_bins):
            if fb.points[i] != best:
                continue
            index = [int(np.argmax(other.points)) for other in sc.bins_]
            index[j] = i
            reasons = top_reasons(sc.bins_, values, index, sc.descriptions_)
            assert fb.name not in [r["feature"] for r in reasons]


def test_identity_level_three_is_never_a_loss(registry_card: Scorecard) -> None:
    sc = registry_card
    fb = next(b for b in sc.bins_ if b.name == "identity_level")
    top = int(fb.assign(np.array([3.0]))[0])
    assert fb.points[top] == fb.points.max()  # unseen missing bin never outranks level 3


def test_explained_reasons_of_many_subjects_follow_the_rules(registry_card: Scorecard) -> None:
    sc = registry_card
    rng = np.random.default_rng(9)
    X = pd.DataFrame(
        {
            fb.name: [fb.example(int(rng.integers(0, fb.n_bins))) for _ in range(200)]
            for fb in sc.bins_
        }
    ).astype("float64")
    for row in sc.explain_frame(X):
        for reason in row["reasons"]:
            check(reason["text"])
            assert reason["points_lost"] > 0


def test_what_would_raise_moves_only_actionable_features_the_better_way(
    registry_card: Scorecard,
) -> None:
    """Issue 15: it told subjects to move identity_level from 2-3 down to 0 for +20 points."""
    from credo.scoring.directions import HIGHER_IS_BETTER, LOWER_IS_BETTER
    from credo.scoring.scaling import band
    from credo.scoring.scorecard import what_would_raise

    sc = registry_card
    rng = np.random.default_rng(11)
    seen_moves = 0
    for _ in range(150):
        values = {fb.name: fb.example(int(rng.integers(0, fb.n_bins))) for fb in sc.bins_}
        explained = sc.explain(pd.DataFrame([values]).astype("float64"))
        moves = what_would_raise(sc, values)
        assert moves == explained["counterfactual"]
        before = sc.bin_index(pd.DataFrame([values]).astype("float64"))[0]
        for move in moves:
            seen_moves += 1
            name = move["feature"]
            assert name in sc.actionable_
            fb = next(b for b in sc.bins_ if b.name == name)
            j = sc.features_.index(name)
            target = int(fb.assign(np.array([move["to_example"]], dtype="float64"))[0])
            assert target != fb.missing_bin and move["points_gained"] > 0
            if before[j] != fb.missing_bin:
                if sc.directions_[name] == HIGHER_IS_BETTER:
                    assert target > before[j], move
                elif sc.directions_[name] == LOWER_IS_BETTER:
                    assert target < before[j], move
            assert move["band_if_alone"] == band(move["score_if_alone"])
            check(move["text"])
            for value in move.values():  # no raw bin interval anywhere a person reads
                assert not (isinstance(value, str) and re.search(r"inf|nan|[\[\]()]", value))
        if moves:
            after = dict(values)
            for move in moves:
                after[move["feature"]] = move["to_example"]
            new = int(sc.credit_score(pd.DataFrame([after]).astype("float64"))[0])
            assert new == moves[-1]["score_after"]
            assert band(new) == moves[-1]["band_after"] != explained["band"]
    assert seen_moves > 20
