"""The public credit grade and the safety ratings of one organisation (pure functions).

Inputs are plain facts (a record's id, category, date and fields; the entries in force on
the public lists), so the rules are tested without a store and the batch job, the API and
the export agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from credo.ledgers.policy import Condition, Rule
from credo.register.policy import GradePolicy

DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Fact:
    """One public record as the rules see it."""

    record_id: int
    category: str
    occurred_on: dt.date
    fields: dict[str, Any]


@dataclass(frozen=True)
class Listing:
    """One list entry in force on the grading day: its list, the records it holds and the
    day it ends (``None``: no end set yet). Only entries of public lists are given."""

    list_id: str
    record_ids: frozenset[int] = frozenset()
    ends_on: dt.date | None = None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's end (as the ledgers count)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def holds(condition: Condition, fields: dict[str, Any]) -> bool:
    """One structured condition on a record's fields (a missing field never matches)."""
    if condition.field not in fields or fields[condition.field] is None:
        return False
    value = fields[condition.field]
    if condition.type == "decimal":
        value = float(value)
    wanted = condition.value
    if condition.op == "==":
        return bool(value == wanted)
    if condition.op == "in":
        return value in wanted
    ops = {
        "<": lambda: value < wanted,
        "<=": lambda: value <= wanted,
        ">": lambda: value > wanted,
        ">=": lambda: value >= wanted,
    }
    return bool(ops[condition.op]())


def matches(rule: Rule, fact: Fact) -> bool:
    return fact.category == rule.category and all(holds(c, fact.fields) for c in rule.when)


def _ended_on(rule: Rule, fact: Fact, facts: list[Fact], as_of: dt.date) -> dt.date | None:
    """The day a rule's ``ends_with`` record arrived for this fact's key, if it has."""
    if rule.ends_with is None:
        return None
    key = fact.fields.get(rule.ends_with.field)
    days = [
        f.occurred_on
        for f in facts
        if f.category == rule.ends_with.category
        and f.fields.get(rule.ends_with.field) == key
        and f.occurred_on <= as_of
    ]
    return min(days) if days else None


def decay(age_days: int, half_life_months: int | None) -> float:
    """The weight left after ``age_days`` (1.0 without a half-life)."""
    if half_life_months is None:
        return 1.0
    return float(0.5 ** (max(age_days, 0) / (half_life_months * DAYS_PER_MONTH)))


def _reason(rule: Rule, fact: Fact, weight: float, until: dt.date | None) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "description": rule.description,
        "record_id": fact.record_id,
        "category": fact.category,
        "occurred_on": fact.occurred_on.isoformat(),
        "points": rule.points,
        "weight": round(weight, 4),
        "counted": round(rule.points * weight, 2),
        "counts_until": None if until is None else until.isoformat(),
    }


def _while_listed(
    rule: Rule, list_id: str, facts: list[Fact], listings: Sequence[Listing], as_of: dt.date
) -> list[tuple[Fact, dt.date | None]]:
    """A ``while_listed`` rule's records: per entry of the list in force, the earliest record
    it holds that the rule matches (an entry counts once, however often it was extended),
    with the entry's end."""
    out = []
    for listing in listings:
        if listing.list_id != list_id:
            continue
        held = [
            f
            for f in facts
            if f.record_id in listing.record_ids and matches(rule, f) and f.occurred_on <= as_of
        ]
        if held:
            out.append((min(held, key=lambda f: (f.occurred_on, f.record_id)), listing.ends_on))
    return out


def grade(
    facts: list[Fact], listings: Sequence[Listing], policy: GradePolicy, as_of: dt.date
) -> dict[str, Any]:
    """Grade, score and the reasons (each record and rule with its weighted points).

    ``listings`` are the organisation's entries in force on ``as_of`` on public lists: a
    ``while_listed`` rule counts a record exactly while such an entry holds it, and each
    ``[[lists]]`` table counts once while the organisation has an entry on its list.
    """
    reasons: list[dict[str, Any]] = []
    by_category: dict[str, list[Fact]] = {}
    for fact in facts:
        by_category.setdefault(fact.category, []).append(fact)
    for rule in policy.rules:
        half_life = policy.half_lives.get(rule.id)
        list_id = policy.while_listed.get(rule.id)
        if list_id is not None:
            for fact, ends_on in _while_listed(rule, list_id, facts, listings, as_of):
                weight = decay((as_of - fact.occurred_on).days, half_life)
                reasons.append(_reason(rule, fact, weight, ends_on))
            continue
        for fact in by_category.get(rule.category, ()):
            if not matches(rule, fact) or fact.occurred_on > as_of:
                continue
            until = add_months(fact.occurred_on, rule.months)
            ended = _ended_on(rule, fact, facts, as_of)
            if ended is not None and ended < until:
                until = ended
            if until <= as_of:
                continue
            weight = decay((as_of - fact.occurred_on).days, half_life)
            reasons.append(_reason(rule, fact, weight, until))
    on = {listing.list_id for listing in listings}
    for list_rule in policy.lists:
        if list_rule.list in on:
            reasons.append(
                {
                    "rule": f"list:{list_rule.list}",
                    "description": list_rule.description,
                    "record_id": None,
                    "category": None,
                    "occurred_on": None,
                    "points": list_rule.points,
                    "weight": 1.0,
                    "counted": float(list_rule.points),
                    "counts_until": None,
                }
            )
    reasons.sort(key=lambda r: (r["counted"], r["rule"], r["record_id"] or 0))
    score = round(policy.base + sum(r["counted"] for r in reasons))
    return {
        "grade": policy.grade(score),
        "score": score,
        "base": policy.base,
        "policy_version": policy.version,
        "as_of": as_of.isoformat(),
        "reasons": reasons,
    }


def ratings(
    facts: list[Fact], policy: GradePolicy, as_of: dt.date
) -> dict[str, dict[str, Any]]:
    """Per rating domain: the 0-5 rating, the inspection it rests on and its reasons.

    A domain with no inspection within ``inspection_months`` has no rating (it is absent).
    """
    safety = policy.safety
    out: dict[str, dict[str, Any]] = {}
    for domain, source in safety.domains.items():
        oldest = add_months(as_of, -safety.inspection_months)
        inspections = [
            f
            for f in facts
            if f.category == "inspection.result"
            and f.fields.get("domain") == source
            and oldest < f.occurred_on <= as_of
            and f.fields.get("grade") in safety.grade_rating
        ]
        if not inspections:
            continue
        latest = max(inspections, key=lambda f: (f.occurred_on, f.record_id))
        start = safety.grade_rating[latest.fields["grade"]]
        reasons = [
            {
                "record_id": latest.record_id,
                "category": latest.category,
                "occurred_on": latest.occurred_on.isoformat(),
                "points": start,
                "text": f"inspection {latest.fields.get('inspection_id', '')} graded "
                f"{latest.fields['grade']}: rating {start}",
            }
        ]
        since = max(latest.occurred_on, add_months(as_of, -safety.penalty_months))
        rating = start
        for f in sorted(facts, key=lambda f: (f.occurred_on, f.record_id)):
            if (
                f.category == "penalty.imposed"
                and f.fields.get("domain") == source
                and since <= f.occurred_on <= as_of
                and f.occurred_on >= latest.occurred_on
                and f.record_id != latest.record_id
            ):
                lost = safety.penalty_points.get(str(f.fields.get("severity")), 0)
                if lost:
                    rating -= lost
                    reasons.append(
                        {
                            "record_id": f.record_id,
                            "category": f.category,
                            "occurred_on": f.occurred_on.isoformat(),
                            "points": -lost,
                            "text": f"{f.fields.get('severity')} penalty "
                            f"{f.fields.get('decision_number', '')} after the inspection",
                        }
                    )
        out[domain] = {
            "domain": domain,
            "rating": max(rating, 0),
            "inspection_record_id": latest.record_id,
            "inspection_on": latest.occurred_on.isoformat(),
            "reasons": reasons,
        }
    return out
