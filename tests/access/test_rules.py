"""Program rules as data, checked and evaluated without a store; the token bucket."""

from __future__ import annotations

from typing import Any

import pytest

from credo.access import rules
from credo.access.ratelimit import TokenBuckets, retry_after
from credo.errors import InvalidInput


@pytest.mark.parametrize(
    "conditions",
    [
        [{"score_at_least": 600}, {"not_on_list": "defaulter"}],  # deposit-free rental
        [{"score_at_least": 650}],  # fast hotel checkout
        [{"score_at_least": 700}],  # lighter visa paperwork
        [{"ledger_grade_at_least": {"scheme": "rongcheng", "grade": "AA"}}],  # green channel
        [{"on_list": "red"}],
        [{"score_at_least": 350}, {"score_at_least": 950}],
    ],
)
def test_documented_rules_are_valid(conditions: list[dict[str, Any]]) -> None:
    assert rules.validate_conditions(conditions) == conditions


@pytest.mark.parametrize(
    ("conditions", "field", "value"),
    [
        ([{"score_at_least": 349}], "conditions.0.score_at_least", 349),
        ([{"score_at_least": 951}], "conditions.0.score_at_least", 951),
        ([{"score_at_least": "600"}], "conditions.0.score_at_least", "600"),
        ([{"score_at_least": True}], "conditions.0.score_at_least", True),
        ([{"score_at_least": 600.5}], "conditions.0.score_at_least", 600.5),
        (
            [{"score_at_least": 600}, {"friends_score": 1}],
            "conditions.1.friends_score",
            "friends_score",
        ),
        ([{"eval": "__import__('os')"}], "conditions.0.eval", "eval"),
        ([{"not_on_list": "naughty"}], "conditions.0.not_on_list", "naughty"),
        ([{"on_list": None}], "conditions.0.on_list", None),
        (
            [{"ledger_grade_at_least": {"scheme": "x", "grade": "AAAA"}}],
            "conditions.0.ledger_grade_at_least.grade",
            "AAAA",
        ),
        (
            [{"ledger_grade_at_least": {"scheme": "Bad Scheme!", "grade": "A"}}],
            "conditions.0.ledger_grade_at_least.scheme",
            "Bad Scheme!",
        ),
        ([{"ledger_grade_at_least": "AA"}], "conditions.0.ledger_grade_at_least", "AA"),
        ([{"score_at_least": 600, "on_list": "red"}], "conditions.0", None),
        ([], "conditions", []),
        ([{"score_at_least": 600}] * 11, "conditions", 11),
    ],
)
def test_bad_rules_name_field_and_value(
    conditions: list[dict[str, Any]], field: str, value: Any
) -> None:
    with pytest.raises(InvalidInput) as caught:
        rules.validate_conditions(conditions)
    detail = caught.value.details[0]
    assert detail["field"] == field
    if value is not None:
        assert detail["value"] == value


def test_evaluate_gives_a_category_never_the_score() -> None:
    rental: list[dict[str, Any]] = [{"score_at_least": 600}, {"not_on_list": "defaulter"}]
    assert rules.evaluate(rental, rules.Facts(score=640)) == (True, rules.REASON_ELIGIBLE)
    assert rules.evaluate(rental, rules.Facts(score=599)) == (False, rules.REASON_BELOW)
    assert rules.evaluate(rental, rules.Facts(score=None)) == (False, rules.REASON_NO_SCORE)
    eligible, reason = rules.evaluate(rental, rules.Facts(score=900, lists=("defaulter",)))
    assert (eligible, reason) == (False, "on the defaulter list")
    green: list[dict[str, Any]] = [{"ledger_grade_at_least": {"scheme": "city", "grade": "AA"}}]
    assert rules.evaluate(green, rules.Facts(grades={"city": "AAA"}))[0]
    assert rules.evaluate(green, rules.Facts(grades={"city": "AA"}))[0]
    assert rules.evaluate(green, rules.Facts(grades={"city": "A"})) == (False, rules.REASON_GRADE)
    assert rules.evaluate(green, rules.Facts()) == (False, rules.REASON_NO_GRADE)
    for _, text in [rules.evaluate(rental, rules.Facts(score=s)) for s in (350, 599, 949)]:
        assert not any(ch.isdigit() for ch in text)


def test_needs_reads_only_what_the_rule_uses() -> None:
    assert rules.needs([{"score_at_least": 600}]) == rules.Needs(score=True)
    assert rules.needs([{"on_list": "red"}]) == rules.Needs(lists=True)
    green = [{"ledger_grade_at_least": {"scheme": "city", "grade": "A"}}]
    assert rules.needs(green) == rules.Needs(ledgers=("city",))


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    now = [100.0]
    buckets = TokenBuckets(rate=2.0, burst=3, clock=lambda: now[0])
    assert [buckets.take("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = buckets.take("k")
    assert wait == pytest.approx(0.5)
    assert retry_after(wait) == "1"
    assert buckets.take("other") == 0.0  # per key
    now[0] += 0.5
    assert buckets.take("k") == 0.0
    assert buckets.take("k") > 0
    now[0] += 100
    assert [buckets.take("k") for _ in range(3)] == [0.0, 0.0, 0.0]  # capped at the burst
    assert buckets.take("k") > 0
