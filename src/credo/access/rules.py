"""Closed vocabularies and program rules as data: validation and evaluation, no I/O.

A program's rule is a list of conditions that must all hold; each condition is a
one-key object. Nothing is evaluated as code: unknown names or values are refused when
the program is created, naming the field and the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from credo.errors import InvalidInput
from credo.ledgers.policy import GRADES as LEDGER_GRADES
from credo.ledgers.policy import SCHEME
from credo.lists.rules import LISTS, RESTRICTIONS

#: Why a relying party may ask; a party is registered for some of these and a program names one.
PURPOSES: dict[str, str] = {
    "deposit_free_rental": "Renting (cars, bikes, power banks, flats) without a deposit",
    "fast_checkout": "Checking out of a hotel or venue without waiting for inspection",
    "credit_decision": "Deciding on credit: a loan, a card, instalments",
    "visa_support": "Lighter paperwork for visa applications",
    "green_channel": "Priority or fast-track handling at public service counters",
    "restriction_check": "Enforcing a court's restriction on high consumption",
}

#: Restricted activities a party may be registered to enforce (the lists domain's ids).
ACTIVITIES: tuple[str, ...] = tuple(RESTRICTIONS)

#: Ledger grades, best first (city pilot style).
GRADES = LEDGER_GRADES  # a ledger grade: the ledgers' one list, best first

NAME_MAX = 200
"""Longest party or program name (the stores' columns hold 200 characters)."""
BENEFIT_MAX = 2000
"""Longest program benefit text."""
SCORE_MIN, SCORE_MAX = 350, 950
MAX_CONDITIONS = 10
CONSENT_MAX_DAYS = 366
"""Longest a program consent may run; the subject grants again to go on."""
RETENTION_YEARS = 2
"""Inquiries are kept at least this long (they appear in the subject's report)."""

LEDGER_SCHEME = SCHEME  # a ledger policy's scheme id: the ledgers' one rule
CONDITIONS = ("score_at_least", "not_on_list", "on_list", "ledger_grade_at_least")

REASON_ELIGIBLE = "meets every condition of the program"
REASON_NO_SCORE = "no published score"
REASON_BELOW = "below the program's score threshold"
REASON_NO_GRADE = "no ledger grade in the program's scheme"
REASON_GRADE = "below the program's ledger grade"
REVIEW = (
    "The subject sees this decision in their report and may ask for human review by "
    "quoting its decision_id (POST /v1/me/reviews); the relying party may ask the "
    "operator to review it the same way."
)


def _bad(field_name: str, value: Any, message: str) -> InvalidInput:
    return InvalidInput(message, details=[{"field": field_name, "value": value}])


def check_choices(
    name: str, values: list[str], allowed: Mapping[str, Any] | tuple[str, ...]
) -> list[str]:
    """The values, each checked against a closed vocabulary (InvalidInput naming the bad one)."""
    for value in values:
        if value not in allowed:
            raise _bad(name, value, f"{name[:-1]} {value!r} is not one of {', '.join(allowed)}")
    return sorted(set(values))


def _score(path: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(path, value, f"{path} must be a whole score, not {value!r}")
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise _bad(path, value, f"{path} {value} is outside {SCORE_MIN}–{SCORE_MAX}")
    return value


def _list(path: str, value: Any) -> str:
    if not isinstance(value, str) or value not in LISTS:
        raise _bad(path, value, f"{path}: unknown list {value!r}; known: {', '.join(LISTS)}")
    return str(value)


def _grade(path: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != {"scheme", "grade"}:
        raise _bad(path, value, f'{path} must be {{"scheme": ..., "grade": ...}}')
    scheme, grade = value["scheme"], value["grade"]
    if not isinstance(scheme, str) or not LEDGER_SCHEME.match(scheme):
        raise _bad(f"{path}.scheme", scheme, f"{path}.scheme {scheme!r} is not a ledger scheme id")
    if grade not in GRADES:
        raise _bad(
            f"{path}.grade", grade, f"{path}.grade {grade!r} is not one of {', '.join(GRADES)}"
        )
    return {"scheme": scheme, "grade": grade}


CHECKERS = {
    "score_at_least": _score,
    "not_on_list": _list,
    "on_list": _list,
    "ledger_grade_at_least": _grade,
}


def validate_conditions(conditions: Any) -> list[dict[str, Any]]:
    """A program's conditions in canonical form, or InvalidInput naming field and value."""
    if not isinstance(conditions, list) or not conditions:
        raise _bad("conditions", conditions, "a program needs a list of at least one condition")
    if len(conditions) > MAX_CONDITIONS:
        raise _bad("conditions", len(conditions), f"at most {MAX_CONDITIONS} conditions")
    checked: list[dict[str, Any]] = []
    for index, condition in enumerate(conditions):
        path = f"conditions.{index}"
        if not isinstance(condition, dict) or len(condition) != 1:
            raise _bad(path, condition, f"{path} must be an object with exactly one condition")
        ((name, value),) = condition.items()
        if name not in CHECKERS:
            raise _bad(
                f"{path}.{name}",
                name,
                f"unknown condition {name!r}; known: {', '.join(CONDITIONS)}",
            )
        checked.append({name: CHECKERS[name](f"{path}.{name}", value)})
    return checked


@dataclass(frozen=True)
class Needs:
    """Which inputs a rule reads, so a check fetches nothing else."""

    score: bool = False
    lists: bool = False
    ledgers: tuple[str, ...] = field(default_factory=tuple)


def needs(conditions: list[dict[str, Any]]) -> Needs:
    names = [next(iter(c)) for c in conditions]
    ledgers = tuple(
        sorted(
            {
                c["ledger_grade_at_least"]["scheme"]
                for c in conditions
                if "ledger_grade_at_least" in c
            }
        )
    )
    return Needs(
        score="score_at_least" in names,
        lists=any(n in ("on_list", "not_on_list") for n in names),
        ledgers=ledgers,
    )


@dataclass(frozen=True)
class Facts:
    """What a check read about the subject (kept with the inquiry for human review)."""

    score: int | None = None
    lists: tuple[str, ...] = ()
    grades: Mapping[str, str | None] = field(default_factory=dict)


def evaluate(conditions: list[dict[str, Any]], facts: Facts) -> tuple[bool, str]:
    """(eligible, reason category); the reason names the first condition not met."""
    for condition in conditions:
        ((name, value),) = condition.items()
        if name == "score_at_least":
            if facts.score is None:
                return False, REASON_NO_SCORE
            if facts.score < value:
                return False, REASON_BELOW
        elif name == "not_on_list" and value in facts.lists:
            return False, f"on the {value} list"
        elif name == "on_list" and value not in facts.lists:
            return False, f"not on the {value} list"
        elif name == "ledger_grade_at_least":
            grade = facts.grades.get(value["scheme"])
            if grade is None:
                return False, REASON_NO_GRADE
            if GRADES.index(grade) > GRADES.index(value["grade"]):
                return False, REASON_GRADE
    return True, REASON_ELIGIBLE
