"""List services: derive entries from records, apply removals at once, answer restriction checks.

``refresh_lists`` re-derives every entry from the live records as of a date and writes only
the differences (running it twice changes nothing). ``apply_record_now`` does the same for
one subject right after intake, a correction, a deletion or a dispute, applying only what
takes something away (an ending, or a change that narrows an entry: a non-restricting tier,
a later start, an earlier end): DESIGN's "list removals apply immediately". Every change
appends one typed audit event.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, text
from sqlalchemy.orm import Session

from credo.core import audit, clock
from credo.errors import InvalidInput, NotFound
from credo.lists import events, notify
from credo.lists import rules as R
from credo.lists.derive import CATEGORIES, Desired, Fact, Key, SubjectInfo, derive
from credo.lists.models import ListEntry, RepairApplication
from credo.records.models import Record
from credo.records.service import in_use, in_use_clause
from credo.subjects.models import Subject

OPEN = ("pending", "active")
CHUNK = 900


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _facts(
    session: Session, subject_ids: Sequence[int] | None
) -> tuple[list[Fact], dict[int, SubjectInfo]]:
    """Live records of the list categories, and the kind and birth date of their subjects."""
    query = (
        select(
            Record.id,
            Record.subject_id,
            Record.category,
            Record.occurred_on,
            Record.fields,
            Subject.kind,
            Subject.birth_date,
        )
        .join(Subject, Subject.id == Record.subject_id)
        .where(Record.category.in_(CATEGORIES), in_use_clause())
    )
    batches = (
        [query]
        if subject_ids is None
        else [query.where(Record.subject_id.in_(chunk)) for chunk in _chunks(subject_ids)]
    )
    facts: list[Fact] = []
    infos: dict[int, SubjectInfo] = {}
    for batch in batches:
        for rid, sid, category, occurred, fields, kind, birth in session.execute(batch):
            facts.append(Fact(rid, sid, category, occurred, json.loads(fields)))
            if sid not in infos:
                infos[sid] = SubjectInfo(kind, birth)
    return facts, infos


def _repairs(session: Session, subject_ids: Sequence[int] | None) -> dict[Key, dt.date]:
    """Approved repairs by entry key, with their decision date."""
    query = (
        select(
            ListEntry.list_id,
            ListEntry.subject_id,
            ListEntry.rule_id,
            ListEntry.ref,
            RepairApplication.decided_on,
        )
        .join(RepairApplication, RepairApplication.entry_id == ListEntry.id)
        .where(RepairApplication.state == "approved")
    )
    if subject_ids is not None:
        query = query.where(ListEntry.subject_id.in_(subject_ids))
    return {(a, b, c, d): on for a, b, c, d, on in session.execute(query) if on is not None}


def _existing(session: Session, subject_ids: Sequence[int] | None) -> dict[Key, ListEntry]:
    if subject_ids is None:
        rows: Iterable[ListEntry] = session.execute(select(ListEntry)).scalars()
    else:
        rows = [
            e
            for chunk in _chunks(subject_ids)
            for e in session.execute(
                select(ListEntry).where(ListEntry.subject_id.in_(chunk))
            ).scalars()
        ]
    return {(e.list_id, e.subject_id, e.rule_id, e.ref): e for e in rows}


def _values(d: Desired) -> dict[str, Any]:
    return {
        "record_ids": json.dumps(d.record_ids),
        "tier": d.tier,
        "starts_on": d.starts_on,
        "scheduled_end": d.scheduled_end,
        "ended_on": d.ended_on,
        "removal_reason": d.removal_reason,
        "state": d.state,
        "basis": json.dumps(d.basis, sort_keys=True, ensure_ascii=False),
    }


#: Why an entry whose records no longer call for it ended, by the state of a record it
#: rested on that is no longer in use (the one rule for disputed records: a disputed court
#: order stays in use); first match wins. Records all still in use: a correction changed them.
GONE_REASONS = (
    ("deleted", "record_deleted"),
    ("expired", "record_expired"),
    ("disputed", "record_disputed"),
)
CORRECTED_AWAY = "record_corrected"


def _gone_reasons(session: Session, entries: Iterable[ListEntry]) -> dict[int, str]:
    """Per entry id: why the records it rested on no longer call for it (``GONE_REASONS``)."""
    wanted = {e.id: [int(r) for r in json.loads(e.record_ids)] for e in entries}
    ids = sorted({r for rids in wanted.values() for r in rids})
    states: dict[int, str] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Record.id, Record.category, Record.state).where(Record.id.in_(chunk))
        )
        states.update((rid, "" if in_use(cat, state) else state) for rid, cat, state in rows)
    out: dict[int, str] = {}
    for entry_id, rids in wanted.items():
        gone = {states.get(r, "deleted") for r in rids}  # a record no longer held: deleted
        out[entry_id] = next((why for state, why in GONE_REASONS if state in gone), CORRECTED_AWAY)
    return out


def _window(
    state: str, starts_on: dt.date, scheduled_end: dt.date | None, ended_on: dt.date | None
) -> tuple[dt.date, dt.date | None] | None:
    """The days an entry in this shape is in force (``in_force``): from its start to its
    earliest end (None: open-ended); None when it is never in force (pending, refused)."""
    if state not in ("active", "ended"):
        return None
    ends = [d for d in (scheduled_end, ended_on) if d is not None]
    return starts_on, min(ends) if ends else None


def shown_state(entry: ListEntry, day: dt.date) -> tuple[str, dt.date | None, str | None]:
    """The state, end day and removal reason an entry reads as on ``day``: an open entry
    (pending, active) whose scheduled end has come reads as ended on it, ``term_expired``,
    as the next refresh records it (``derive._expire``) and as checks answer (it is not in
    force); otherwise as stored. ``state_on`` is the same rule in SQL."""
    if entry.state in OPEN and entry.scheduled_end is not None and entry.scheduled_end <= day:
        return "ended", entry.scheduled_end, "term_expired"
    return entry.state, entry.ended_on, entry.removal_reason


def shown_state_sql(day: dt.date) -> ColumnElement[str]:
    """``shown_state``'s state as a SQL expression: an open entry whose scheduled end has
    come reads as ended, any other as stored (a NULL end never compares true)."""
    expired = and_(ListEntry.state.in_(OPEN), ListEntry.scheduled_end <= day)
    return case((expired, "ended"), else_=ListEntry.state)


def state_on(state: str, day: dt.date) -> ColumnElement[bool]:
    """Entries that read as ``state`` on ``day`` (``shown_state``), as a filter."""
    return shown_state_sql(day) == state


def _does(list_id: str, tier: str | None) -> frozenset[str]:
    """What an entry of a list and tier does while in force: its restrictions and benefits."""
    rule = R.LISTS.get(list_id)
    return frozenset((*R.restrictions_of(list_id, tier), *(rule.benefits if rule else ())))


def _narrows(entry: ListEntry, want: Desired) -> bool:
    """Whether ``want`` takes something from ``entry`` and adds nothing: no day in force that
    the entry was not, no restriction or benefit it did not have, and at least one less."""
    was = _window(entry.state, entry.starts_on, entry.scheduled_end, entry.ended_on)
    now = _window(want.state, want.starts_on, want.scheduled_end, want.ended_on)
    if was is None:
        return False
    if now is None:
        return True
    had, has = _does(entry.list_id, entry.tier), _does(want.list_id, want.tier)
    start_ok = now[0] >= was[0]
    end_ok = was[1] is None or (now[1] is not None and now[1] <= was[1])
    return start_ok and end_ok and has <= had and (now != was or has != had)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _event(entry: ListEntry, before: str | None, immediate: bool) -> tuple[str, audit.AuditEvent]:
    """The audit event for an entry's change from state ``before``, and the change's kind."""
    ids = json.loads(entry.record_ids)
    if entry.state in OPEN and before not in OPEN:
        return "entered", events.ListEntered(
            entry.id,
            entry.list_id,
            entry.subject_id,
            entry.rule_id,
            entry.ref,
            entry.state,
            entry.starts_on.isoformat(),
            _iso(entry.scheduled_end),
            ids,
        )
    if entry.state == "refused" and before != "refused":
        kind = "refused" if before not in OPEN else "removed"
        if entry.removal_reason == "minor":
            return kind, events.ListRefusedMinor(
                entry.id, entry.list_id, entry.subject_id, entry.ref, entry.starts_on.isoformat()
            )
        return kind, events.ListRefused(
            entry.id, entry.list_id, entry.subject_id, entry.ref, entry.removal_reason or ""
        )
    if entry.state == "ended" and before in OPEN:
        return "removed", events.ListRemoved(
            entry.id,
            entry.list_id,
            entry.subject_id,
            _iso(entry.ended_on) or "",
            entry.removal_reason or "",
            immediate,
        )
    return "changed", events.ListChanged(
        entry.id,
        entry.list_id,
        entry.subject_id,
        entry.state,
        _iso(entry.scheduled_end),
        ids,
        json.loads(entry.basis).get("term"),
    )


def _sync(
    session: Session,
    subject_ids: Sequence[int] | None,
    as_of: dt.date,
    *,
    removals_only: bool,
    actor: str,
) -> Counter[str]:
    facts, infos = _facts(session, subject_ids)
    desired = derive(facts, infos, as_of, _repairs(session, subject_ids))
    if not removals_only:
        notify.ensure_warnings(session, desired)
    notify.hold_until_warned(session, desired)
    existing = _existing(session, subject_ids)
    now = clock.now()
    tally: Counter[str] = Counter()
    changed: list[tuple[ListEntry, str | None, str | None]] = []  # entry, state and tier before
    gone = _gone_reasons(
        session, (e for k, e in existing.items() if k not in desired and e.state in OPEN)
    )
    for key, entry in existing.items():
        want = desired.get(key)
        if want is not None and entry.overturned_on is not None and want.state in OPEN:
            want.close(entry.overturned_on, "overturned_on_review")  # a human review ended it
        if want is None:
            if entry.state not in OPEN:
                continue
            want = Desired(
                entry.list_id,
                entry.subject_id,
                entry.rule_id,
                entry.ref,
                json.loads(entry.record_ids),
                entry.starts_on,
                entry.scheduled_end,
                entry.state,
                tier=entry.tier,
                basis=json.loads(entry.basis),
            )
            want.close(as_of, gone[entry.id])  # the records it rested on are not in use
        values = _values(want)
        if all(getattr(entry, k) == v for k, v in values.items()):
            continue
        ends = want.state in ("ended", "refused")
        if removals_only and not (entry.state in OPEN and (ends or _narrows(entry, want))):
            continue  # what adds to an entry (or only rewords it) waits for the refresh
        before, tier_before = entry.state, entry.tier
        for k, v in values.items():
            setattr(entry, k, v)
        entry.updated_at = now
        changed.append((entry, before, tier_before))
    if not removals_only:
        for key, want in desired.items():
            if key not in existing:
                new = ListEntry(
                    list_id=want.list_id,
                    subject_id=want.subject_id,
                    rule_id=want.rule_id,
                    ref=want.ref,
                    updated_at=now,
                    **_values(want),
                )
                session.add(new)
                changed.append((new, None, None))
    session.flush()
    announced = [_event(row, was, removals_only) for row, was, _ in changed]
    # Keep the identity map small: audit.append's UPDATE scans it, so thousands of loaded
    # entries (and appended audit rows) would make a refresh quadratic.
    for row in [*existing.values(), *(row for row, was, _ in changed if was is None)]:
        session.expunge(row)
    seqs: list[int] = []
    for kind, event in announced:
        logged = audit.append(session, event, actor=actor)
        seqs.append(logged.seq)
        session.expunge(logged)
        tally[kind] += 1
    # the notices name the audit entry of their change: each transition is told once
    notify.announce(
        session,
        [
            notify.Transition(row, was, tier, seq)
            for (row, was, tier), seq in zip(changed, seqs, strict=True)
        ],
    )
    return tally


def refresh_lists(
    *, session: Session, as_of: dt.date | None = None, actor: str = "operator"
) -> dict[str, Any]:
    """Re-derive every list entry from the live records as of a date; write only differences.

    Idempotent: a second run on the same records changes nothing and appends no event.
    The caller commits (the batch step wraps it in one transaction). A future day is
    refused (``clock.as_of``): terms would end and restrictions be told lifted early.
    """
    as_of = clock.as_of(as_of)
    started = time.perf_counter()
    tally = _sync(session, None, as_of, removals_only=False, actor=actor)
    states = {
        f"{list_id}.{state}": n
        for list_id, state, n in session.execute(
            select(ListEntry.list_id, ListEntry.state, func.count()).group_by(
                ListEntry.list_id, ListEntry.state
            )
        )
    }
    return {
        "as_of": as_of.isoformat(),
        "entered": tally["entered"],
        "removed": tally["removed"],
        "refused": tally["refused"],
        "changed": tally["changed"],
        "entries": dict(sorted(states.items())),
        "seconds": round(time.perf_counter() - started, 3),
    }


def apply_record_now(*, session: Session, record: Record, actor: str = "lists") -> dict[str, int]:
    """Apply the removals a just-stored, corrected or deleted record calls for, at once.

    Intake calls this right after storing a record (any list category; a fulfilment,
    delisting or deletion is what lifts an entry). Only removals are applied: new entries
    wait for the next refresh. The caller commits.
    """
    if record.category not in CATEGORIES:
        return {}
    tally = _sync(session, [record.subject_id], clock.today(), removals_only=True, actor=actor)
    return dict(tally)


def apply_subjects_now(
    *, session: Session, subject_ids: Sequence[int], actor: str = "lists"
) -> dict[str, int]:
    """``apply_record_now`` for subjects a record left or joined (a correction that moved it)."""
    tally = _sync(session, sorted(set(subject_ids)), clock.today(), removals_only=True, actor=actor)
    return dict(tally)


def apply_intake_now(
    *, session: Session, furnisher_id: str, external_ids: Sequence[str], actor: str = "lists"
) -> dict[str, int]:
    """``apply_record_now`` for a batch a furnisher just stored, corrected or deleted.

    One query finds the subjects of the batch's list-category records; their removals are
    applied at once. Batches without list categories cost that one query.
    """
    subject_ids: set[int] = set()
    if session.get_bind().dialect.name == "postgresql":
        # a join with the unnested array: index look-ups (a 900-value IN list on a freshly
        # loaded, unanalysed records table is planned as a scan; issue 21)
        subject_ids.update(
            session.execute(
                text(
                    "SELECT DISTINCT r.subject_id FROM unnest(CAST(:ids AS text[])) AS u(id)"
                    " JOIN records r ON r.furnisher_id = :furnisher AND r.external_id = u.id"
                    " WHERE r.category = ANY(CAST(:categories AS text[]))"
                ),
                {
                    "ids": list(external_ids),
                    "furnisher": furnisher_id,
                    "categories": sorted(CATEGORIES),
                },
            ).scalars()
        )
        external_ids = []
    elif session.get_bind().dialect.name == "sqlite":  # one statement, no per-id parameters
        subject_ids.update(
            session.execute(
                text(
                    "SELECT DISTINCT subject_id FROM records WHERE furnisher_id = :furnisher"
                    " AND external_id IN (SELECT value FROM json_each(:ids))"
                    " AND category IN (SELECT value FROM json_each(:categories))"
                ),
                {
                    "ids": json.dumps(list(external_ids)),
                    "furnisher": furnisher_id,
                    "categories": json.dumps(sorted(CATEGORIES)),
                },
            ).scalars()
        )
        external_ids = []
    for start in range(0, len(external_ids), CHUNK):
        chunk = external_ids[start : start + CHUNK]
        subject_ids.update(
            session.execute(
                select(Record.subject_id).where(
                    Record.furnisher_id == furnisher_id,
                    Record.external_id.in_(chunk),
                    Record.category.in_(CATEGORIES),
                )
            ).scalars()
        )
    if not subject_ids:
        return {}
    tally = _sync(session, sorted(subject_ids), clock.today(), removals_only=True, actor=actor)
    return dict(tally)


def apply_intake_hook(session: Session, furnisher_id: str, external_ids: list[str]) -> object:
    """``records.bulk.ingest_file``'s ``after_store``: list removals apply with the chunk."""
    return apply_intake_now(session=session, furnisher_id=furnisher_id, external_ids=external_ids)


def in_force(on: dt.date) -> ColumnElement[bool]:
    """Entries that restrict or benefit on a day: active (or since ended) and covering it."""
    return and_(
        ListEntry.state.in_(("active", "ended")),
        ListEntry.starts_on <= on,
        or_(ListEntry.ended_on.is_(None), ListEntry.ended_on > on),
        or_(ListEntry.scheduled_end.is_(None), ListEntry.scheduled_end > on),
    )


def _ends_on(entry: ListEntry) -> dt.date | None:
    return entry.ended_on or entry.scheduled_end


def _restricts(entry: ListEntry) -> tuple[str, ...]:
    return R.restrictions_of(entry.list_id, entry.tier)


def is_in_force(entry: ListEntry, on: dt.date) -> bool:
    """``in_force`` for one loaded entry: whether it restricts or benefits on a day."""
    window = _window(entry.state, entry.starts_on, entry.scheduled_end, entry.ended_on)
    return window is not None and window[0] <= on and (window[1] is None or window[1] > on)


def _in_force_entries(session: Session, subject_id: int, on: dt.date) -> list[ListEntry]:
    return list(
        session.execute(
            select(ListEntry)
            .where(ListEntry.subject_id == subject_id, in_force(on))
            .order_by(ListEntry.starts_on, ListEntry.id)
        ).scalars()
    )


def _effects(
    session: Session,
    subject_id: int,
    on: dt.date | None,
    name: str,
    of: Callable[[ListEntry], Iterable[str]],
) -> list[dict[str, Any]]:
    """What the entries in force on a day do to a subject (``of`` an entry: its restricted
    activities, its benefits), each with the entry and when it ends."""
    on = on or clock.today()
    return [
        {name: effect, "list": e.list_id, "entry_id": e.id, "ends_on": _iso(_ends_on(e))}
        for e in _in_force_entries(session, subject_id, on)
        for effect in of(e)
    ]


def restrictions_for(
    *, session: Session, subject_id: int, on: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every activity restricted for a subject on a day, with the entry and when it ends."""
    return _effects(session, subject_id, on, "activity", _restricts)


def is_restricted(
    *, session: Session, subject_id: int, activity: str, on: dt.date | None = None
) -> tuple[bool, dict[str, Any] | None]:
    """Whether one activity is restricted for a subject on a day, and the entry restricting it."""
    if activity not in R.RESTRICTIONS:
        raise InvalidInput(
            f"unknown activity {activity!r}; known: {', '.join(R.RESTRICTIONS)}",
            details=[{"field": "activity", "value": activity}],
        )
    for item in restrictions_for(session=session, subject_id=subject_id, on=on):
        if item["activity"] == activity:
            return True, item
    return False, None


def benefits_for(
    *, session: Session, subject_id: int, on: dt.date | None = None
) -> list[dict[str, Any]]:
    """Fast-track benefits a subject's red-list entries grant on a day."""
    return _effects(session, subject_id, on, "benefit", lambda e: R.LISTS[e.list_id].benefits)


def public_entries(
    *, session: Session, subject_id: int, on: dt.date | None = None
) -> list[dict[str, Any]]:
    """An organisation's entries in force on public lists; a person's are never public."""
    subject = session.get(Subject, subject_id)
    if subject is None or subject.kind != "organisation":
        return []
    on = on or clock.today()
    return [
        describe(session=session, entry=e, with_records=False, on=on)
        for e in _in_force_entries(session, subject_id, on)
        if "organisation" in R.LISTS[e.list_id].public_kinds
    ]


def entries_for(*, session: Session, subject_id: int) -> list[ListEntry]:
    """Every entry about a subject (pending, active, ended and refused), newest first."""
    return list(
        session.execute(
            select(ListEntry)
            .where(ListEntry.subject_id == subject_id)
            .order_by(ListEntry.starts_on.desc(), ListEntry.id.desc())
        ).scalars()
    )


def overturn(
    *, session: Session, entry_id: int, actor: str, on: dt.date | None = None
) -> ListEntry:
    """End an entry a human review overturned, at once and for good (refreshes keep it
    ended: ``overturned_on`` closes the entry whatever the records call for)."""
    entry = get_entry(session=session, entry_id=entry_id)
    on = on or clock.today()
    entry.overturned_on = on
    end_at_once(session=session, entry=entry, on=on, reason="overturned_on_review", actor=actor)
    return entry


def end_at_once(
    *, session: Session, entry: ListEntry, on: dt.date, reason: str, actor: str
) -> None:
    """End an open entry now, outside the daily derivation (repaired, overturned on review),
    log its removal as immediate and tell the subject as a refresh would (an active entry's
    end is ``restriction.lifted`` or ``publication.ended``: ``notify.announce``)."""
    before, tier_before = entry.state, entry.tier
    if entry.state in OPEN:
        entry.state, entry.ended_on = "ended", max(on, entry.starts_on)
        entry.removal_reason = reason
    entry.updated_at = clock.now()
    session.flush()
    logged = audit.append(
        session,
        events.ListRemoved(
            entry.id,
            entry.list_id,
            entry.subject_id,
            _iso(entry.ended_on) or on.isoformat(),
            reason,
            True,
        ),
        actor=actor,
    )
    notify.announce(session, [notify.Transition(entry, before, tier_before, logged.seq)])


def get_entry(*, session: Session, entry_id: int) -> ListEntry:
    entry = session.get(ListEntry, entry_id)
    if entry is None:
        raise NotFound(
            f"no list entry {entry_id}", details=[{"field": "entry_id", "value": entry_id}]
        )
    return entry


def entries_of_list(
    *, session: Session, list_id: str, state: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[int, list[ListEntry]]:
    """Entries of one list (optionally one state), oldest first, and how many there are."""
    if list_id not in R.LISTS:
        raise NotFound(
            f"no list {list_id!r}; lists: {', '.join(R.LISTS)}",
            details=[{"field": "list_id", "value": list_id}],
        )
    where = [ListEntry.list_id == list_id]
    if state is not None:  # as the entries read today (``shown_state``), not as stored
        where.append(state_on(state, clock.today()))
    ids = session.execute(select(ListEntry.id).where(*where)).scalars().all()
    rows = session.execute(
        select(ListEntry)
        .where(*where)
        .order_by(ListEntry.starts_on, ListEntry.id)
        .limit(limit)
        .offset(offset)
    ).scalars()
    return len(ids), list(rows)


def describe(
    *, session: Session, entry: ListEntry, with_records: bool = True, on: dt.date | None = None
) -> dict[str, Any]:
    """An entry as it explains itself: records, rule, start, scheduled end and how to end it.

    ``restricts`` and ``benefits`` are what it does on ``on`` (today): nothing unless it is
    in force that day (``in_force``, what restriction checks read), so an entry that starts
    later or whose term is over shows what relying parties apply, not what it once did."""
    rule = R.LISTS[entry.list_id]
    day = on or clock.today()
    live = is_in_force(entry, day)
    state, ended_on, reason = shown_state(entry, day)  # a term over reads as ended
    ids = json.loads(entry.record_ids)
    records: list[dict[str, Any]] = []
    if with_records and ids:
        for rid, furnisher, external, category, occurred in session.execute(
            select(
                Record.id,
                Record.furnisher_id,
                Record.external_id,
                Record.category,
                Record.occurred_on,
            )
            .where(Record.id.in_(ids))
            .order_by(Record.occurred_on)
        ):
            records.append(
                {
                    "id": rid,
                    "furnisher_id": furnisher,
                    "external_id": external,
                    "category": category,
                    "occurred_on": occurred.isoformat(),
                }
            )
    basis = json.loads(entry.basis)
    return {
        "id": entry.id,
        "list": entry.list_id,
        "list_title": rule.title,
        "rule": entry.rule_id,
        "ref": entry.ref,
        "state": state,
        "tier": entry.tier,
        "starts_on": entry.starts_on.isoformat(),
        "scheduled_end": _iso(entry.scheduled_end),
        "ended_on": _iso(ended_on),
        "removal_reason": reason,
        "basis": basis,
        "record_ids": ids,
        "records": records,
        "restricts": list(_restricts(entry)) if live else [],
        "benefits": list(rule.benefits) if live else [],
        "how_to_end": rule.how_to_end,
        "repair_from": basis.get("repair_from"),
    }
