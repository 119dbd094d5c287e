"""List rules as data: per list, what puts a subject on it, for how long, and what ends it.

Everything here is plain data and pure functions (no I/O), so the terms can be tested and
printed (``credo lists show``) without a store. ``derive.py`` applies these rules to records.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from credo.notices.texts import END_REASONS

#: Activities the Supreme People's Court's rules on restricting high consumption name
#: (Several Provisions on Restricting High Consumption of Judgment Debtors, art. 3).
RESTRICTIONS: dict[str, str] = {
    "air_travel": "Flying (any class) on civil aircraft",
    "high_speed_rail": "Riding G-series high-speed trains",
    "rail_first_class": "First-class or better seats on other trains",
    "soft_sleeper": "Soft sleeper berths on trains and first-class cabins on ships",
    "star_hotel": "Staying at hotels rated three stars or above, and similar venues",
    "nightclub_golf": "Spending at nightclubs, golf courses and other high-end venues",
    "property_purchase": "Buying real estate, or building or extending a house",
    "luxury_car": "Buying vehicles that are not needed for living or business",
    "holiday_travel": "Tourism and holiday travel",
    "private_school": "Paying children's fees at high-fee private schools",
    "high_premium_insurance": "Paying high premiums for insurance or wealth-management products",
}

#: Fast-track benefits a red-list entry grants; access programs refer to these ids.
BENEFITS: dict[str, str] = {
    "fast_track_approval": "Administrative approvals handled on the fast track (容缺受理)",
    "reduced_inspection": "Routine inspections at a lower frequency",
    "deposit_waiver": "Deposits waived where the program allows it",
    "priority_public_service": "Priority at public service counters (green channel)",
}

LIVE_STATES = ("active", "corrected", "disputed")
"""Record states a list may count. Which disputed records count is the one rule for
disputed records (``credo.records.service.in_use``): a disputed court order (``court.*``)
stays in force and is shown as disputed; any other disputed record is not used while the
dispute is open. Deletion and expiry end its use."""


@dataclass(frozen=True)
class GroundTerm:
    """How long a court listing on one ground lasts: default months and the bounds a court's
    ``term_months`` may set (None: no fixed term, ends only by fulfilment or delisting)."""

    default_months: int | None
    min_months: int = 0
    max_months: int = 0
    aggravated: bool = False


@dataclass(frozen=True)
class Tier:
    """A serious-violator publication tier: repair possible after ``min_months``, automatic
    end after ``max_months``; ``restricts`` says whether entries of this tier restrict."""

    min_months: int
    max_months: int
    restricts: bool


@dataclass(frozen=True)
class ListRule:
    """One list: who it covers, what enters it, what ends it, what it restricts or grants."""

    id: str
    title: str
    subject_kinds: tuple[str, ...]
    enters_by: str
    ends_by: str
    how_to_end: str
    public_kinds: tuple[str, ...] = ()
    restricts: tuple[str, ...] = ()
    benefits: tuple[str, ...] = ()
    rules: tuple[str, ...] = field(default_factory=tuple)
    restricted_by: str = ""
    """What the restrictions rest on, as a relying party is told ("a court order")."""


#: Defaulter-list terms per ``court.listing`` ground (SPC Provisions on publishing the list
#: of dishonest judgment debtors, 2017, art. 2: two years, one to three more if aggravated).
GROUNDS: dict[str, GroundTerm] = {
    "able_but_refuses": GroundTerm(None),
    "false_asset_report": GroundTerm(24, 1, 24),
    "evading_execution": GroundTerm(24, 1, 24),
    "obstructing_execution": GroundTerm(36, 36, 60, aggravated=True),
    "violating_consumption_order": GroundTerm(36, 36, 60, aggravated=True),
    "fraudulent_litigation": GroundTerm(36, 36, 60, aggravated=True),
}
#: The grounds in words, as the person listed reads them (notices, file, report).
GROUND_NAMES: dict[str, str] = {
    "able_but_refuses": "able to fulfil the judgment but refusing to",
    "false_asset_report": "giving a false report of assets",
    "evading_execution": "evading the enforcement of the judgment",
    "obstructing_execution": "obstructing the enforcement of the judgment",
    "violating_consumption_order": "breaking an order restricting high spending",
    "fraudulent_litigation": "using false lawsuits or arbitration to avoid enforcement",
}
ADULT_AGE = 18

#: Serious-violator publication tiers by ``penalty.imposed`` severity (NDRC Measures on
#: credit repair, 2021: minor up to 3 months, general 3-12 months, serious 1-3 years).
TIERS: dict[str, Tier] = {
    "minor": Tier(0, 3, restricts=False),
    "general": Tier(3, 12, restricts=False),
    "serious": Tier(12, 36, restricts=True),
}
SAFETY_DOMAINS = ("food_safety", "drug_safety", "construction_safety")

RED_TERM_MONTHS = 36
"""A commendation keeps its red-list entry for its retention period (three years)."""
STREAK_LENGTH = 3
"""Consecutive grade-A inspections that put an organisation on the red list."""
STREAK_TERM_MONTHS = 12
"""An inspection streak entry lasts a year from the latest grade A (or until a lower grade)."""

REPAIR_DECISION_DAYS = 10
"""Working days the operator has to decide a repair application (CREDO_REPAIR_DECISION_DAYS)."""

DEFAULTER, SERIOUS_VIOLATOR, RED = "defaulter", "serious_violator", "red"
WARNING_RULE = "defaulter.warning"
LISTING_RULE = "defaulter.court_listing"
PENALTY_RULE = "serious_violator.safety_penalty"
COMMENDATION_RULE = "red.commendation"
STREAK_RULE = "red.inspection_streak"

LISTS: dict[str, ListRule] = {
    DEFAULTER: ListRule(
        id=DEFAULTER,
        title="Judgment-defaulter list",
        subject_kinds=("person", "organisation"),
        enters_by="a court's court.listing record (after a court.judgment left unfulfilled "
        "past its due date, which shows as a pending listing first)",
        ends_by="a court.fulfilment or court.delisting record for the same case number, "
        "or the end of the term set for the listing ground",
        how_to_end="Fulfil the judgment (pay or perform) and have the court report it: the "
        "listing ends the moment the court reports the judgment fulfilled or lifts the "
        "listing.",
        public_kinds=("organisation",),
        restricts=tuple(RESTRICTIONS),
        rules=(WARNING_RULE, LISTING_RULE),
        restricted_by="a court order",
    ),
    SERIOUS_VIOLATOR: ListRule(
        id=SERIOUS_VIOLATOR,
        title="Serious-violator list (food, drug and construction safety)",
        subject_kinds=("organisation",),
        enters_by="a penalty.imposed record about an organisation in food_safety, "
        "drug_safety or construction_safety; the penalty's severity sets the tier",
        ends_by="the end of the tier's publication term, or an approved credit repair "
        "after the tier's minimum term",
        how_to_end="After the minimum term, correct the violation, pay the penalty and apply "
        "for credit repair in your file; an approval ends the entry at once.",
        public_kinds=("organisation",),
        restricts=(
            "property_purchase",
            "luxury_car",
            "star_hotel",
            "nightclub_golf",
            "high_premium_insurance",
        ),
        rules=(PENALTY_RULE,),
        restricted_by="an administrative penalty",
    ),
    RED: ListRule(
        id=RED,
        title="Red list (commendations and model inspections)",
        subject_kinds=("person", "organisation"),
        enters_by=f"a commendation record, or {STREAK_LENGTH} consecutive grade-A inspection "
        "results",
        ends_by=f"{RED_TERM_MONTHS} months after a commendation; {STREAK_TERM_MONTHS} months "
        "after the latest grade A, or at once on a lower grade",
        how_to_end="Red-list entries end on their own; they restrict nothing.",
        benefits=tuple(BENEFITS),
        rules=(COMMENDATION_RULE, STREAK_RULE),
    ),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (clamped to the month's last day: 31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_working_days(day: dt.date, days: int) -> dt.date:
    """The date ``days`` working days (Monday to Friday) after ``day``."""
    current = day
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years between a birth date and a day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def listing_term(ground: str, term_months: int | None) -> tuple[int | None, str]:
    """Months a listing lasts (None: no fixed term) and why, from its ground and the court's term.

    A court's ``term_months`` is honoured within the ground's bounds and clamped outside
    them; a ground without a fixed term ignores it. The reason is a sentence for the person
    listed: the ground in words, never its code.
    """
    rule = GROUNDS.get(ground)
    default = GROUNDS["false_asset_report"].default_months
    if rule is None:
        return default, (
            f"The court gave a ground this registry does not know ({ground!r}), so the "
            f"standard term of {default} months applies."
        )
    said = f"Ground: {ground_name(ground)}"
    if rule.default_months is None:
        return None, (
            f"{said}. This ground has no fixed term: the listing ends only when the "
            "judgment is fulfilled or the court lifts the listing."
        )
    if rule.aggravated:
        said += " (a serious ground, with a longer term)"
    if term_months is None:
        return rule.default_months, (
            f"{said}. The court set no term, so the standard term of "
            f"{rule.default_months} months applies."
        )
    clamped = min(max(term_months, rule.min_months), rule.max_months)
    if clamped != term_months:
        return clamped, (
            f"{said}. The court set {term_months} months, but this ground allows "
            f"{rule.min_months} to {rule.max_months} months, so the term is {clamped} months."
        )
    return clamped, f"{said}. The court set a term of {clamped} months."


EXTENSION_MONTHS = (12, 36)
"""An aggravation (a further ``court.listing`` on the same case while listed) extends the
term by one to three years (SPC Provisions on the list of dishonest judgment debtors,
2017, art. 2); 12 months when the court names no term."""


def extension_term(term_months: int | None) -> tuple[int, str]:
    """Months a further listing on the same case adds to the entry, and why (pure)."""
    low, high = EXTENSION_MONTHS
    said = "The court listed you again on the same case while you were listed"
    if term_months is None:
        return low, f"{said} and set no extension, so the term is extended by {low} months."
    clamped = min(max(term_months, low), high)
    if clamped != term_months:
        return clamped, (
            f"{said}. It set an extension of {term_months} months, but an extension may be "
            f"{low} to {high} months, so the term is extended by {clamped} months."
        )
    return clamped, f"{said} and extended the term by {clamped} months."


def ground_name(ground: str) -> str:
    """A listing ground in words (an unknown code with its underscores as spaces)."""
    return GROUND_NAMES.get(ground, ground.replace("_", " "))


#: Why a list entry ended or was refused, in words (``removal_reason`` codes): the words a
#: lifting notice uses for an ending, and the refusals, which no notice announces.
REMOVAL_REASONS: dict[str, str] = {
    **END_REASONS,
    "minor": f"you were under {ADULT_AGE} at the time",
    "no_prior_warning": "no judgment had fallen due before the listing, so you had no warning",
}


def removal_reason(reason: str | None) -> str:
    """Why an entry ended, in words ("delisted:settlement": "the court lifted the listing
    (settlement)"); an unknown code with its underscores as spaces."""
    if not reason:
        return ""
    code, _, detail = reason.partition(":")
    words = REMOVAL_REASONS.get(code, code.replace("_", " "))
    return f"{words} ({detail.replace('_', ' ')})" if detail else words


def restrictions(rule: ListRule, tier: str | None = None) -> tuple[str, ...]:
    """What one entry of ``rule`` restricts, given its tier: nothing for a tier that does
    not restrict (serious-violator minor and general entries are published only), else the
    list's activities. No tier (the defaulter list) or a tier this registry does not know
    leaves the list's activities. The one answer for checks, pages and notices."""
    found = TIERS.get(tier) if tier else None
    if found is not None and not found.restricts:
        return ()
    return rule.restricts


def restrictions_of(list_id: str, tier: str | None = None) -> tuple[str, ...]:
    """``restrictions`` by list id: nothing for a list this registry does not know."""
    rule = LISTS.get(list_id)
    return restrictions(rule, tier) if rule is not None else ()


def restriction_reason(list_id: str) -> str:
    """Why a relying party is told an activity is restricted: what the restriction rests
    on and the list's title, nothing of the entry ("restricted by a court order:
    Judgment-defaulter list"). A list that says nothing of it, or an unknown id, is
    "a list"."""
    rule = LISTS.get(list_id)
    if rule is None:
        return f"restricted by a list: {list_id}"
    return f"restricted by {rule.restricted_by or 'a list'}: {rule.title}"


def list_rule(list_id: str) -> ListRule:
    """The rule of a list id (KeyError names the id)."""
    return LISTS[list_id]
