"""Eligibility and restriction checks, each logged as an inquiry with the inputs it used.

A relying party learns the answer and a reason category, never the score, list entries or
records. Eligibility needs the subject's live consent to the program; a restriction check
needs none (the restriction is a court order) but the party must enforce that activity.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.access import consents, inputs, parties, rules
from credo.access.models import Inquiry, RelyingParty
from credo.core import clock
from credo.errors import Forbidden, InvalidInput, NotFound
from credo.lists import rules as list_rules
from credo.lists.service import is_restricted
from credo.subjects.service import find

NO_CONSENT = (
    "no live consent from this subject to this program: the subject grants it with "
    "POST /v1/me/consents"
)


@dataclass(frozen=True)
class Decision:
    """What a relying party is told."""

    answer: bool
    decision_id: str
    reason: str


def _subject_id(session: Session, scheme: str, value: str) -> int | None:
    try:
        return find(session=session, scheme=scheme, value=value).id
    except NotFound:
        return None


def _log(
    session: Session,
    *,
    party: RelyingParty,
    subject_id: int | None,
    kind: str,
    purpose: str,
    answer: bool,
    reason: str,
    used: dict[str, Any],
    program_id: str | None = None,
    activity: str | None = None,
    consent_id: str | None = None,
) -> Decision:
    decision_id = "dec_" + secrets.token_hex(10)
    session.add(
        Inquiry(
            decision_id=decision_id,
            at=clock.now(),
            party_id=party.id,
            subject_id=subject_id,
            kind=kind,
            purpose=purpose,
            program_id=program_id,
            activity=activity,
            consent_id=consent_id,
            answer=answer,
            reason=reason,
            inputs=json.dumps(used, sort_keys=True, default=str),
        )
    )
    session.flush()
    return Decision(answer, decision_id, reason)


def eligibility(
    *, session: Session, party: RelyingParty, scheme: str, value: str, program_id: str
) -> Decision:
    """Is the subject eligible for the party's program? Needs the subject's live consent."""
    program = parties.get_program(session=session, program_id=program_id, party_id=party.id)
    subject_id = _subject_id(session, scheme, value)
    consent = None
    if subject_id is not None:
        consent = consents.live_for(
            session=session,
            subject_id=subject_id,
            scope=consents.program_scope(program.id),
            party_id=party.id,
        )
    if subject_id is None or consent is None:  # an unknown subject looks like one not consenting
        raise Forbidden(
            NO_CONSENT, code="consent_required", details=[{"field": "subject.id", "value": value}]
        )
    today = clock.today()
    need = rules.needs(program.conditions)
    facts = rules.Facts(
        score=inputs.latest_score(session, subject_id) if need.score else None,
        lists=inputs.lists_on(session, subject_id, today) if need.lists else (),
        grades={s: inputs.ledger_grade(session, subject_id, s, today) for s in need.ledgers},
    )
    eligible, reason = rules.evaluate(program.conditions, facts)
    used: dict[str, Any] = {"conditions": program.conditions, "on": today.isoformat()}
    if need.score:
        used["score"] = facts.score
    if need.lists:
        used["lists"] = list(facts.lists)
    if need.ledgers:
        used["grades"] = dict(facts.grades)
    return _log(
        session,
        party=party,
        subject_id=subject_id,
        kind="eligibility",
        purpose=program.purpose,
        answer=eligible,
        reason=reason,
        used=used,
        program_id=program.id,
        consent_id=consent.id,
    )


def restriction(
    *, session: Session, party: RelyingParty, scheme: str, value: str, activity: str
) -> Decision:
    """Is an activity restricted for the subject today? Legally mandated: no consent needed."""
    if activity not in list_rules.RESTRICTIONS:
        raise InvalidInput(
            f"unknown activity {activity!r}; known: {', '.join(list_rules.RESTRICTIONS)}",
            details=[{"field": "activity", "value": activity}],
        )
    if activity not in party.activities:
        raise Forbidden(
            f"this relying party does not enforce {activity!r}",
            details=[{"field": "activity", "value": activity}],
        )
    subject_id = _subject_id(session, scheme, value)
    today = clock.today()
    restricted, entry = False, None
    if subject_id is not None:
        restricted, entry = is_restricted(
            session=session, subject_id=subject_id, activity=activity, on=today
        )
    if restricted and entry is not None:
        title = list_rules.LISTS[entry["list"]].title if entry["list"] in list_rules.LISTS else ""
        reason = f"restricted by a court order: {title or entry['list']}"
    else:
        reason = "no restriction in force for this activity"
    used = {
        "on": today.isoformat(),
        "activity": activity,
        "entry": entry,
        "subject_known": subject_id is not None,
    }
    return _log(
        session,
        party=party,
        subject_id=subject_id,
        kind="restriction",
        purpose="restriction_check",
        answer=restricted,
        reason=reason,
        used=used,
        activity=activity,
    )


def inquiries_for(
    *, session: Session, subject_id: int, since: dt.date | dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Every inquiry about a subject since a moment, for the subject's own report."""
    query = (
        select(Inquiry, RelyingParty.name)
        .join(RelyingParty, RelyingParty.id == Inquiry.party_id)
        .where(Inquiry.subject_id == subject_id)
    )
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = dt.datetime(since.year, since.month, since.day, tzinfo=dt.UTC)
        query = query.where(Inquiry.at >= since)
    rows = session.execute(query.order_by(Inquiry.at, Inquiry.id)).all()
    return [
        {
            "decision_id": q.decision_id,
            "at": q.at,
            "party_id": q.party_id,
            "party": name,
            "kind": q.kind,
            "purpose": q.purpose,
            "program_id": q.program_id,
            "activity": q.activity,
            "answer": q.answer,
            "reason": q.reason,
            "inputs": json.loads(q.inputs),
        }
        for q, name in rows
    ]
