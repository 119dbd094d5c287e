"""Score features as Ibis expressions: small declared objects, computed per subject as of a date.

Each feature names its dimension, a reason template (``{value}``), the catalogue categories
it reads, whether a subject can act on it and its direction (domain knowledge: more late
payments never earn points, a verified identity never costs any; see ``credo.scoring
.directions``). A feature sees only the records of the categories it declares
(``Context.records`` refuses any other), only those that occurred on or before the as-of date
and within the lookback (the shorter of ``CREDO_RETENTION_YEARS`` and the category's own
retention: nothing older than the registry may keep is ever read), and aggregates them per
subject: no feature reads another subject's data, and ``payment.transfer`` feeds none.

Only persons are scored: organisations get no credit score from the persons' scorecard (their
public grade is the register's business), so ``features`` returns person rows only.

Category fields are canonical JSON text (sorted keys, no spaces), so a field is read with a
regular expression both engines run natively (no UDF).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from credo.scoring import DIMENSIONS
from credo.scoring.directions import DIRECTIONS, HIGHER_IS_BETTER, LOWER_IS_BETTER

NEVER_FEATURES = frozenset({"payment.transfer"})
#: The subject kind the scorecard scores; organisations are never given a person's score.
SCORED_KIND = "person"


def lookback_years(categories: Sequence[str], registry_years: int | None = None) -> int:
    """Years a feature may look back: the shortest of the registry's and its categories'."""
    from credo.catalogue import get_catalogue

    if registry_years is None:
        from credo.config import get_settings

        registry_years = get_settings().retention_years
    catalogue = get_catalogue().categories
    return min([registry_years, *(catalogue[c].retention_years for c in categories)])


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_index(day: ir.DateValue) -> ir.IntegerValue:
    """Months since year 0 (for whole-month differences on any engine)."""
    return day.year().cast("int64") * 12 + day.month().cast("int64")


def int_field(t: ir.Table, name: str) -> ir.IntegerColumn:
    return t.fields.re_extract(f'"{name}":(-?[0-9]+)', 1).nullif("").cast("int64")


def minor_field(t: ir.Table, name: str) -> ir.IntegerColumn:
    """A decimal field (held as text, e.g. ``"5000.00"``) in minor units (cents)."""
    text = t.fields.re_extract(f'"{name}":"?(-?[0-9]+(\\.[0-9]+)?)"?', 1).nullif("")
    return (text.cast("float64") * 100).round().cast("int64")


def str_field(t: ir.Table, name: str) -> ir.StringColumn:
    return t.fields.re_extract(f'"{name}":"([^"]*)"', 1).nullif("")


def bool_field(t: ir.Table, name: str) -> ir.BooleanColumn:
    return t.fields.re_extract(f'"{name}":(true|false)', 1) == "true"


class Context:
    """What one feature may read: its declared categories' records up to the as-of date."""

    def __init__(
        self,
        records: ir.Table,
        as_of: dt.date,
        allowed: Sequence[str],
        registry_years: int | None = None,
    ) -> None:
        self._records = records
        self.as_of = as_of
        self.allowed = frozenset(allowed)
        self.years = lookback_years(sorted(self.allowed), registry_years)

    def records(self, category: str) -> ir.Table:
        """Live records of one declared category, on or before the as-of date, within lookback."""
        if category not in self.allowed:
            raise PermissionError(f"feature did not declare category {category!r}")
        t = self._records
        return t.filter(
            t.category == category,
            t.occurred_on <= ibis.literal(self.as_of),
            t.occurred_on > self.since(12 * self.years),
        )

    def since(self, months: int) -> ir.DateScalar:
        """The start (exclusive) of a window of ``months`` ending on the as-of date."""
        return ibis.literal(add_months(self.as_of, -months))

    def month_index(self) -> int:
        return self.as_of.year * 12 + self.as_of.month


@dataclass(frozen=True)
class Feature:
    """A declared feature; ``compute`` returns a table of (subject_id, value) per subject."""

    name: str
    dimension: str
    description: str
    categories: tuple[str, ...]
    actionable: bool
    compute: Callable[[Context], ir.Table]
    default: int | None = 0
    direction: str = ""
    #: How the value is written in a reason (``scoring.reasons.format_value``).
    unit: str = "count"
    #: The reason when the subject has no data on the feature (e.g. "No card on record").
    no_data: str = ""
    #: The reason for the value 0, when the ``{value}`` sentence would read oddly.
    zero: str = ""
    #: The reason for the value 1 (the singular of a count).
    one: str = ""

    def reason_templates(self) -> dict[str, str]:
        """The feature's sentence per kind of value, as the scorecard's ``descriptions``."""
        out = {"value": self.description, "unit": self.unit}
        if self.no_data:
            out["missing"] = self.no_data
        if self.zero:
            out["zero"] = self.zero
        if self.one:
            out["one"] = self.one
        return out

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"feature {self.name!r}: unknown dimension {self.dimension!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(
                f"feature {self.name!r} must declare its direction ({', '.join(DIRECTIONS)})"
            )
        if NEVER_FEATURES & set(self.categories):
            raise ValueError(f"feature {self.name!r} may not read {sorted(NEVER_FEATURES)}")


# ---- the features ---------------------------------------------------------------------------


def _late(days: int) -> Callable[[Context], ir.Table]:
    def compute(ctx: Context) -> ir.Table:
        t = ctx.records("loan.repayment")
        t = t.filter(t.occurred_on > ctx.since(24), int_field(t, "days_late") >= days)
        return t.group_by("subject_id").agg(value=t.count())

    return compute


def _recent(category: str, months: int) -> Callable[[Context], ir.Table]:
    """The count of a subject's ``category`` records in the last ``months`` months."""

    def compute(ctx: Context) -> ir.Table:
        t = ctx.records(category)
        t = t.filter(t.occurred_on > ctx.since(months))
        return t.group_by("subject_id").agg(value=t.count())

    return compute


def _months_since_late(ctx: Context) -> ir.Table:
    t = ctx.records("loan.repayment")
    t = t.filter(int_field(t, "days_late") >= 30)
    return t.group_by("subject_id").agg(value=ctx.month_index() - month_index(t.occurred_on.max()))


def _history(ctx: Context) -> ir.Table:
    t = ctx.records("loan.opened")
    return t.group_by("subject_id").agg(value=ctx.month_index() - month_index(t.occurred_on.min()))


def _utilisation(ctx: Context) -> ir.Table:
    t = ctx.records("card.utilisation")
    t = t.filter(t.occurred_on > ctx.since(12)).mutate(
        account=str_field(t, "account_id"), credit_limit=minor_field(t, "credit_limit")
    )
    order = [t.occurred_on.desc(), t.record_id.desc()]
    t = t.mutate(n=ibis.row_number().over(group_by=[t.subject_id, t.account], order_by=order))
    t = t.filter(t.n == 0)
    total = t.group_by("subject_id").agg(balance=t.amount_minor.sum(), cap=t.credit_limit.sum())
    return total.select("subject_id", value=total.balance / total.cap.nullif(0))


def _open_judgments(ctx: Context) -> ir.Table:
    judged = ctx.records("court.judgment")
    judged = judged.mutate(case=str_field(judged, "case_number"))
    done = ctx.records("court.fulfilment")
    done = done.select("subject_id", case=str_field(done, "case_number")).distinct()
    return judged.anti_join(done, [judged.subject_id == done.subject_id, judged.case == done.case])


def _open_judgment_count(ctx: Context) -> ir.Table:
    t = _open_judgments(ctx)
    return t.group_by("subject_id").agg(value=t.count())


def _open_judgment_amount(ctx: Context) -> ir.Table:
    t = _open_judgments(ctx)
    return t.group_by("subject_id").agg(value=t.amount_minor.sum().fill_null(0) // 100)


def _tax_arrears(ctx: Context) -> ir.Table:
    t = ctx.records("tax.arrears")
    settled = str_field(t, "settled_on")
    t = t.filter(settled.isnull() | (settled > ctx.as_of.isoformat()))
    return t.group_by("subject_id").agg(value=t.count())


def _percent(ok: ir.BooleanColumn, t: ir.Table) -> ir.IntegerScalar:
    """Whole percent (floored) of rows where ``ok`` holds: exact on every engine."""
    return (ok.cast("int64").sum() * 100 / t.count()).floor().cast("int64")


def _bills(ctx: Context) -> ir.Table:
    t = ctx.records("bill.payment")
    t = t.filter(t.occurred_on > ctx.since(24))
    return t.group_by("subject_id").agg(value=_percent(int_field(t, "days_late") == 0, t))


def _taxes(ctx: Context) -> ir.Table:
    t = ctx.records("tax.filing")
    t = t.filter(t.occurred_on > ctx.since(60))
    return t.group_by("subject_id").agg(value=_percent(bool_field(t, "on_time"), t))


def _identity(ctx: Context) -> ir.Table:
    t = ctx.records("identity.verification")
    return t.group_by("subject_id").agg(value=int_field(t, "level").max())


FEATURES: tuple[Feature, ...] = (
    Feature(
        "late_30_24m",
        "history",
        "{value} repayments 30 or more days late in the last 24 months",
        ("loan.repayment",),
        False,
        _late(30),
        direction=LOWER_IS_BETTER,
        unit="count",
        no_data="No repayments on record in the last 24 months",
        one="1 repayment 30 or more days late in the last 24 months",
    ),
    Feature(
        "late_90_24m",
        "history",
        "{value} repayments 90 or more days late in the last 24 months",
        ("loan.repayment",),
        False,
        _late(90),
        direction=LOWER_IS_BETTER,
        unit="count",
        no_data="No repayments on record in the last 24 months",
        one="1 repayment 90 or more days late in the last 24 months",
    ),
    Feature(
        "months_since_late_30",
        "history",
        "A repayment 30 or more days late {value} months ago",
        ("loan.repayment",),
        False,
        _months_since_late,
        default=None,
        direction=HIGHER_IS_BETTER,
        unit="months",
        no_data="No repayment 30 or more days late on record",
        one="A repayment 30 or more days late 1 month ago",
    ),
    Feature(
        "defaults_60m",
        "history",
        "{value} loans in default in the last 5 years",
        ("loan.default",),
        False,
        _recent("loan.default", 60),
        direction=LOWER_IS_BETTER,
        unit="count",
        no_data="No loans on record in the last 5 years",
        one="1 loan in default in the last 5 years",
    ),
    Feature(
        "history_months",
        "history",
        "Credit history of {value} months since the first loan was opened",
        ("loan.opened",),
        False,
        _history,
        default=None,
        direction=HIGHER_IS_BETTER,
        unit="months",
        no_data="No loan on record",
        one="Credit history of 1 month since the first loan was opened",
    ),
    Feature(
        "card_utilisation",
        "capacity",
        "Card balances at {value} of their limits at the latest statement",
        ("card.utilisation",),
        True,
        _utilisation,
        default=None,
        direction=LOWER_IS_BETTER,
        unit="share",
        no_data="No card on record",
    ),
    Feature(
        "open_judgments",
        "compliance",
        "{value} court judgments not yet fulfilled",
        ("court.judgment", "court.fulfilment"),
        True,
        _open_judgment_count,
        direction=LOWER_IS_BETTER,
        unit="count",
        no_data="No court judgments on record",
        one="1 court judgment not yet fulfilled",
    ),
    Feature(
        "open_judgment_amount",
        "compliance",
        "Unfulfilled court judgments totalling {value} yuan",
        ("court.judgment", "court.fulfilment"),
        True,
        _open_judgment_amount,
        direction=LOWER_IS_BETTER,
        unit="yuan",
        no_data="No court judgments on record",
    ),
    Feature(
        "penalties_24m",
        "compliance",
        "{value} administrative penalties in the last 24 months",
        ("penalty.imposed",),
        False,
        _recent("penalty.imposed", 24),
        direction=LOWER_IS_BETTER,
        unit="count",
        no_data="No administrative penalties on record",
        one="1 administrative penalty in the last 24 months",
    ),
    Feature(
        "breaches_24m",
        "compliance",
        "{value} contract breaches in the last 24 months",
        ("contract.breach",),
        False,
        _recent("contract.breach", 24),
        direction=LOWER_IS_BETTER,
        unit="count",
        no_data="No contract breaches on record",
        one="1 contract breach in the last 24 months",
    ),
    Feature(
        "tax_arrears_open",
        "compliance",
        "{value} unsettled tax arrears",
        ("tax.arrears",),
        True,
        _tax_arrears,
        direction=LOWER_IS_BETTER,
        unit="count",
        no_data="No tax arrears on record",
        one="1 unsettled tax arrear",
    ),
    Feature(
        "bills_on_time_pct",
        "payments",
        "{value}% of bills paid on time in the last 24 months",
        ("bill.payment",),
        True,
        _bills,
        default=None,
        direction=HIGHER_IS_BETTER,
        unit="percent",
        no_data="No bills on record in the last 24 months",
    ),
    Feature(
        "tax_on_time_pct",
        "payments",
        "{value}% of tax returns filed on time in the last 5 years",
        ("tax.filing",),
        True,
        _taxes,
        default=None,
        direction=HIGHER_IS_BETTER,
        unit="percent",
        no_data="No tax returns on record in the last 5 years",
    ),
    Feature(
        "identity_level",
        "identity",
        "Identity verified to level {value} of 3",
        ("identity.verification",),
        True,
        _identity,
        direction=HIGHER_IS_BETTER,
        unit="level",
        no_data="Identity not verified",
        zero="Identity not verified",
    ),
)
BY_NAME = {f.name: f for f in FEATURES}


def features(
    records: ir.Table,
    subjects: ir.Table,
    as_of: dt.date,
    selected: Sequence[Feature] = FEATURES,
    registry_years: int | None = None,
) -> ir.Table:
    """One row per person: ``subject_id`` and every selected feature as of ``as_of``.

    ``registry_years`` caps every lookback (default ``CREDO_RETENTION_YEARS``).
    """
    base = subjects.filter(subjects.kind == SCORED_KIND).select("subject_id")
    parts = []
    for f in selected:
        part = f.compute(Context(records, as_of, f.categories, registry_years))
        parts.append(part.select(subject_id=part.subject_id, **{f.name: part.value}))
    joined = base
    for part in parts:
        joined = joined.left_join(part, base.subject_id == part.subject_id)
    columns: dict[str, ir.Value] = {}
    for f, part in zip(selected, parts, strict=True):
        value = part[f.name]
        columns[f.name] = value if f.default is None else value.fill_null(f.default)
    return joined.select(base.subject_id, **columns)


def scorecard_params(selected: Sequence[Feature] = FEATURES) -> dict[str, object]:
    """Scorecard keyword arguments from the declared features."""
    return {
        "dimensions": {f.name: f.dimension for f in selected},
        "descriptions": {f.name: f.reason_templates() for f in selected},
        "actionable": {f.name for f in selected if f.actionable},
        "directions": {f.name: f.direction for f in selected},
    }
