"""Pure derivation: which list entries a subject's records call for on a date (no I/O).

``derive`` turns live records (as ``Fact``) into the entries the rules in ``rules.py`` call
for, each with its state on ``as_of``. The service diffs them against the store; running
it twice on the same records gives the same entries, which is what makes refresh idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from credo.lists import rules as R

Key = tuple[str, int, str, str]
"""(list id, subject id, rule id, reference) identifies an entry across refreshes."""

CATEGORIES = (
    "court.judgment",
    "court.fulfilment",
    "court.listing",
    "court.delisting",
    "penalty.imposed",
    "commendation",
    "inspection.result",
)
REMOVAL_CATEGORIES = ("court.fulfilment", "court.delisting")


@dataclass(frozen=True)
class Fact:
    """One live record as the rules see it."""

    record_id: int
    subject_id: int
    category: str
    occurred_on: dt.date
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class SubjectInfo:
    kind: str
    birth_date: dt.date | None = None


@dataclass
class Desired:
    """An entry as the records call for it on ``as_of``."""

    list_id: str
    subject_id: int
    rule_id: str
    ref: str
    record_ids: list[int]
    starts_on: dt.date
    scheduled_end: dt.date | None
    state: str
    ended_on: dt.date | None = None
    removal_reason: str | None = None
    tier: str | None = None
    basis: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> Key:
        return (self.list_id, self.subject_id, self.rule_id, self.ref)

    def close(self, on: dt.date, reason: str) -> None:
        """End the entry on a day (never before it started)."""
        self.state = "ended"
        self.ended_on = max(on, self.starts_on)
        self.removal_reason = reason


def _expire(entry: Desired, as_of: dt.date) -> Desired:
    end = entry.scheduled_end
    if entry.state in ("active", "pending") and end is not None and end <= as_of:
        entry.close(end, "term_expired")
    return entry


def _case_ends(facts: list[Fact]) -> dict[str, tuple[dt.date, str, int]]:
    """Per case number: the first fulfilment or delisting (date, removal reason, record id)."""
    ends: dict[str, tuple[dt.date, str, int]] = {}
    for f in sorted(facts, key=lambda f: (f.occurred_on, f.record_id)):
        case = str(f.fields.get("case_number", ""))
        if case in ends:
            continue
        if f.category == "court.fulfilment":
            ends[case] = (f.occurred_on, "fulfilled", f.record_id)
        elif f.category == "court.delisting":
            ends[case] = (
                f.occurred_on,
                f"delisted:{f.fields.get('reason', 'court_order')}",
                f.record_id,
            )
    return ends


def _defaulter(
    subject_id: int, info: SubjectInfo, facts: list[Fact], as_of: dt.date
) -> list[Desired]:
    ends = _case_ends(facts)
    judgments: dict[str, list[Fact]] = defaultdict(list)
    listings: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        case = str(f.fields.get("case_number", ""))
        if f.category == "court.judgment":
            judgments[case].append(f)
        elif f.category == "court.listing":
            listings[case].append(f)
    out: list[Desired] = []
    for case, found in judgments.items():
        first = min(found, key=lambda f: (f.occurred_on, f.record_id))
        due = _date(first.fields.get("due_on")) or first.occurred_on
        end = ends.get(case)
        if due > as_of or (end is not None and end[0] <= due) or _minor(info, due):
            continue
        warning = Desired(
            R.DEFAULTER,
            subject_id,
            R.WARNING_RULE,
            case,
            sorted(f.record_id for f in found),
            starts_on=due,
            scheduled_end=None,
            state="pending",
            basis={
                "case_number": case,
                "court_name": first.fields.get("court_name"),
                "due_on": due.isoformat(),
                "term": "pending listing: the judgment is unfulfilled past its due date",
            },
        )
        listed = min((f.occurred_on for f in listings.get(case, [])), default=None)
        if end is not None and (listed is None or end[0] <= listed):
            warning.close(end[0], end[1])
            warning.record_ids = sorted({*warning.record_ids, end[2]})
        elif listed is not None:
            warning.close(listed, "listed")
        out.append(warning)
    for case, found in listings.items():
        first = min(found, key=lambda f: (f.occurred_on, f.record_id))
        ground = str(first.fields.get("ground", ""))
        term = first.fields.get("term_months")
        months, why = R.listing_term(ground, int(term) if term is not None else None)
        start = first.occurred_on
        entry = Desired(
            R.DEFAULTER,
            subject_id,
            R.LISTING_RULE,
            case,
            sorted(f.record_id for f in found),
            starts_on=start,
            scheduled_end=None if months is None else R.add_months(start, months),
            state="active",
            basis={
                "case_number": case,
                "court_name": first.fields.get("court_name"),
                "ground": ground,
                "term_months": months,
                "term": why,
            },
        )
        _extend(entry, sorted(found, key=lambda f: (f.occurred_on, f.record_id))[1:])
        warned = [
            j
            for j in judgments.get(case, [])
            if (_date(j.fields.get("due_on")) or j.occurred_on) < start
        ]
        if _minor(info, start):
            entry.state, entry.removal_reason = "refused", "minor"
            entry.basis["refusal"] = f"the subject was under {R.ADULT_AGE} on {start}"
        elif not warned:
            entry.state, entry.removal_reason = "refused", "no_prior_warning"
            entry.basis["refusal"] = (
                f"no court.judgment for case {case} fell due before the listing on {start}"
            )
        else:
            entry.record_ids = sorted({*entry.record_ids, *(j.record_id for j in warned)})
            end = ends.get(case)
            if end is not None:
                entry.record_ids = sorted({*entry.record_ids, end[2]})
                entry.close(end[0], end[1])
        out.append(_expire(entry, as_of))
    return out


def _extend(entry: Desired, later: list[Fact]) -> None:
    """Extend a listing by each further ``court.listing`` on the same case (SPC rule:
    one to three years on aggravation); the basis records every extension."""
    if entry.scheduled_end is None or not later:
        return
    extensions = []
    for f in later:
        term = f.fields.get("term_months")
        months, why = R.extension_term(int(term) if term is not None else None)
        end = entry.scheduled_end
        assert end is not None
        entry.scheduled_end = R.add_months(max(end, f.occurred_on), months)
        extensions.append(
            {
                "record_id": f.record_id,
                "on": f.occurred_on.isoformat(),
                "months": months,
                "ground": f.fields.get("ground"),
                "basis": why,
                "scheduled_end": entry.scheduled_end.isoformat(),
            }
        )
    entry.basis["extensions"] = extensions
    entry.basis["term"] = (
        f"{entry.basis['term']} The term was then extended {len(extensions)} time(s) "
        f"because the court listed you again, to {entry.scheduled_end.isoformat()}."
    )


def _serious_violator(
    subject_id: int,
    info: SubjectInfo,
    facts: list[Fact],
    repairs: Mapping[Key, dt.date],
    as_of: dt.date,
) -> list[Desired]:
    if info.kind not in R.LISTS[R.SERIOUS_VIOLATOR].subject_kinds:
        return []
    out = []
    for f in facts:
        domain, severity = f.fields.get("domain"), str(f.fields.get("severity"))
        if f.category != "penalty.imposed" or domain not in R.SAFETY_DOMAINS:
            continue
        tier = R.TIERS.get(severity)
        if tier is None:
            continue
        ref = str(f.fields.get("decision_number") or f.record_id)
        entry = Desired(
            R.SERIOUS_VIOLATOR,
            subject_id,
            R.PENALTY_RULE,
            ref,
            [f.record_id],
            starts_on=f.occurred_on,
            scheduled_end=R.add_months(f.occurred_on, tier.max_months),
            state="active",
            tier=severity,
            basis={
                "decision_number": ref,
                "authority": f.fields.get("authority"),
                "domain": domain,
                "severity": severity,
                "repair_from": R.add_months(f.occurred_on, tier.min_months).isoformat(),
                "term": f"{severity} tier: published {tier.max_months} months, repair "
                f"possible after {tier.min_months}",
            },
        )
        repaired = repairs.get(entry.key)
        if repaired is not None and repaired <= as_of:
            entry.close(repaired, "repaired")
        out.append(_expire(entry, as_of))
    return out


def _red(subject_id: int, facts: list[Fact], as_of: dt.date) -> list[Desired]:
    out = []
    for f in facts:
        if f.category == "commendation":
            out.append(
                _expire(
                    Desired(
                        R.RED,
                        subject_id,
                        R.COMMENDATION_RULE,
                        f"commendation-{f.record_id}",
                        [f.record_id],
                        starts_on=f.occurred_on,
                        scheduled_end=R.add_months(f.occurred_on, R.RED_TERM_MONTHS),
                        state="active",
                        basis={
                            "title": f.fields.get("title"),
                            "authority": f.fields.get("authority"),
                            "level": f.fields.get("level"),
                            "term": f"commendation: {R.RED_TERM_MONTHS} months",
                        },
                    ),
                    as_of,
                )
            )
    inspections = sorted(
        (f for f in facts if f.category == "inspection.result"),
        key=lambda f: (f.occurred_on, f.record_id),
    )
    run: list[Fact] = []
    for nxt in [*inspections, None]:
        if nxt is not None and nxt.fields.get("grade") == "A":
            run.append(nxt)
            continue
        if len(run) >= R.STREAK_LENGTH:
            third, last = run[R.STREAK_LENGTH - 1], run[-1]
            entry = Desired(
                R.RED,
                subject_id,
                R.STREAK_RULE,
                str(third.fields.get("inspection_id")),
                [x.record_id for x in run],
                starts_on=third.occurred_on,
                scheduled_end=R.add_months(last.occurred_on, R.STREAK_TERM_MONTHS),
                state="active",
                basis={
                    "grade_a_inspections": len(run),
                    "term": f"{R.STREAK_LENGTH}+ consecutive grade A inspections: "
                    f"{R.STREAK_TERM_MONTHS} months after the latest",
                },
            )
            if nxt is not None:
                entry.record_ids.append(nxt.record_id)
                entry.close(
                    min(nxt.occurred_on, entry.scheduled_end or nxt.occurred_on),
                    f"inspection_grade_{nxt.fields.get('grade')}",
                )
            out.append(_expire(entry, as_of))
        run = []
    return out


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _minor(info: SubjectInfo, day: dt.date) -> bool:
    return (
        info.kind == "person"
        and info.birth_date is not None
        and R.age_on(info.birth_date, day) < R.ADULT_AGE
    )


def derive(
    facts: Iterable[Fact],
    subjects: Mapping[int, SubjectInfo],
    as_of: dt.date,
    repairs: Mapping[Key, dt.date] | None = None,
) -> dict[Key, Desired]:
    """Every entry the facts call for on ``as_of`` (facts after ``as_of`` are ignored)."""
    by_subject: dict[int, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.occurred_on <= as_of:
            by_subject[f.subject_id].append(f)
    repairs = repairs or {}
    out: dict[Key, Desired] = {}
    for subject_id, own in by_subject.items():
        info = subjects.get(subject_id, SubjectInfo("person"))
        court = [f for f in own if f.category.startswith("court.")]
        entries = [
            *(_defaulter(subject_id, info, court, as_of) if court else []),
            *_serious_violator(subject_id, info, own, repairs, as_of),
            *_red(subject_id, own, as_of),
        ]
        out.update((e.key, e) for e in entries)
    return out
