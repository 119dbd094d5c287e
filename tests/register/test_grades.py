"""The grade and rating rules as pure functions: weights, recency decay, ends, lists."""

from __future__ import annotations

import datetime as dt

import pytest

from credo.register.grades import Fact, Listing, add_months, decay, grade, ratings
from credo.register.policy import load

DAY = dt.date(2026, 11, 21)


def fact(rid: int, category: str, days_ago: int, **fields: object) -> Fact:
    return Fact(rid, category, DAY - dt.timedelta(days=days_ago), dict(fields))


def test_a_clean_organisation_is_graded_a_from_the_base() -> None:
    out = grade([], [], load(), DAY)
    assert out == {"grade": "A", "score": 100, "base": 100, "policy_version": 2,
                   "as_of": DAY.isoformat(), "reasons": []}


def test_recency_decay_halves_points_each_half_life() -> None:
    assert decay(0, 12) == 1.0
    assert decay(365, 12) == pytest.approx(0.5, abs=0.01)
    assert decay(10_000, None) == 1.0
    recent = grade([fact(1, "penalty.imposed", 1, severity="serious")], [], load(), DAY)
    old = grade([fact(1, "penalty.imposed", 730, severity="serious")], [], load(), DAY)
    assert recent["score"] == 70 and recent["grade"] == "B"
    assert old["score"] == 85  # two years = one half-life of 24 months: -30 counts -15
    assert old["reasons"][0]["weight"] == pytest.approx(0.5, abs=0.01)


def test_each_reason_names_record_rule_and_counted_points() -> None:
    facts = [fact(7, "court.judgment", 10, case_number="C-1"),
             fact(8, "tax.arrears", 20, tax_type="vat"),
             fact(9, "contract.breach", 30, breach_type="quality")]
    out = grade(facts, [Listing("serious_violator")], load(), DAY)
    rules = {r["rule"]: r for r in out["reasons"]}
    assert set(rules) == {"court_judgment", "tax_arrears", "contract_breach",
                          "list:serious_violator"}
    assert rules["court_judgment"]["record_id"] == 7 and rules["court_judgment"]["points"] == -20
    assert out["grade"] == "D" and out["score"] == round(100 + sum(r["counted"] for r in
                                                                   out["reasons"]))


def test_a_fulfilled_judgment_stops_counting() -> None:
    judged = fact(1, "court.judgment", 100, case_number="C-9")
    fulfilled = fact(2, "court.fulfilment", 5, case_number="C-9")
    other = fact(3, "court.fulfilment", 5, case_number="C-10")
    assert grade([judged, other], [], load(), DAY)["reasons"]
    assert grade([judged, fulfilled], [], load(), DAY)["reasons"] == []


def test_a_revoked_licence_stops_counting_as_granted() -> None:
    granted = fact(1, "licence.granted", 400, licence_number="L-1", licence_type="food_business")
    kept = grade([granted], [], load(), DAY)
    assert [r["rule"] for r in kept["reasons"]] == ["licence_granted"]
    revoked = fact(2, "licence.revoked", 10, licence_number="L-1")
    rules = [r["rule"] for r in grade([granted, revoked], [], load(), DAY)["reasons"]]
    assert rules == ["licence_revoked"]


def test_old_records_stop_counting_after_their_months() -> None:
    assert grade([fact(1, "penalty.imposed", 800, severity="minor")], [], load(), DAY)[
        "reasons"] == []
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_commendations_and_licences_raise_the_score() -> None:
    out = grade([fact(1, "commendation", 10, level="national"),
                 fact(2, "licence.granted", 10, licence_type="food_business")], [], load(), DAY)
    assert out["score"] > 100 and out["grade"] == "A"


def test_rating_rests_on_the_latest_inspection_less_later_penalties() -> None:
    facts = [fact(1, "inspection.result", 400, domain="food_safety", grade="D"),
             fact(2, "inspection.result", 90, domain="food_safety", grade="A"),
             fact(3, "penalty.imposed", 100, domain="food_safety", severity="serious"),
             fact(4, "penalty.imposed", 30, domain="food_safety", severity="general"),
             fact(5, "penalty.imposed", 20, domain="environment", severity="serious"),
             fact(6, "inspection.result", 60, domain="drug_safety", grade="B")]
    out = ratings(facts, load(), DAY)
    assert set(out) == {"food", "drug"}
    food = out["food"]
    assert food["rating"] == 3 and food["inspection_record_id"] == 2
    assert food["inspection_on"] == (DAY - dt.timedelta(days=90)).isoformat()
    assert [r["record_id"] for r in food["reasons"]] == [2, 4]
    assert out["drug"]["rating"] == 4


def test_rating_never_goes_below_zero_and_old_inspections_give_none() -> None:
    facts = [fact(1, "inspection.result", 10, domain="construction_safety", grade="C"),
             *[fact(10 + i, "penalty.imposed", 5, domain="construction_safety",
                    severity="serious") for i in range(3)]]
    assert ratings(facts, load(), DAY)["construction"]["rating"] == 0
    stale = [fact(1, "inspection.result", 365 * 4, domain="food_safety", grade="A")]
    assert ratings(stale, load(), DAY) == {}


def test_a_listing_counts_while_its_list_entry_holds_it() -> None:
    listed = fact(1, "court.listing", 100, case_number="C-3", ground="able_but_refuses")
    again = fact(2, "court.listing", 10, case_number="C-3", ground="obstructing_execution")
    assert grade([listed], [], load(), DAY)["reasons"] == []  # no entry in force: nothing
    open_ended = grade([listed, again], [Listing("defaulter", frozenset({1, 2}))], load(), DAY)
    rules = {r["rule"]: r for r in open_ended["reasons"]}
    assert set(rules) == {"defaulter_listing", "list:defaulter"}  # the entry counts once
    assert rules["defaulter_listing"]["record_id"] == 1
    assert rules["defaulter_listing"]["counts_until"] is None  # "while listed"
    ends = DAY + dt.timedelta(days=30)
    termed = grade([listed], [Listing("defaulter", frozenset({1}), ends)], load(), DAY)
    assert termed["reasons"][0]["counts_until"] == ends.isoformat()
    other = grade([listed], [Listing("defaulter", frozenset({9}))], load(), DAY)
    assert [r["rule"] for r in other["reasons"]] == ["list:defaulter"]
