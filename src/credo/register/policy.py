"""The grade policy: the ledgers' policy format plus recency decay, list points and safety.

The file is read by the ledgers' checker (``credo.ledgers.policy``) for what the two share —
scheme, version, base, grade bands, rules with structured conditions and ``ends_with`` —
so every problem names the file, the line and the reason in the same way. What only the
register has is checked here: ``half_life_months`` and ``while_listed`` on a rule,
``[[lists]]`` tables and the ``[safety]`` table. Pure: no I/O beyond reading the text.

The grade is public, so it reads only lists public for organisations (``public_lists``, the
lists' own ``public_kinds``, as their public entries and the export use): a ``[[lists]]``
table or a ``while_listed`` naming any other list is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from credo.ledgers.policy import MAX_MONTHS, Policy, PolicyError, _Checker, read_text, toml
from credo.lists.rules import LISTS

DEFAULT_FILE = Path(__file__).with_name("grade-policy.toml")
REGISTER_GRADES = ("A", "B", "C", "D")
LIST_KEYS = {"list", "points", "description"}
SAFETY_KEYS = {
    "inspection_months",
    "penalty_months",
    "appeal_days",
    "grade_rating",
    "penalty_points",
    "domains",
}
INSPECTION_GRADES = ("A", "B", "C", "D")
SEVERITIES = ("minor", "general", "serious")
MAX_RATING = 5


def public_lists() -> frozenset[str]:
    """The lists public for organisations: the only ones the public grade may read (the same
    test as the lists' public entries, ``"organisation" in public_kinds``)."""
    return frozenset(k for k, rule in LISTS.items() if "organisation" in rule.public_kinds)


@dataclass(frozen=True)
class ListRule:
    """Points that count while the organisation is on a list."""

    list: str
    points: int
    description: str = ""


@dataclass(frozen=True)
class Safety:
    """How a domain's 0-5 rating is made from inspections and penalties."""

    inspection_months: int
    penalty_months: int
    appeal_days: int
    grade_rating: dict[str, int]
    penalty_points: dict[str, int]
    domains: dict[str, str]  # rating domain -> catalogue ``domain`` value


@dataclass(frozen=True, kw_only=True)
class GradePolicy(Policy):
    """A parsed grade policy: a ledger policy plus ``half_lives`` (a rule id's half-life in
    months), ``while_listed`` (a rule id's list: the rule counts a record while that list's
    entry holding it is in force, and until the entry ends), list points and the safety
    ratings."""

    half_lives: dict[str, int]
    while_listed: dict[str, str]
    lists: tuple[ListRule, ...]
    safety: Safety

    def categories(self) -> set[str]:
        out = {r.category for r in self.rules}
        out |= {r.ends_with.category for r in self.rules if r.ends_with is not None}
        return out | {"inspection.result", "penalty.imposed"}


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _while_listed(checker: _Checker, i: int, rule: dict[str, Any]) -> str | None:
    """Take ``while_listed`` out of a rule: a public list whose entry decides when the rule's
    record counts, so the rule has no ``months`` or ``ends_with`` of its own."""
    if "while_listed" not in rule:
        return None
    src, name = checker.src, f"rule {rule.get('id')!r}"
    value = rule.pop("while_listed")
    public = ", ".join(sorted(public_lists()))
    if not isinstance(value, str) or value not in public_lists():
        known = isinstance(value, str) and value in LISTS
        why = "is not public for organisations:" if known else "is not one of"
        checker.bad(
            src.find("rules", i, "while_listed"),
            f"{name}: while_listed {value!r} {why} the public lists ({public})",
        )
    for key in ("months", "ends_with"):
        if key in rule:
            checker.bad(
                src.find("rules", i, key),
                f"{name}: {key} does not apply with while_listed (the record counts while "
                "its list entry is in force and until that entry ends)",
            )
    rule["months"] = MAX_MONTHS  # the shared checker wants one; the entry's end is the end
    return str(value)


def _extras(
    checker: _Checker, data: dict[str, Any]
) -> tuple[dict[str, int], dict[str, str], list[ListRule]]:
    """Take ``half_life_months`` and ``while_listed`` out of each rule (checked here) and
    read ``[[lists]]``."""
    src, half_lives, listed = checker.src, {}, {}
    for i, rule in enumerate(data.get("rules") or []):
        if not isinstance(rule, dict):
            continue
        list_id = _while_listed(checker, i, rule)
        if list_id is not None:
            listed[str(rule.get("id"))] = list_id
        if "half_life_months" not in rule:
            continue
        value = rule.pop("half_life_months")
        if not _whole(value, 1, MAX_MONTHS):
            checker.bad(
                src.find("rules", i, "half_life_months"),
                f"rule {rule.get('id')!r}: half_life_months {value!r} must be a whole number "
                f"from 1 to {MAX_MONTHS}",
            )
        else:
            half_lives[str(rule.get("id"))] = value
    public = public_lists()
    out: list[ListRule] = []
    for i, item in enumerate(data.get("lists") or []):
        line = src.find("lists", i)
        if not isinstance(item, dict):
            checker.bad(line, "lists must be [[lists]] tables")
            continue
        for key in sorted(set(item) - LIST_KEYS):
            checker.bad(src.find("lists", i, key), f"list rule: unknown key {key!r}")
        name, points = item.get("list"), item.get("points")
        if name not in LISTS:
            checker.bad(line, f"list {name!r} is not one of {', '.join(sorted(LISTS))}")
        elif name not in public:
            checker.bad(
                line,
                f"list {name!r} is not public for organisations: the public grade counts only "
                f"the public lists ({', '.join(sorted(public))})",
            )
        elif not _whole(points, -1000, 1000) or points == 0:
            checker.bad(src.find("lists", i, "points"), f"list {name}: points {points!r} invalid")
        else:
            out.append(ListRule(str(name), int(str(points)), str(item.get("description", ""))))
    return half_lives, listed, out


def _safety(checker: _Checker, raw: Any) -> Safety:
    line = checker.src.top("safety")
    fallback = Safety(36, 12, 21, {"A": 5, "B": 4, "C": 2, "D": 0}, {}, {})
    if not isinstance(raw, dict):
        checker.bad(line, "a [safety] table is required")
        return fallback
    for key in sorted(set(raw) - SAFETY_KEYS) + sorted(SAFETY_KEYS - set(raw)):
        known = "unknown" if key in raw else "missing"
        checker.bad(line, f"safety: {known} key {key!r}")
    for key in ("inspection_months", "penalty_months"):
        if not _whole(raw.get(key), 1, MAX_MONTHS):
            checker.bad(line, f"safety: {key} {raw.get(key)!r} must be from 1 to {MAX_MONTHS}")
    if not _whole(raw.get("appeal_days"), 1, 365):
        checker.bad(line, f"safety: appeal_days {raw.get('appeal_days')!r} must be 1 to 365")
    rating = raw.get("grade_rating")
    if not isinstance(rating, dict) or set(rating) != set(INSPECTION_GRADES) or not all(
        _whole(v, 0, MAX_RATING) for v in rating.values()
    ):
        checker.bad(line, f"safety: grade_rating must give each of A-D a rating 0-{MAX_RATING}")
    points = raw.get("penalty_points")
    if not isinstance(points, dict) or set(points) - set(SEVERITIES) or not all(
        _whole(v, 0, MAX_RATING) for v in points.values()
    ):
        checker.bad(line, f"safety: penalty_points keys must be in {SEVERITIES}, values 0-5")
    domains = raw.get("domains")
    if not isinstance(domains, dict) or not domains or not all(
        isinstance(v, str) and v.endswith("_safety") for v in domains.values()
    ):
        checker.bad(line, "safety: domains must map a rating domain to an inspection domain")
    if checker.problems:
        return fallback
    return Safety(
        int(raw["inspection_months"]),
        int(raw["penalty_months"]),
        int(raw["appeal_days"]),  # checked whole above
        dict(rating),  # type: ignore[arg-type]
        dict(points),  # type: ignore[arg-type]
        dict(domains),  # type: ignore[arg-type]
    )


def parse(text: str, file: str = "<grade policy>") -> GradePolicy:
    """The grade policy a TOML text declares, or PolicyError naming file, line and reason."""
    data = toml(text, file)
    checker = _Checker(text)
    half_lives, while_listed, lists = _extras(checker, data)
    safety = _safety(checker, data.get("safety"))
    shared = {k: v for k, v in data.items() if k not in ("lists", "safety")}
    scheme, version, title, base = checker.top(shared)
    bands = checker.bands(data.get("grades"))
    if tuple(b.grade for b in bands) != REGISTER_GRADES:
        checker.bad(checker.src.top("grades"), "the register's grades are exactly A, B, C, D")
    rules = checker.rules(data.get("rules"))
    if checker.problems:
        raise PolicyError(file, sorted(checker.problems, key=lambda p: p.line))
    return GradePolicy(
        scheme,
        version,
        title,
        base,
        bands,
        rules,
        str(data.get("description", "")),
        text,
        half_lives=half_lives,
        while_listed=while_listed,
        lists=tuple(lists),
        safety=safety,
    )


@lru_cache(maxsize=4)
def load(path: str | None = None) -> GradePolicy:
    """The policy in force: the packaged file unless a path is given (parsed once)."""
    target = str(Path(path) if path else DEFAULT_FILE)
    return parse(read_text(target), target)
