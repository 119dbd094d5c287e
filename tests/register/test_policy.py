"""The grade policy file: the packaged one parses; every problem names its line."""

from __future__ import annotations

import pytest

from credo.ledgers.policy import PolicyError
from credo.register.policy import DEFAULT_FILE, load, parse

GOOD = DEFAULT_FILE.read_text(encoding="utf-8")


def test_packaged_policy_parses_with_every_source_of_evidence() -> None:
    policy = load()
    assert policy.version == 2 and [b.grade for b in policy.bands] == ["A", "B", "C", "D"]
    categories = {r.category for r in policy.rules}
    assert {"penalty.imposed", "inspection.result", "contract.breach", "tax.arrears",
            "court.judgment", "licence.granted", "licence.revoked", "commendation"} <= categories
    assert {lr.list for lr in policy.lists} == {"serious_violator", "defaulter"}  # public only
    assert policy.while_listed == {"defaulter_listing": "defaulter"}
    assert policy.half_lives["penalty_serious"] == 24
    assert "licence_granted" not in policy.half_lives  # no half-life: no decay
    assert policy.safety.appeal_days == 21 and set(policy.safety.domains) == {
        "food", "drug", "construction"}
    assert len(policy.digest) == 64


def _problem(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        parse(text, "g.toml")
    return caught.value


def test_a_bad_half_life_is_named_with_its_line() -> None:
    text = GOOD.replace("half_life_months = 24\n", "half_life_months = 0\n", 1)
    error = _problem(text)
    line = text.splitlines().index("half_life_months = 0") + 1
    assert f"g.toml:{line}:" in error.message and "half_life_months 0" in error.message


def test_an_unknown_list_and_an_unknown_category_are_refused() -> None:
    text = GOOD.replace('list = "defaulter"', 'list = "blacklist"').replace(
        'category = "contract.breach"', 'category = "contract.broken"')
    error = _problem(text)
    reasons = " ".join(d["reason"] for d in error.details)
    assert "'blacklist'" in reasons and "contract.broken" in reasons


def test_grades_must_be_a_to_d_and_safety_is_required() -> None:
    text = GOOD.replace('grade = "D"', 'grade = "AAA"')
    assert "best first" in _problem(text).message or "A, B, C, D" in str(_problem(text).details)
    no_safety = GOOD.split("[safety]")[0]
    assert "safety" in _problem(no_safety).message


def test_safety_ratings_are_checked() -> None:
    text = GOOD.replace("grade_rating = { A = 5, B = 4, C = 2, D = 0 }",
                        "grade_rating = { A = 9, B = 4, C = 2, D = 0 }")
    assert "grade_rating" in _problem(text).message
