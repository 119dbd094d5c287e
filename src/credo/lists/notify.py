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
from dataclasses import dataclass
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
from credo.subjects.models import Subject

CHUNK = 500


def warning_key(subject_id: int, ref: str) -> str:
    """The idempotency key of the warning before listing for one case."""
    return f"listing-warning/{subject_id}/{hashlib.sha256(ref.encode()).hexdigest()[:20]}"


def warned_on(
    session: Session, cases: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], dt.date | None]:
    """Per (subject, case): the day its warning was delivered, or None (not yet).

    By e-mail where one was written; an e-mail that will not go (skipped: the address was
    removed; undeliverable: it failed for good) leaves the portal inbox copy as the
    delivery, so the listing is not held pending for ever on a warning the person has."""
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
        chosen = email if email is not None and email.state in ("pending", "sent") else inbox
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
    # the day each case's judgment fell due, from its warning entry: a court listing that
    # arrives with its judgment carries the listing's day, not the judgment's due day
    due: dict[tuple[int, str], str] = {}
    ordered: dict[tuple[int, str], str] = {}  # the court's listing day, where it has listed
    for d in desired.values():
        if d.list_id != R.DEFAULTER:
            continue
        if d.rule_id == R.WARNING_RULE and d.basis.get("due_on"):
            due[(d.subject_id, d.ref)] = str(d.basis["due_on"])
        if d.rule_id == R.LISTING_RULE and d.state in ("pending", "active"):
            ordered[(d.subject_id, d.ref)] = str(d.basis.get("listed_on") or d.starts_on)
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
            "due_on": due.get((subject_id, ref)) or d.starts_on.isoformat(),
            "records": d.record_ids,
            "legal_basis": next((legal[r] for r in d.record_ids if r in legal), None),
            "restricts": restricts,
            "takes_effect_on": (today + dt.timedelta(days=days)).isoformat(),
            "listing_ordered_on": ordered.get((subject_id, ref)),
        }
        batch.append((subject_id, "listing.warning", payload, base))
    return outbox.notify_subjects(session=session, notices=batch)


def _restricted(list_id: str, tier: str | None) -> list[str]:
    """What an entry of a list and tier restricts (``rules.restrictions_of``), as a list."""
    return list(R.restrictions_of(list_id, tier))


def _restricts(entry: ListEntry) -> list[str]:
    """What the entry restricts, its tier counted."""
    return _restricted(entry.list_id, entry.tier)


def _payload(entry: ListEntry, published: bool) -> dict[str, Any]:
    rule = R.LISTS[entry.list_id]
    basis = json.loads(entry.basis)
    return {
        "entry_id": entry.id,
        "list": entry.list_id,
        "rule": entry.rule_id,
        "tier": entry.tier,
        "case_number": basis.get("case_number"),
        "court_name": basis.get("court_name"),
        "decision_number": basis.get("decision_number"),
        "authority": basis.get("authority"),
        "domain": basis.get("domain"),
        "term": basis.get("term"),
        "records": json.loads(entry.record_ids),
        "starts_on": entry.starts_on.isoformat(),
        "scheduled_end": entry.scheduled_end.isoformat() if entry.scheduled_end else None,
        "ended_on": entry.ended_on.isoformat() if entry.ended_on else None,
        "reason": entry.removal_reason,
        "restricts": _restricts(entry),
        "published": published,
        "repair_from": basis.get("repair_from"),
        "how_to_end": rule.how_to_end,
    }


@dataclass(frozen=True)
class Transition:
    """One change ``lists.service`` wrote to an entry: the entry as it is now, its state and
    tier before (None: a new entry), and ``seq``, the audit log entry that records the change.

    ``seq`` makes each transition's notice its own: an entry that ends, comes back and ends
    again is told each time, while the same transition announced twice is one notice."""

    entry: ListEntry
    state_before: str | None
    tier_before: str | None
    seq: int


def _public(session: Session, transitions: Sequence[Transition]) -> set[int]:
    """Ids of the entries among ``transitions`` shown on the public register: a list public
    for the subject's kind (``public_kinds``: organisations' defaulter and serious-violator
    entries; a person's entries are never public). One query per 500 subjects."""
    kinds_of = {t.entry.id: _public_kinds(t.entry.list_id) for t in transitions}
    wanted = sorted({t.entry.subject_id for t in transitions if kinds_of[t.entry.id]})
    kinds: dict[int, str] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(Subject.id, Subject.kind).where(Subject.id.in_(wanted[start : start + CHUNK]))
        )
        kinds.update((sid, kind) for sid, kind in rows)
    return {
        t.entry.id for t in transitions if kinds.get(t.entry.subject_id) in kinds_of[t.entry.id]
    }


def _public_kinds(list_id: str) -> tuple[str, ...]:
    rule = R.LISTS.get(list_id)
    return rule.public_kinds if rule is not None else ()


def _notice(t: Transition, published: bool) -> tuple[str, str] | None:
    """The kind of notice a transition calls for and its key's middle part, or None.

    An entry that restricts is announced (``listing.entered``) and lifted
    (``restriction.lifted``) with what it restricts; one that restricts nothing but is
    published (a serious-violator entry of the minor or general tier) is announced as a
    publication (``listing.published``) and its end told (``publication.ended``); a tier
    change on an active entry says what the entry restricts now (``listing.tier_changed``).
    An entry neither restricting nor published (the red list) is not noticed."""
    entry, before = t.entry, t.state_before
    if entry.list_id not in R.LISTS:
        return None
    if entry.state == "active" and before != "active":
        if _restricts(entry):
            return "listing.entered", "entered"
        return ("listing.published", "published") if published else None
    if entry.state in ("ended", "refused") and before == "active":  # refused: e.g. the
        # judgment that warned was deleted (no_prior_warning): lifted at once, told likewise
        if _restricted(entry.list_id, t.tier_before):
            return "restriction.lifted", "ended"
        return ("publication.ended", "unpublished") if published else None
    retiered = entry.state == before == "active" and entry.tier != t.tier_before
    told = published or _restricts(entry) or _restricted(entry.list_id, t.tier_before)
    return ("listing.tier_changed", "tier") if retiered and told else None


def announce(session: Session, transitions: Sequence[Transition]) -> int:
    """Notices for entries that just came into effect, ended or changed tier (``_notice``):
    what each restricts, whether it is public, until when and how to end it.

    Each notice's idempotency key names the transition (``list-entry/<id>/<what>/<seq>``,
    ``seq`` the audit entry that records it), so a retried transition writes nothing twice
    and a new one (an entry back after a verified dispute, disputed again) is told again."""
    public = _public(session, transitions)
    batch: dict[str, tuple[int, str, dict[str, Any], str]] = {}  # by key: each once
    for t in transitions:
        published = t.entry.id in public
        found = _notice(t, published)
        if found is None:
            continue
        kind, what = found
        payload = _payload(t.entry, published)
        if kind == "restriction.lifted":  # what it restricted until it ended
            payload["restricts"] = _restricted(t.entry.list_id, t.tier_before)
        elif kind == "listing.tier_changed":
            payload["tier_before"] = t.tier_before
            payload["restricted_before"] = _restricted(t.entry.list_id, t.tier_before)
            payload["changed_on"] = clock.today().isoformat()
        key = f"list-entry/{t.entry.id}/{what}/{t.seq}"
        batch[key] = (t.entry.subject_id, kind, payload, key)
    return outbox.notify_subjects(session=session, notices=list(batch.values()))


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
