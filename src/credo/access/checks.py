"""Eligibility and restriction checks, each logged as an inquiry with the inputs it used.

A relying party learns the answer and a reason category, never the score, list entries or
records. Eligibility needs the subject's live consent to the program; a restriction check
needs none (the restriction rests on a court order or an administrative penalty, and its
reason says which: ``lists.rules.restriction_reason``) but the party must enforce that
activity.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import Date, and_, bindparam, case, func, literal, or_, select, true
from sqlalchemy.orm import Session

from credo.access import consents, inputs, inquirylog, parties, rules
from credo.access.models import Consent, Inquiry, RelyingParty
from credo.core import clock
from credo.errors import Forbidden, InvalidInput
from credo.lists import rules as list_rules
from credo.lists.models import ListEntry
from credo.lists.service import in_force, is_restricted
from credo.scores.models import Score
from credo.scores.service import published_runs
from credo.subjects.models import Subject
from credo.subjects.service import identify

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


@dataclass(frozen=True)
class Checked:
    """A decision not yet answered: its inquiry row must be logged (``inquirylog``) first."""

    decision: Decision
    inquiry: dict[str, Any]


# The hot path's statements, built once (SQLAlchemy caches their compiled form; psycopg
# prepares them on the server after a few uses). ``GATE`` answers the subject's id (or -1)
# and its live consent in one round trip, and it probes both indexes whether or not the
# subject is on file, so a refused check does the same work for a known and an unknown
# subject and its timing does not tell which.
_subjects, _consents = Subject.__table__, Consent.__table__
# The subject is found by reading the first stored key at or after the asked one: a known
# subject's own row, an unknown one's neighbour. Both cost one index descent and one row
# read, then the key is compared; an equality look-up would skip the row read on a miss and
# be measurably faster for unknown subjects.
_PROBE = (
    select(_subjects.c.id, _subjects.c.lookup_key)
    .where(_subjects.c.scheme == bindparam("scheme"), _subjects.c.lookup_key >= bindparam("key"))
    .order_by(_subjects.c.lookup_key)
    .limit(1)
    .subquery("probe")
)
_SUBJECT = func.coalesce(
    select(
        case((_PROBE.c.lookup_key == bindparam("key"), _PROBE.c.id), else_=-1)
    ).scalar_subquery(),
    -1,
)
# For the consent the probe's row is used either way (the neighbour's for an unknown
# subject, whose consents are then ignored), so both probe the consents index alike.
_ASKED = (
    select(
        case((_PROBE.c.lookup_key == bindparam("key"), _PROBE.c.id), else_=-1).label("sid"),
        func.coalesce(_PROBE.c.id, -1).label("near"),
    )
    .select_from(select(literal(1).label("one")).subquery("asked_one").outerjoin(_PROBE, true()))
    .subquery("asked")
)
GATE = select(
    _ASKED.c.sid,
    select(_consents.c.id)
    .where(
        _consents.c.subject_id == _ASKED.c.near,
        _consents.c.scope == bindparam("scope"),
        _consents.c.party_id == bindparam("party"),
        _consents.c.revoked_at.is_(None),
        or_(_consents.c.expires_on.is_(None), _consents.c.expires_on >= bindparam("today")),
        _consents.c.granted_at <= bindparam("now"),  # a consent counts from its grant on
    )
    .order_by(_consents.c.granted_at.desc())
    .limit(1)
    .scalar_subquery()
    .label("consent_id"),
)
_KNOWN = select(_SUBJECT.label("sid"), literal(None).label("consent_id"))
# What a consented eligibility check reads, in one round trip: the latest published score on
# every row (as ``scores.latest_or_none``: a closed run's, a score withdrawn on review
# skipped), and the lists the subject is on that day (one row with no list if none).
_scores, _entries = Score.__table__, ListEntry.__table__
_ONE = select(literal(1).label("one")).subquery("one")
FACTS = select(
    select(_scores.c.score)
    .where(
        _scores.c.subject_id == bindparam("sid"),
        _scores.c.withdrawn_on.is_(None),
        _scores.c.run_id.in_(published_runs()),
    )
    .order_by(_scores.c.id.desc())
    .limit(1)
    .scalar_subquery()
    .label("score"),
    _entries.c.list_id,
).select_from(
    _ONE.outerjoin(
        _entries,
        and_(
            _entries.c.subject_id == bindparam("sid"),
            in_force(cast(Any, bindparam("on", type_=Date))),
        ),
    )
)


def _facts(session: Session, subject_id: int, on: dt.date) -> tuple[int | None, tuple[str, ...]]:
    """The subject's latest score and the ids of the lists it is on, for a day."""
    return facts_of(session.connection().execute(FACTS, {"sid": subject_id, "on": on}).all())


def facts_of(rows: Sequence[Sequence[Any]]) -> tuple[int | None, tuple[str, ...]]:
    """``FACTS``'s rows (score, list id) as the score and the sorted list ids."""
    score = rows[0][0] if rows else None
    return score, tuple(sorted({r[1] for r in rows if r[1] is not None}))


def _lookup_key(scheme: str, value: str) -> str:
    """The stored key of an identifier (InvalidInput when the identifier is not valid)."""
    return identify(scheme, value).key


def _inquiry(
    *,
    party: Party,
    subject_id: int | None,
    kind: str,
    purpose: str,
    answer: bool,
    reason: str,
    used: dict[str, Any],
    program_id: str | None = None,
    activity: str | None = None,
    consent_id: str | None = None,
) -> Checked:
    """The decision and the inquiry row that must be durable before it is answered."""
    decision_id = "dec_" + secrets.token_hex(10)
    row = {
        "decision_id": decision_id,
        "at": clock.now(),
        "party_id": party.id,
        "subject_id": subject_id,
        "kind": kind,
        "purpose": purpose,
        "program_id": program_id,
        "activity": activity,
        "consent_id": consent_id,
        "answer": answer,
        "reason": reason,
        "inputs": json.dumps(used, sort_keys=True, default=str),
    }
    return Checked(Decision(answer, decision_id, reason), row)


def eligibility(
    *, session: Session, party: RelyingParty, scheme: str, value: str, program_id: str
) -> Decision:
    """Is the subject eligible for the party's program? Needs the subject's live consent.
    Answered once its inquiry is logged durably."""
    checked = decide_eligibility(
        session=session, party=party, scheme=scheme, value=value, program_id=program_id
    )
    inquirylog.write(session, checked.inquiry)
    return checked.decision


def decide_eligibility(
    *, session: Session, party: RelyingParty, scheme: str, value: str, program_id: str
) -> Checked:
    """The eligibility decision and its inquiry, not yet logged (the caller logs it)."""
    connection = session.connection

    def gate(params: dict[str, Any]) -> tuple[int, str | None]:
        sid, consent = connection().execute(GATE, params).one()
        return sid, consent

    def grade(subject_id: int, scheme: str, on: dt.date) -> str | None:
        return inputs.ledger_grade(session, subject_id, scheme, on)

    return decide_eligibility_from(
        party=party,
        program=parties.program_view(session=session, program_id=program_id, party_id=party.id),
        scheme=scheme,
        value=value,
        gate=gate,
        facts=lambda subject_id, on: _facts(session, subject_id, on),
        grade=grade,
    )


class Party(Protocol):
    """What a check reads of a relying party (an ORM row or ``hotpath.Party``)."""

    @property
    def id(self) -> str: ...


def decide_eligibility_from(
    *,
    party: Party,
    program: parties.ProgramView,
    scheme: str,
    value: str,
    gate: Callable[[dict[str, Any]], tuple[int, str | None]],
    facts: Callable[[int, dt.date], tuple[int | None, tuple[str, ...]]],
    grade: Callable[[int, str, dt.date], str | None],
) -> Checked:
    """The decision from its reads: ``gate`` runs ``GATE``, ``facts`` answers ``_facts``,
    ``grade`` a ledger grade (the session path and ``hotpath`` give their own)."""
    now = clock.now()
    today = now.date()
    subject_id, consent_id = gate(
        {
            "scheme": scheme,
            "key": _lookup_key(scheme, value),
            "scope": consents.program_scope(program.id),
            "party": party.id,
            "today": today,
            "now": now,
        }
    )
    if subject_id == -1:  # the neighbour's consent, read only to take the same time
        consent_id = None
    if consent_id is None:  # an unknown subject looks like one not consenting, in time too
        raise Forbidden(
            NO_CONSENT, code="consent_required", details=[{"field": "subject.id", "value": value}]
        )
    need = rules.needs(program.conditions)
    score, lists = facts(subject_id, today) if need.score or need.lists else (None, ())
    found = rules.Facts(
        score=score if need.score else None,
        lists=lists if need.lists else (),
        grades={s: grade(subject_id, s, today) for s in need.ledgers},
    )
    eligible, reason = rules.evaluate(program.conditions, found)
    used: dict[str, Any] = {"conditions": program.conditions, "on": today.isoformat()}
    if need.score:
        used["score"] = found.score
    if need.lists:
        used["lists"] = list(found.lists)
    if need.ledgers:
        used["grades"] = dict(found.grades)
    return _inquiry(
        party=party,
        subject_id=subject_id,
        kind="eligibility",
        purpose=program.purpose,
        answer=eligible,
        reason=reason,
        used=used,
        program_id=program.id,
        consent_id=consent_id,
    )


def decide_restriction(
    *, session: Session, party: RelyingParty, scheme: str, value: str, activity: str
) -> Checked:
    """The restriction decision and its inquiry, not yet logged (the caller logs it)."""
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
    found = (
        session.connection()
        .execute(_KNOWN, {"scheme": scheme, "key": _lookup_key(scheme, value)})
        .scalar_one()
    )
    subject_id = None if found == -1 else found
    today = clock.today()
    # read for -1 when the subject is unknown (no entry has it): the same work as for a
    # known subject, so the time an answer takes does not tell who is on file
    restricted, entry = is_restricted(
        session=session, subject_id=found, activity=activity, on=today
    )
    if restricted and entry is not None:
        reason = list_rules.restriction_reason(str(entry["list"]))
    else:
        reason = "no restriction in force for this activity"
    used = {
        "on": today.isoformat(),
        "activity": activity,
        "entry": entry,
        "subject_known": subject_id is not None,
    }
    return _inquiry(
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
