"""Ledger policies as code: parse and check a TOML policy file (pure; no I/O beyond the text).

A policy names its scheme and version, a base balance, grade bands and rules. A rule gives
points (±) to records of one catalogue category whose fields meet structured conditions
(``==``, ``<``, ``<=``, ``>``, ``>=``, ``in``; nothing is evaluated as code), for a number of
months, on a legal basis. Every problem is reported with the file, the line and the reason;
a policy with any problem is refused as a whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import re
import tomllib
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from credo.catalogue import get_catalogue
from credo.catalogue.models import FieldSpec
from credo.errors import InvalidInput
from credo.ledgers.source import Source, syntax_line

#: Ledger grades, best first (the same vocabulary as access's ``ledger_grade_at_least``).
GRADES: tuple[str, ...] = ("AAA", "AA", "A", "B", "C", "D")
#: Scheme ids (the ``<scheme>`` of a ``ledger:<scheme>`` consent scope).
SCHEME = re.compile(r"^[a-z][a-z0-9_]{0,31}\Z")
RULE_ID = re.compile(r"^[a-z][a-z0-9_]{0,47}\Z")
OPERATORS = ("==", "<", "<=", ">", ">=", "in")
#: Operators each field type allows (strings and booleans have no order worth trusting).
TYPE_OPERATORS: dict[str, tuple[str, ...]] = {
    "string": ("==", "in"),
    "boolean": ("==",),
    "integer": OPERATORS,
    "decimal": OPERATORS,
    "date": OPERATORS,
}
DEFAULT_BASE = 1000
#: (grade, lowest, highest) best first; None is open-ended.
DEFAULT_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("AAA", 1050, None),
    ("AA", 1030, 1049),
    ("A", 960, 1029),
    ("B", 850, 959),
    ("C", 600, 849),
    ("D", None, 599),
)
MAX_MONTHS = 120
MAX_POINTS = 1000
#: Bounds that keep every number a policy gives within the store's columns (32-bit versions,
#: balances and grade bounds) and the engines' 64-bit numbers.
MAX_VERSION = 2**31 - 1
MAX_BASE = 1_000_000
MAX_BOUND = 1_000_000_000
MAX_VALUE = 10**15
MAX_TITLE = 200
#: How many rules, conditions per rule and values per ``in`` a policy may have.
MAX_RULES = 200
MAX_CONDITIONS = 20
MAX_IN = 1000
#: A policy file is a page of rules; anything far larger is refused before it is parsed.
MAX_BYTES = 1_000_000
_TOO_BIG = f"the file is larger than {MAX_BYTES} characters (a policy is a page of rules)"
TOP_KEYS = {"scheme", "title", "description", "version", "base", "grades", "rules"}
RULE_KEYS = {
    "id",
    "category",
    "when",
    "points",
    "months",
    "legal_basis",
    "description",
    "ends_with",
}
ENDS_KEYS = {"category", "field"}
CONDITION_KEYS = {"field", "op", "value"}
BAND_KEYS = {"grade", "min", "max"}


@dataclass(frozen=True)
class Condition:
    """One structured test on a record field; ``value`` is a list for ``in``."""

    field: str
    op: str
    value: Any
    type: str


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    points: int
    months: int
    legal_basis: str
    when: tuple[Condition, ...] = ()
    description: str = ""
    ends_with: EndsWith | None = None


@dataclass(frozen=True)
class EndsWith:
    """Points stop counting when a record of ``category`` with the same ``field`` value occurs.

    For example a judgment's points end when its fulfilment (same ``case_number``) arrives.
    """

    category: str
    field: str


@dataclass(frozen=True)
class Band:
    grade: str
    min: int | None
    max: int | None

    def holds(self, balance: int) -> bool:
        return (self.min is None or balance >= self.min) and (
            self.max is None or balance <= self.max
        )


@dataclass(frozen=True)
class Policy:
    scheme: str
    version: int
    title: str
    base: int
    bands: tuple[Band, ...]
    rules: tuple[Rule, ...]
    description: str = ""
    source: str = field(default="", repr=False, compare=False)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()

    def grade(self, balance: int) -> str:
        """The grade of a balance (bands cover every integer, so there always is one)."""
        return next(b.grade for b in self.bands if b.holds(balance))

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("source")
        return data


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


class PolicyError(InvalidInput):
    """A policy file with problems; each names the file, the line and the reason."""

    code = "invalid_policy"

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file, self.problems = file, problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{file}:{first.line}: {first.reason}{more}",
            details=[{"file": file, "line": p.line, "reason": p.reason} for p in problems],
        )

    def lines(self) -> list[str]:
        return [f"{self.file}:{p.line}: {p.reason}" for p in self.problems]


class _Checker:
    """Collects problems while reading the parsed data."""

    def __init__(self, text: str, strict: bool = True) -> None:
        self.src = Source(text)
        self.problems: list[Problem] = []
        self.strict = strict

    def bad(self, line: int, reason: str) -> None:
        self.problems.append(Problem(line, reason))

    def limit(self, line: int, reason: str) -> None:
        """A problem with a limit added after policies were installed: a new policy is
        refused for it; an installed one (``strict`` False) is still read as it was."""
        if self.strict:
            self.bad(line, reason)

    def top(self, data: dict[str, Any]) -> tuple[str, int, str, int]:
        for key in sorted(set(data) - TOP_KEYS):
            self.bad(
                self.src.top(key), f"unknown key {key!r} (known: {', '.join(sorted(TOP_KEYS))})"
            )
        scheme = data.get("scheme")
        if not isinstance(scheme, str) or not SCHEME.match(scheme):
            self.bad(self.src.top("scheme"), f"scheme {_short(scheme)} must match {SCHEME.pattern}")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.bad(
                self.src.top("version"),
                f"version {_short(version)} must be a whole number from 1 to {MAX_VERSION}",
            )
            version = 0
        elif version > MAX_VERSION:
            self.limit(
                self.src.top("version"),
                f"version {_short(version)} must be a whole number from 1 to {MAX_VERSION}",
            )
            version = 0
        title = data.get("title", "")
        if not isinstance(title, str) or len(title) > MAX_TITLE:
            why = f"title must be text of at most {MAX_TITLE} characters"
            (self.bad if not isinstance(title, str) else self.limit)(self.src.top("title"), why)
            title = str(title)
        if not isinstance(data.get("description", ""), str):
            self.limit(self.src.top("description"), "description must be text")
        for key in ("title", "description"):
            self._hidden(self.src.top(key), key, data.get(key))
        base = data.get("base", DEFAULT_BASE)
        if isinstance(base, bool) or not isinstance(base, int) or abs(base) > MAX_BASE:
            why = f"base {_short(base)} must be a whole number of points within ±{MAX_BASE}"
            if isinstance(base, int) and not isinstance(base, bool):
                self.limit(self.src.top("base"), why)
            else:
                self.bad(self.src.top("base"), why)
                base = DEFAULT_BASE
        return str(scheme), version if isinstance(version, int) else 0, str(title), base

    def _hidden(self, line: int, what: str, value: Any) -> None:
        """Text shown to persons in their explanations may not hide anything: no control or
        format characters (zero-width spaces, right-to-left overrides, ...), tab and newline
        aside."""
        if not isinstance(value, str):
            return
        hidden = sorted(
            {c for c in value if c not in "\t\n" and unicodedata.category(c) in ("Cc", "Cf")}
        )
        if hidden:
            codes = ", ".join(f"U+{ord(c):04X}" for c in hidden[:5])
            self.limit(line, f"{what} has invisible or control characters ({codes})")

    def bands(self, raw: Any) -> tuple[Band, ...]:
        if raw is None:
            return tuple(Band(*b) for b in DEFAULT_BANDS)
        if not isinstance(raw, list) or not raw or not all(isinstance(b, dict) for b in raw):
            self.bad(self.src.top("grades"), "grades must be [[grades]] tables")
            return tuple(Band(*b) for b in DEFAULT_BANDS)
        bands: list[Band] = []
        for i, item in enumerate(raw):
            at = self.src.find("grades", i)
            for key in sorted(set(item) - BAND_KEYS):
                self.bad(self.src.find("grades", i, key), f"grade band: unknown key {key!r}")
            grade = item.get("grade")
            if grade not in GRADES:
                self.bad(at, f"grade {grade!r} is not one of {', '.join(GRADES)}")
                continue
            if bands and GRADES.index(grade) <= GRADES.index(bands[-1].grade):
                self.bad(at, f"grade {grade} must come after {bands[-1].grade} (best first)")
                continue
            ends = [item.get("min"), item.get("max")]
            for key, v in zip(("min", "max"), ends, strict=True):
                if v is not None and (
                    isinstance(v, bool) or not isinstance(v, int) or abs(v) > MAX_BOUND
                ):
                    why = (
                        f"grade {grade}: {key} {_short(v)} must be a whole number within "
                        f"±{MAX_BOUND}"
                    )
                    if isinstance(v, int) and not isinstance(v, bool):
                        self.limit(self.src.find("grades", i, key), why)
                        continue
                    self.bad(self.src.find("grades", i, key), why)
                    return tuple(Band(*b) for b in DEFAULT_BANDS)
            bands.append(Band(grade, ends[0], ends[1]))
        self._contiguous(bands)
        return tuple(bands)

    def _contiguous(self, bands: list[Band]) -> None:
        """Bands, best first, must cover every balance exactly once."""
        if not bands:
            return
        if bands[0].max is not None:
            line = self.src.find("grades", 0, "max")
            self.bad(
                line,
                f"grade {bands[0].grade} (the best) must have no max: balances above "
                f"{bands[0].max} would have no grade",
            )
        if bands[-1].min is not None:
            line = self.src.find("grades", len(bands) - 1, "min")
            self.bad(
                line,
                f"grade {bands[-1].grade} (the worst) must have no min: balances below "
                f"{bands[-1].min} would have no grade",
            )
        for i, (upper, lower) in enumerate(itertools.pairwise(bands), start=1):
            if lower.min is not None and lower.max is not None and lower.min > lower.max:
                self.bad(
                    self.src.find("grades", i, "min"),
                    f"grade {lower.grade}: min {lower.min} is above max {lower.max}",
                )
            if upper.min is None or lower.max is None:
                self.bad(
                    self.src.find("grades", i, "max"),
                    f"grades {upper.grade} and {lower.grade} must meet: {upper.grade} needs a "
                    f"min and {lower.grade} a max",
                )
            elif lower.max >= upper.min:
                self.bad(
                    self.src.find("grades", i, "max"),
                    f"grade {lower.grade} (max {lower.max}) overlaps {upper.grade} "
                    f"(min {upper.min})",
                )
            elif lower.max + 1 < upper.min:
                self.bad(
                    self.src.find("grades", i, "max"),
                    f"gap between grade {lower.grade} (max {lower.max}) and {upper.grade} "
                    f"(min {upper.min}): balances {lower.max + 1}–{upper.min - 1} have no grade",
                )

    def rules(self, raw: Any) -> tuple[Rule, ...]:
        if not raw:
            self.bad(self.src.top("rules"), "a policy needs at least one [[rules]] table")
            return ()
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            self.bad(self.src.top("rules"), "rules must be [[rules]] tables")
            return ()
        if len(raw) > MAX_RULES and self.strict:
            line = self.src.find("rules", MAX_RULES)
            self.bad(line, f"a policy has at most {MAX_RULES} rules (this one has {len(raw)})")
            return ()
        out: list[Rule] = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            rule = self._rule(i, item, seen)
            if rule is not None:
                out.append(rule)
        return tuple(out)

    def _rule(self, i: int, item: dict[str, Any], seen: set[str]) -> Rule | None:
        find = self.src.find
        before = len(self.problems)
        rid = item.get("id")
        name = f"rule {rid!r}" if isinstance(rid, str) else f"rule #{i + 1}"
        for key in sorted(set(item) - RULE_KEYS):
            self.bad(find("rules", i, key), f"{name}: unknown key {key!r}")
        if not isinstance(rid, str) or not RULE_ID.match(rid):
            self.bad(find("rules", i, "id"), f"{name}: id must match {RULE_ID.pattern}")
        elif rid in seen:
            self.bad(find("rules", i, "id"), f"{name}: id is used by an earlier rule")
        else:
            seen.add(rid)
        if not isinstance(item.get("description", ""), str):
            self.limit(find("rules", i, "description"), f"{name}: description must be text")
        basis = item.get("legal_basis")
        if not isinstance(basis, str) or not basis.strip():
            self.bad(find("rules", i, "legal_basis"), f"{name}: legal_basis is required")
        elif not any(c.isalnum() for c in basis):
            self.limit(
                find("rules", i, "legal_basis"),
                f"{name}: legal_basis {_short(basis)} must name a law or regulation (it has no "
                "letter or digit)",
            )
        for key in ("legal_basis", "description"):
            self._hidden(find("rules", i, key), f"{name}: {key}", item.get(key))
        points = item.get("points")
        if (
            isinstance(points, bool)
            or not isinstance(points, int)
            or points == 0
            or abs(points) > MAX_POINTS
        ):
            self.bad(
                find("rules", i, "points"),
                f"{name}: points {_short(points)} must be a non-zero whole number within "
                f"±{MAX_POINTS}",
            )
        months = item.get("months")
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
            self.bad(
                find("rules", i, "months"),
                f"{name}: months {_short(months)} must be a whole number from 1 to {MAX_MONTHS}",
            )
        fields = self._category(i, name, item.get("category"))
        conditions = self._conditions(i, name, item.get("when", []), fields)
        ends = self._ends(i, name, item.get("ends_with"), fields, item.get("category"))
        if len(self.problems) > before or fields is None:
            return None
        return Rule(
            id=str(rid),
            category=str(item["category"]),
            points=int(points),  # type: ignore[arg-type]
            months=int(months),  # type: ignore[arg-type]
            legal_basis=str(basis).strip(),
            when=conditions,
            description=str(item.get("description", "")),
            ends_with=ends,
        )

    def retention(self, rules: tuple[Rule, ...], raw: Any) -> None:
        """A rule's points may not outlast its records: a record is kept its category's
        retention years from its date at most, and expires (its points leave) then, so a
        longer ``months`` would show the person a stop date that never comes."""
        for i, item in enumerate(raw if isinstance(raw, list) and self.strict else []):
            rule = next(
                (r for r in rules if isinstance(item, dict) and r.id == item.get("id")), None
            )
            if rule is None:
                continue
            kept = get_catalogue().get(rule.category).retention_years
            if rule.months > kept * 12:
                self.bad(
                    self.src.find("rules", i, "months"),
                    f"rule {rule.id!r}: months {rule.months} outlast the record: {rule.category} "
                    f"records are kept {kept} years, so points may count at most {kept * 12} "
                    "months",
                )

    def _ends(
        self,
        i: int,
        name: str,
        raw: Any,
        fields: dict[str, FieldSpec] | None,
        item_category: Any = None,
    ) -> EndsWith | None:
        if raw is None:
            return None
        line = self.src.find("rules", i, "ends_with")
        if not isinstance(raw, dict) or set(raw) != ENDS_KEYS:
            self.bad(line, f'{name}: ends_with must be {{ category = "...", field = "..." }}')
            return None
        category, fname = raw["category"], raw["field"]
        try:
            ending = get_catalogue().get(str(category))
        except InvalidInput as exc:
            self.bad(line, f"{name}: ends_with: {exc.message}")
            return None
        if ending.dimension == "none" and self.strict:
            why = f"category {category!r} feeds integrity checks only, never points"
            self.limit(line, f"{name}: ends_with: {why}")
            return None
        if category == item_category and self.strict:
            why = (
                f"ends_with category {category!r} is the rule's own: every record would end itself"
            )
            self.limit(line, f"{name}: {why}")
            return None
        other = ending.field_map
        for where, spec in (("the rule's category", fields), (repr(category), other)):
            found = spec.get(fname) if spec is not None and isinstance(fname, str) else None
            if spec is not None and (found is None or found.type != "string"):
                self.bad(line, f"{name}: ends_with field {fname!r} is not a text field of {where}")
                return None
        return EndsWith(str(category), str(fname))

    def _category(self, i: int, name: str, category: Any) -> dict[str, FieldSpec] | None:
        line = self.src.find(
            "rules", i, "category", category if isinstance(category, str) else None
        )
        if not isinstance(category, str):
            self.bad(line, f"{name}: category is required")
            return None
        try:
            spec = get_catalogue().get(category)
        except InvalidInput as exc:
            self.bad(line, f"{name}: {exc.message}")
            return None
        if spec.dimension == "none":
            self.bad(
                line, f"{name}: category {category!r} feeds integrity checks only, never points"
            )
            return None
        return spec.field_map

    def _conditions(
        self, i: int, name: str, raw: Any, fields: dict[str, FieldSpec] | None
    ) -> tuple[Condition, ...]:
        if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
            self.bad(
                self.src.find("rules", i, "when"),
                f"{name}: when must be a list of {{ field = ..., op = ..., value = ... }}",
            )
            return ()
        if len(raw) > MAX_CONDITIONS and self.strict:
            self.bad(
                self.src.find("rules", i, "when"),
                f"{name}: at most {MAX_CONDITIONS} conditions (this one has {len(raw)})",
            )
            return ()
        out = []
        for c in raw:
            where = self.src.find("rules", i, "when", c.get("field"))
            for key in sorted(set(c) - CONDITION_KEYS):
                self.bad(where, f"{name}: condition has unknown key {key!r}")
            fname, op, value = c.get("field"), c.get("op"), c.get("value")
            if op not in OPERATORS:
                self.bad(where, f"{name}: operator {op!r} is not one of {', '.join(OPERATORS)}")
                continue
            if fields is None:
                continue
            spec = fields.get(fname) if isinstance(fname, str) else None
            if spec is None:
                self.bad(
                    where,
                    f"{name}: field {fname!r} is not a field of the category "
                    f"(fields: {', '.join(fields)})",
                )
                continue
            if op not in TYPE_OPERATORS[spec.type]:
                self.bad(
                    where,
                    f"{name}: operator {op!r} does not apply to {spec.type} field "
                    f"{fname!r} (use {', '.join(TYPE_OPERATORS[spec.type])})",
                )
                continue
            checked = self._value(where, name, spec, op, value)
            if checked is not None:
                out.append(Condition(spec.name, op, checked, spec.type))
        return tuple(out)

    def _value(self, line: int, name: str, spec: FieldSpec, op: str, value: Any) -> Any:
        if op == "in":
            if not isinstance(value, list) or not value or (len(value) > MAX_IN and self.strict):
                self.bad(
                    line,
                    f"{name}: 'in' needs a non-empty list of at most {MAX_IN} values for "
                    f"{spec.name!r}",
                )
                return None
            items = [self._one(line, name, spec, v) for v in value]
            return None if any(v is None for v in items) else tuple(items)
        return self._one(line, name, spec, value)

    def _one(self, line: int, name: str, spec: FieldSpec, value: Any) -> Any:
        kind = spec.type
        ok: Any = None
        number = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and (not self.strict or (math.isfinite(value) and abs(value) <= MAX_VALUE))
        )
        if kind == "date":
            ok = _iso_date(value)
        elif kind == "decimal" and number:
            ok = float(value)
        else:
            wanted = {"string": str, "boolean": bool, "integer": int}.get(kind, type(None))
            ok = value if isinstance(value, wanted) and (kind != "integer" or number) else None
        if ok is None:
            bound = f" within ±{MAX_VALUE}" if kind in ("integer", "decimal") else ""
            self.bad(
                line, f"{name}: value {_short(value)} is not a {kind}{bound} (field {spec.name!r})"
            )
            return None
        if spec.choices is not None and ok not in spec.choices:
            self.bad(
                line,
                f"{name}: value {value!r} is not one of {spec.name!r}'s choices "
                f"({', '.join(spec.choices)})",
            )
            return None
        return ok


def _short(value: Any) -> str:
    """A value for a message, cut short (a hostile file's value may be huge)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _iso_date(value: Any) -> str | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def toml(text: str, file: str, *, installed: bool = False) -> dict[str, Any]:
    """A policy file's TOML data, or PolicyError naming the file and the line of a syntax error."""
    if len(text) > MAX_BYTES and not installed:
        raise PolicyError(file, [Problem(1, _TOO_BIG)])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, reason = syntax_line(exc)
        raise PolicyError(file, [Problem(line, reason)]) from None
    except RecursionError:
        reason = "not valid TOML: arrays or tables nested too deeply"
        raise PolicyError(file, [Problem(1, reason)]) from None


def read_text(path: str) -> str:
    """A policy file's text (an unreadable file is a PolicyError naming it)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(MAX_BYTES + 1)
        if len(text) > MAX_BYTES:
            raise PolicyError(path, [Problem(1, _TOO_BIG)])
        return text
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(path, [Problem(1, f"cannot read the file: {exc}")]) from None


def parse(text: str, file: str = "<policy>", *, installed: bool = False) -> Policy:
    """The policy a TOML text declares, or PolicyError naming file, line and reason.

    ``installed``: the text of a policy already installed, read as it was accepted (limits
    added since, ``_Checker.limit``, refuse only new policies)."""
    data = toml(text, file, installed=installed)
    checker = _Checker(text, strict=not installed)
    scheme, version, title, base = checker.top(data)
    bands = checker.bands(data.get("grades"))
    rules = checker.rules(data.get("rules"))
    checker.retention(rules, data.get("rules"))
    if checker.problems:
        raise PolicyError(file, sorted(checker.problems, key=lambda p: p.line))
    description = data.get("description", "")
    return Policy(scheme, version, title, base, bands, rules, str(description), text)


def read(path: str) -> Policy:
    """Parse a policy file (an unreadable file is an InvalidInput naming it)."""
    return parse(read_text(path), path)
