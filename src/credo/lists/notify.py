"""Notices the lists owe people: the warning before listing, the listing, the lifting.

A defaulter listing takes effect only ``CREDO_LISTING_NOTICE_DAYS`` after its warning was
delivered: by e-mail where the subject has a confirmed address, else in the portal inbox.
Until the warning is delivered the listing stays ``pending`` and restricts nothing; warned
late, it starts late (``basis`` keeps the court's date as ``listed_on``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.config import get_settings
from credo.core import clock
from credo.lists import rules as R
from credo.lists.derive import Desired, Key
from credo.lists.models import ListEntry, RepairApplication
from credo.notices import outbox
from credo.notices.models import Notice
from credo.records.models import Record

CHUNK = 500


def warning_key(subject_id: int, ref: str) -> str:
    """The idempotency key of the warning before listing for one case."""
    return f"listing-warning/{subject_id}/{hashlib.sha256(ref.encode()).hexdigest()[:20]}"


def warned_on(
    session: Session, cases: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], dt.date | None]:
    """Per (subject, case): the day its warning was delivered, or None (not yet)."""
    wanted = {warning_key(s, r): (s, r) for s, r in cases}
    bases = list(wanted)
    rows: dict[str, Notice] = {}
    for start in range(0, len(bases), CHUNK):
        keys = [f"{b}/{c}" for b in bases[start : start + CHUNK] for c in ("inbox", "email")]
        rows.update(
            {
                n.idempotency_key: n
                for n in session.scalars(select(Notice).where(Notice.idempotency_key.in_(keys)))
            }
        )
    out: dict[tuple[int, str], dt.date | None] = {}
    for base, case in wanted.items():
        email, inbox = rows.get(f"{base}/email"), rows.get(f"{base}/inbox")
        chosen = email if email is not None else inbox
        sent = chosen.sent_at if chosen is not None and chosen.state == "sent" else None
        out[case] = sent.date() if sent is not None else None
    return out


def hold_until_warned(session: Session, desired: dict[Key, Desired]) -> None:
    """Hold or delay each live defaulter listing until its warning's notice period is over."""
    days = get_settings().listing_notice_days
    listings = [
        d
        for d in desired.values()
        if d.list_id == R.DEFAULTER and d.rule_id == R.LISTING_RULE and d.state == "active"
    ]
    if not listings:
        return
    delivered = warned_on(session, {(d.subject_id, d.ref) for d in listings})
    for d in listings:
        on = delivered.get((d.subject_id, d.ref))
        if on is None:
            d.state = "pending"
            d.basis["held"] = (
                "the warning before listing has not been delivered; the listing takes effect "
                f"{days} days after it is"
            )
            continue
        effective = on + dt.timedelta(days=days)
        d.basis["warning_delivered_on"] = on.isoformat()
        if effective > d.starts_on:
            d.basis["listed_on"] = d.starts_on.isoformat()
            d.starts_on = effective


def _legal_bases(session: Session, record_ids: set[int]) -> dict[int, str]:
    """Record id -> legal basis, for the records that have one (one query per 500)."""
    ids = sorted(record_ids)
    found: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(Record.id, Record.legal_basis).where(
                Record.id.in_(ids[start : start + CHUNK]), Record.legal_basis.is_not(None)
            )
        )
        found.update((rid, str(basis)) for rid, basis in rows)
    return found


def ensure_warnings(session: Session, desired: dict[Key, Desired]) -> int:
    """Write the warning notice for every case that calls for one and has none yet."""
    days = get_settings().listing_notice_days
    restricts = list(R.restrictions(R.LISTS[R.DEFAULTER]))
    cases: dict[tuple[int, str], Desired] = {}
    for d in desired.values():
        if d.list_id != R.DEFAULTER:
            continue
        warning_due = d.rule_id == R.WARNING_RULE and d.state == "pending"
        listing_held = d.rule_id == R.LISTING_RULE and d.state in ("pending", "active")
        if warning_due or listing_held:
            cases.setdefault((d.subject_id, d.ref), d)
    if not cases:
        return 0
    today = clock.today()
    legal = _legal_bases(session, {r for d in cases.values() for r in d.record_ids})
    batch: list[tuple[int, str, dict[str, Any], str]] = []
    for (subject_id, ref), d in cases.items():
        base = warning_key(subject_id, ref)  # notify_subjects skips keys already written
        payload: dict[str, Any] = {
            "list": R.DEFAULTER,
            "case_number": ref,
            "court_name": d.basis.get("court_name"),
            "due_on": d.basis.get("due_on") or d.starts_on.isoformat(),
            "records": d.record_ids,
            "legal_basis": next((legal[r] for r in d.record_ids if r in legal), None),
            "restricts": restricts,
            "takes_effect_on": (today + dt.timedelta(days=days)).isoformat(),
        }
        batch.append((subject_id, "listing.warning", payload, base))
    return outbox.notify_subjects(session=session, notices=batch)


def _restricts(entry: ListEntry) -> list[str]:
    """What the entry restricts, its tier counted (``rules.restrictions``)."""
    rule = R.LISTS.get(entry.list_id)
    return list(R.restrictions(rule, entry.tier)) if rule is not None else []


def _payload(entry: ListEntry) -> dict[str, Any]:
    rule = R.LISTS[entry.list_id]
    basis = json.loads(entry.basis)
    return {
        "entry_id": entry.id,
        "list": entry.list_id,
        "rule": entry.rule_id,
        "case_number": basis.get("case_number"),
        "court_name": basis.get("court_name"),
        "term": basis.get("term"),
        "records": json.loads(entry.record_ids),
        "starts_on": entry.starts_on.isoformat(),
        "scheduled_end": entry.scheduled_end.isoformat() if entry.scheduled_end else None,
        "ended_on": entry.ended_on.isoformat() if entry.ended_on else None,
        "reason": entry.removal_reason,
        "restricts": _restricts(entry),
        "how_to_end": rule.how_to_end,
    }


def announce(session: Session, changed: Sequence[tuple[ListEntry, str | None]]) -> int:
    """Notices for entries that just came into effect or ended, for entries that restrict
    only: a serious-violator entry of a tier that restricts nothing (minor, general) is
    published without a notice, as a red-list entry is."""
    batch: list[tuple[int, str, dict[str, Any], str]] = []
    for entry, before in changed:
        if not _restricts(entry):
            continue
        if entry.state == "active" and before != "active":
            kind, suffix = "listing.entered", "entered"
        elif entry.state == "ended" and before == "active":
            kind, suffix = "restriction.lifted", "ended"
        else:
            continue
        batch.append((entry.subject_id, kind, _payload(entry), f"list-entry/{entry.id}/{suffix}"))
    return outbox.notify_subjects(session=session, notices=batch)


def repair_decided(session: Session, repair: RepairApplication, entry: ListEntry) -> None:
    """The organisation hears the operator's decision on its credit-repair application."""
    outbox.notify_subject(
        session=session,
        subject_id=entry.subject_id,
        kind="repair.decided",
        payload={
            "repair_id": repair.id,
            "entry_id": entry.id,
            "list": entry.list_id,
            "outcome": repair.state,
            "reason": repair.decision_reason,
            "restricts": _restricts(entry),
        },
        idempotency_key=f"repair/{repair.id}/decided",
    )
