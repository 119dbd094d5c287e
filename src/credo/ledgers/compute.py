"""Ledger computation as Ibis expressions over the snapshot: entries, then balances and grades.

Runs on any Ibis engine (DuckDB by default, Spark at scale); nothing here knows which. A
record earns a rule's points when it is of the rule's category, meets every condition,
occurred on or before the as-of date and still counts on it (``counts_until`` =
``occurred_on`` + the rule's months, clamped to the month's end, is after the as-of date),
and its subject has opted in. Every matching rule applies. Category fields are canonical
JSON text, read with substring and regular-expression functions both engines run natively.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TypeVar

import ibis
import ibis.expr.types as ir

from credo.ledgers.policy import Condition, Policy, Rule

T = TypeVar("T")

ENTRY_COLUMNS = (
    "subject_id",
    "record_id",
    "rule_id",
    "points",
    "occurred_on",
    "counts_until",
)


def _number(t: ir.Table, name: str, kind: str) -> ir.NumericColumn:
    pattern = (
        f'"{name}":"?(-?[0-9]+(\\.[0-9]+)?)"?' if kind == "decimal" else f'"{name}":(-?[0-9]+)'
    )
    text = t.fields.re_extract(pattern, 1).nullif("")
    return text.cast("float64" if kind == "decimal" else "int64")


def _token(name: str, value: object) -> str:
    """The exact canonical-JSON text of ``"name":value`` (keys sorted, no spaces)."""
    return f'"{name}":{json.dumps(value, ensure_ascii=False)}'


def _equals(t: ir.Table, c: Condition, value: object) -> ir.BooleanValue:
    if c.type in ("string", "boolean", "date"):
        return t.fields.contains(_token(c.field, value))
    return _number(t, c.field, c.type) == value


def condition(t: ir.Table, c: Condition) -> ir.BooleanValue:
    """One condition as a boolean column (a missing field never matches)."""
    if c.op == "==":
        return _equals(t, c, c.value)
    if c.op == "in":
        if c.type in ("string", "boolean", "date"):
            return _balanced([_equals(t, c, v) for v in c.value], lambda a, b: a | b)
        return _number(t, c.field, c.type).isin(list(c.value))
    if c.type == "date":
        column: ir.Value = t.fields.re_extract(f'"{c.field}":"([0-9-]+)"', 1).nullif("")
    else:
        column = _number(t, c.field, c.type)
    value = c.value
    return {
        "<": lambda: column < value,
        "<=": lambda: column <= value,
        ">": lambda: column > value,
        ">=": lambda: column >= value,
    }[c.op]()


def _balanced(items: list[T], join: Callable[[T, T], T]) -> T:
    """``items`` joined pairwise as a balanced tree: an expression as deep as log2 of their
    number, not their number (a chain of a hundred rules or values overflows Python's
    recursion limit when Ibis compiles it)."""
    while len(items) > 1:
        pairs = [join(a, b) for a, b in zip(items[::2], items[1::2], strict=False)]
        items = pairs + ([items[-1]] if len(items) % 2 else [])
    return items[0]


def rule_entries(records: ir.Table, rule: Rule, as_of: dt.date) -> ir.Table:
    """Entries one rule gives on the as-of date (subject, record, rule, points, dates)."""
    day = ibis.literal(as_of)
    t = records.filter(records.category == rule.category, records.occurred_on <= day)
    for c in rule.when:
        t = t.filter(condition(t, c).fill_null(False))
    until = (t.occurred_on + ibis.interval(months=rule.months)).cast("date")
    if rule.ends_with is not None:
        t, until = _ended(records, t, rule, day, until)
    t = t.select(
        subject_id=t.subject_id.cast("int64"),
        record_id=t.record_id.cast("int64"),
        rule_id=ibis.literal(rule.id, "string"),
        points=ibis.literal(rule.points, "int64"),
        occurred_on=t.occurred_on,
        counts_until=until,
    )
    return t.filter(t.counts_until > day)


def _text(t: ir.Table, name: str) -> ir.StringValue:
    return t.fields.re_extract(f'"{name}":"([^"]*)"', 1).nullif("")


def _ended(
    records: ir.Table, t: ir.Table, rule: Rule, day: ir.DateScalar, until: ir.DateValue
) -> tuple[ir.Table, ir.DateValue]:
    """Join the first ending record (same subject, same key) and cut ``counts_until`` there."""
    assert rule.ends_with is not None
    key = rule.ends_with.field
    e = records.filter(records.category == rule.ends_with.category, records.occurred_on <= day)
    e = e.select(end_subject=e.subject_id, end_key=_text(e, key), end_on=e.occurred_on)
    ends = e.group_by("end_subject", "end_key").agg(ended_on=e.end_on.min())
    t = t.mutate(key=_text(t, key), until=until)
    joined = t.left_join(ends, [t.subject_id == ends.end_subject, t.key == ends.end_key])
    cut = ibis.cases(
        (joined.ended_on.notnull() & (joined.ended_on < joined.until), joined.ended_on),
        else_=joined.until,
    )
    return joined, cut


def entries(records: ir.Table, opted_in: ir.Table, policy: Policy, as_of: dt.date) -> ir.Table:
    """Every entry in force on the as-of date for the subjects who opted in."""
    parts = [rule_entries(records, rule, as_of) for rule in policy.rules]
    union = _balanced(parts, lambda a, b: a.union(b, distinct=False))
    return union.semi_join(opted_in, union.subject_id == opted_in.subject_id)


def grade_case(balance: ir.IntegerValue, policy: Policy) -> ir.StringValue:
    """The grade of a balance column by the policy's bands (best first)."""
    branches = []
    for band in policy.bands[:-1]:
        assert band.min is not None  # checked when the policy was parsed
        branches.append((balance >= band.min, band.grade))
    worst = policy.bands[-1].grade
    if not branches:  # one band: every balance has its grade
        return ibis.literal(worst, "string")
    return ibis.cases(*branches, else_=worst)


def balances(entry_table: ir.Table, opted_in: ir.Table, policy: Policy) -> ir.Table:
    """One row per opted-in subject: base plus the points in force, and the grade."""
    sums = entry_table.group_by("subject_id").agg(total=entry_table.points.sum())
    joined = opted_in.select(subject_id=opted_in.subject_id.cast("int64")).left_join(
        sums, "subject_id"
    )
    balance = (joined.total.fill_null(0) + policy.base).cast("int64")
    out = joined.select(subject_id=joined.subject_id, balance=balance)
    return out.mutate(grade=grade_case(out.balance, policy))
