"""Subjects' consents: grant a program (or a ledger opt-in) until a date, revoke at once."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from credo.access import parties, rules
from credo.access.events import ConsentEnded, ConsentGranted
from credo.access.models import Consent
from credo.core import audit, clock, db
from credo.errors import InvalidInput, NotFound
from credo.ledgers.service import on_consent_withdrawn

PROGRAM, LEDGER = "program", "ledger"


def program_scope(program_id: str) -> str:
    return f"{PROGRAM}:{program_id}"


def state(consent: Consent, today: dt.date) -> str:
    """live, expired or revoked (or replaced)."""
    if consent.revoked_at is not None:
        return consent.end_reason or "revoked"
    if consent.expires_on is not None and consent.expires_on < today:
        return "expired"
    return "live"


def _expiry(expires_on: dt.date | None, today: dt.date, required: bool) -> dt.date | None:
    if expires_on is None:
        if required:
            raise InvalidInput(
                "a program consent needs an expires_on date",
                details=[{"field": "expires_on", "value": None}],
            )
        return None
    latest = today + dt.timedelta(days=rules.CONSENT_MAX_DAYS)
    if not today <= expires_on <= latest:
        raise InvalidInput(
            f"expires_on {expires_on.isoformat()} must be between today and "
            f"{latest.isoformat()} ({rules.CONSENT_MAX_DAYS} days)",
            details=[{"field": "expires_on", "value": expires_on.isoformat()}],
        )
    return expires_on


def _live(session: Session, subject_id: int, scope: str, today: dt.date) -> list[Consent]:
    return list(
        session.execute(
            select(Consent).where(
                Consent.subject_id == subject_id,
                Consent.scope == scope,
                Consent.revoked_at.is_(None),
                or_(Consent.expires_on.is_(None), Consent.expires_on >= today),
            )
        ).scalars()
    )


def grant(
    *,
    session: Session,
    subject_id: int,
    program_id: str | None = None,
    scope: str | None = None,
    expires_on: dt.date | None = None,
) -> Consent:
    """Grant a program's party (or a ledger opt-in) consent, replacing a live one of the scope."""
    today = clock.today()
    party_id: str | None = None
    if (program_id is None) == (scope is None):
        raise InvalidInput(
            "give either a program or a scope",
            details=[{"field": "program", "value": program_id}, {"field": "scope", "value": scope}],
        )
    if program_id is not None:
        program = parties.get_program(session=session, program_id=program_id)
        party_id, scope = program.party_id, program_scope(program.id)
        expiry = _expiry(expires_on, today, required=True)
    else:
        assert scope is not None
        kind, _, name = scope.partition(":")
        if kind != LEDGER or not rules.LEDGER_SCHEME.match(name):
            raise InvalidInput(
                f"scope {scope!r} is not ledger:<scheme> (programs are granted by id)",
                details=[{"field": "scope", "value": scope}],
            )
        expiry = _expiry(expires_on, today, required=False)
    actor = f"subject:{subject_id}"
    for old in _live(session, subject_id, scope, today):
        old.revoked_at, old.end_reason = clock.now(), "replaced"
        audit.append(session, ConsentEnded(old.id, subject_id, scope, "replaced"), actor=actor)
    consent = Consent(
        id="cns_" + secrets.token_hex(8),
        subject_id=subject_id,
        party_id=party_id,
        scope=scope,
        granted_at=clock.now(),
        expires_on=expiry,
        revoked_at=None,
        end_reason=None,
    )
    session.add(consent)
    session.flush()
    event = ConsentGranted(
        consent.id, subject_id, scope, party_id, expiry.isoformat() if expiry else None
    )
    audit.append(session, event, actor=actor)
    return consent


def get(*, session: Session, subject_id: int, consent_id: str) -> Consent:
    """The subject's own consent; another subject's is NotFound, as a missing one is."""
    consent = session.get(Consent, consent_id)
    if consent is None or consent.subject_id != subject_id:
        raise NotFound(
            f"no consent {consent_id!r}", details=[{"field": "consent", "value": consent_id}]
        )
    return consent


def revoke(*, session: Session, subject_id: int, consent_id: str) -> Consent:
    """End a consent now; checks relying on it are refused from this moment. Idempotent."""
    consent = get(session=session, subject_id=subject_id, consent_id=consent_id)
    if consent.revoked_at is None:
        consent.revoked_at, consent.end_reason = clock.now(), "revoked"
        event = ConsentEnded(consent.id, subject_id, consent.scope, "revoked")
        audit.append(session, event, actor=f"subject:{subject_id}")
        session.flush()
        if consent.scope.startswith("ledger:"):  # no consent, no ledger: delete it now
            on_consent_withdrawn(
                session=session, subject_id=subject_id, scheme=consent.scope.partition(":")[2]
            )
    return consent


def of_subject(*, session: Session, subject_id: int) -> list[Consent]:
    return db.of_subject(session, Consent, subject_id, order_by=Consent.granted_at)


def live_for(
    *, session: Session, subject_id: int, scope: str, party_id: str | None
) -> Consent | None:
    """The live consent covering a scope (for that party), or None."""
    today = clock.today()
    for consent in _live(session, subject_id, scope, today):
        if consent.party_id == party_id:
            return consent
    return None


def ledger_opt_ins(*, session: Session, subject_id: int) -> list[dict[str, Any]]:
    """Ledger schemes the subject has opted in to (for the ledgers domain)."""
    today = clock.today()
    return [
        {"scheme": c.scope.partition(":")[2], "consent_id": c.id, "expires_on": c.expires_on}
        for c in of_subject(session=session, subject_id=subject_id)
        if c.scope.startswith(LEDGER + ":") and state(c, today) == "live"
    ]


def _live_on(on: dt.date) -> Any:
    live = or_(Consent.expires_on.is_(None), Consent.expires_on >= on)
    return Consent.revoked_at.is_(None) & live


def subjects_with(*, session: Session, scope: str, on: dt.date | None = None) -> list[int]:
    """Subjects with a live consent of ``scope`` (e.g. ``ledger:city``) on a day (default today)."""
    day = on or clock.today()
    rows = session.execute(
        select(Consent.subject_id)
        .where(Consent.scope == scope, _live_on(day))
        .distinct()
        .order_by(Consent.subject_id)
    ).scalars()
    return list(rows)


def has_live(*, session: Session, subject_id: int, scope: str, on: dt.date) -> bool:
    """Whether the subject has a live consent of ``scope`` on a day."""
    found = session.execute(
        select(Consent.id)
        .where(Consent.subject_id == subject_id, Consent.scope == scope, _live_on(on))
        .limit(1)
    ).first()
    return found is not None
