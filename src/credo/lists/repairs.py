"""Credit repair: an organisation applies after the minimum term; the operator decides in time.

An approval ends the entry at once (and ``refresh_lists`` keeps it ended, since it reads
approved repairs); a rejection must say why. The deadline is counted in working days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.core import audit, clock, decisions
from credo.core.types import free_text
from credo.errors import Conflict, InvalidInput, NotFound
from credo.lists import events, notify
from credo.lists import rules as R
from credo.lists.models import ListEntry, RepairApplication
from credo.lists.service import end_at_once, get_entry, shown_state

MAX_STATEMENT = 4000  # characters of a statement of correction (the API and the portal)


def repair_from(entry: ListEntry) -> dt.date | None:
    """The first day an entry may be repaired (None: its list has no credit repair)."""
    if entry.list_id != R.SERIOUS_VIOLATOR or entry.tier not in R.TIERS:
        return None
    return R.add_months(entry.starts_on, R.TIERS[entry.tier].min_months)


def apply(
    *,
    session: Session,
    subject_id: int,
    entry_id: int,
    statement: str,
    decision_days: int = R.REPAIR_DECISION_DAYS,
    actor: str | None = None,
) -> RepairApplication:
    """File a repair application for the subject's own active serious-violator entry."""
    entry = session.get(ListEntry, entry_id)
    if entry is None or entry.subject_id != subject_id:
        raise NotFound(
            f"no list entry {entry_id} about you",
            details=[{"field": "entry_id", "value": entry_id}],
        )
    start = repair_from(entry)
    if start is None:
        raise InvalidInput(
            f"entry {entry_id} is on the {entry.list_id} list, which has no credit repair: "
            f"{R.LISTS[entry.list_id].how_to_end}",
            code="not_repairable",
            details=[{"field": "entry_id", "value": entry_id}],
        )
    state = shown_state(entry, clock.today())[0]  # a term over reads as ended
    if state != "active":
        raise Conflict(
            f"entry {entry_id} is {state}, not active; nothing to repair",
            code="entry_not_active",
            details=[{"field": "entry_id", "value": entry_id}],
        )
    today = clock.today()
    if today < start:
        raise InvalidInput(
            f"entry {entry_id} ({entry.tier} tier) can be repaired from {start.isoformat()}, "
            f"after its minimum term of {R.TIERS[entry.tier or ''].min_months} months; "
            f"today is {today.isoformat()}",
            code="repair_too_early",
            details=[{"field": "entry_id", "value": entry_id, "repair_from": start.isoformat()}],
        )
    open_ = session.execute(
        select(RepairApplication).where(
            RepairApplication.entry_id == entry_id, RepairApplication.state == "applied"
        )
    ).scalar_one_or_none()
    if open_ is not None:
        raise Conflict(
            f"repair application {open_.id} for entry {entry_id} awaits a decision by "
            f"{open_.decide_by.isoformat()}",
            code="repair_pending",
            details=[{"field": "entry_id", "value": entry_id}],
        )
    # the domain's one rule for a person's text (1-2000 characters, no NUL: PostgreSQL's
    # text cannot hold it); the portal checked it, the API did not
    statement = free_text(statement, field="statement", most=MAX_STATEMENT)
    repair = RepairApplication(
        entry_id=entry_id,
        subject_id=subject_id,
        applied_on=today,
        statement=statement,
        decide_by=R.add_working_days(today, decision_days),
        state="applied",
    )
    return decisions.filed(
        session,
        repair,
        lambda r: events.RepairApplied(r.id, entry_id, subject_id, r.decide_by.isoformat()),
        actor=actor or f"subject:{subject_id}",
    )


def decide(
    *, session: Session, repair_id: int, approve: bool, reason: str, actor: str = "operator"
) -> RepairApplication:
    """Approve (the entry ends today) or reject (a reason is required) an open application."""
    repair = decisions.open_request(
        # locked: a second decision at once waits, then finds it decided (it overwrote it)
        session.get(RepairApplication, repair_id, with_for_update=True),
        field="repair_id",
        value=repair_id,
        missing=f"no repair application {repair_id}",
        decided=f"repair application {repair_id} was already {{state}}",
        open_state="applied",
        code="repair_decided",
    )
    if not approve and not reason.strip():
        raise InvalidInput(
            "a rejection needs a reason the organisation can act on",
            details=[{"field": "reason", "value": reason}],
        )
    today = clock.today()
    repair.state = "approved" if approve else "rejected"
    repair.decided_on, repair.decided_by = today, actor
    repair.decision_reason = reason.strip() or "approved"
    entry = get_entry(session=session, entry_id=repair.entry_id)
    session.flush()
    audit.append(
        session,
        events.RepairDecided(
            repair.id, entry.id, entry.subject_id, approve, repair.decision_reason
        ),
        actor=actor,
    )
    if approve and entry.state == "active":
        end_at_once(session=session, entry=entry, on=today, reason="repaired", actor=actor)
    notify.repair_decided(session, repair, entry)
    return repair


def list_repairs(*, session: Session, state: str | None = "applied") -> list[RepairApplication]:
    """Applications (open ones by default), the closest deadline first."""
    query = select(RepairApplication).order_by(RepairApplication.decide_by, RepairApplication.id)
    if state is not None:
        query = query.where(RepairApplication.state == state)
    return list(session.execute(query).scalars())


def describe(repair: RepairApplication) -> dict[str, Any]:
    today = clock.today()
    return {
        "id": repair.id,
        "entry_id": repair.entry_id,
        "subject_id": repair.subject_id,
        "applied_on": repair.applied_on.isoformat(),
        "statement": repair.statement,
        "decide_by": repair.decide_by.isoformat(),
        "overdue": repair.state == "applied" and today > repair.decide_by,
        "state": repair.state,
        "decided_on": repair.decided_on.isoformat() if repair.decided_on else None,
        "decided_by": repair.decided_by,
        "reason": repair.decision_reason,
    }
