"""Notices access owes subjects: a consent about to end, and (opted in) every inquiry.

Both are sweeps the worker runs every few seconds rather than writes on the check's hot
path (inquiries are group-committed outside the request's session). Each notice's
idempotency key names its consent or inquiry; a sweep looks up the keys already in the
outbox first (one query) and builds notices only for the others, so a sweep repeated, or run
by two workers, builds and writes nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from credo.access.models import Consent, Inquiry, Program, RelyingParty
from credo.config import get_settings
from credo.core import clock
from credo.notices import outbox
from credo.notices.models import NoticePreference
from credo.notices.texts import activities

LOOKBACK = dt.timedelta(days=2)

Row = TypeVar("Row")


def _notify_new(
    session: Session,
    rows: Sequence[Row],
    key: Callable[[Row], str],
    notice: Callable[[Row, str], tuple[int, str, dict[str, Any], str]],
) -> int:
    """Notify the subject of each row whose key is not in the outbox yet, building only those
    notices; the notices sent (one per subject and event, whatever its channels)."""
    keys = [key(row) for row in rows]
    held = outbox.known_keys(session, [f"{k}/inbox" for k in keys])
    notices = [
        notice(row, k) for row, k in zip(rows, keys, strict=True) if f"{k}/inbox" not in held
    ]
    outbox.notify_subjects(session=session, notices=notices)
    return len(notices)


def _program_name(session: Session, scope: str) -> str | None:
    """The name of the program a ``program:<id>`` consent scope names (None otherwise)."""
    kind, _, program_id = scope.partition(":")
    program = session.get(Program, program_id) if kind == "program" and program_id else None
    return program.name if program else None


def _expiring(session: Session, consent: Consent, party: str | None) -> dict[str, Any]:
    return {
        "consent_id": consent.id,
        "scope": consent.scope,
        "program": _program_name(session, consent.scope),
        "party": party,
        "expires_on": str(consent.expires_on),  # never None: the sweep selects dated ones
    }


def consent_notices(session: Session) -> int:
    """Tell subjects their consents end within ``CREDO_CONSENT_NOTICE_DAYS``; the subjects
    notified (each consent once, however often the sweep runs)."""
    today = clock.today()
    until = today + dt.timedelta(days=get_settings().consent_notice_days)
    rows = session.execute(
        select(Consent, RelyingParty.name)
        .outerjoin(RelyingParty, RelyingParty.id == Consent.party_id)
        .where(
            Consent.revoked_at.is_(None),
            Consent.expires_on.is_not(None),
            Consent.expires_on >= today,
            Consent.expires_on <= until,
        )
    ).all()
    return _notify_new(
        session,
        rows,
        lambda row: f"consent/{row[0].id}/expiring",
        lambda row, key: (row[0].subject_id, "consent.expiring", _expiring(session, *row), key),
    )


def question_text(kind: str, activity: str | None, program: str | None) -> str:
    """What a relying party asked, in words ("whether you are restricted from flying")."""
    if kind == "restriction":
        return f"whether you are restricted from {activities([activity] if activity else [])}"
    return f"whether you are eligible for its program {program or ''}".rstrip()


def _asked(session: Session, inquiry: Inquiry, party: str) -> dict[str, Any]:
    program = session.get(Program, inquiry.program_id) if inquiry.program_id else None
    return {
        "decision_id": inquiry.decision_id,
        "party": party,
        "asked_at": inquiry.at.strftime("%Y-%m-%d %H:%M UTC"),
        "question": question_text(
            inquiry.kind, inquiry.activity, program.name if program else inquiry.program_id
        ),
        "purpose": inquiry.purpose,
        "basis": f"consent {inquiry.consent_id}" if inquiry.consent_id else "a legal mandate",
        "answer": "yes" if inquiry.answer else "no",
    }


def inquiry_notices(session: Session) -> int:
    """ "Someone checked your file" for subjects who opted in; the subjects notified (each
    inquiry once)."""
    since = clock.now() - LOOKBACK
    rows = session.execute(
        select(Inquiry, RelyingParty.name)
        .join(NoticePreference, NoticePreference.subject_id == Inquiry.subject_id)
        .join(RelyingParty, RelyingParty.id == Inquiry.party_id)
        .where(
            and_(NoticePreference.inquiries.is_(True), Inquiry.at >= NoticePreference.updated_at),
            Inquiry.at >= since,
        )
        .order_by(Inquiry.id)
    ).all()
    return _notify_new(
        session,
        [(i, party) for i, party in rows if i.subject_id is not None],
        lambda row: f"inquiry/{row[0].decision_id}",
        lambda row, key: (cast(int, row[0].subject_id), "inquiry.made", _asked(session, *row), key),
    )


SWEEPS = (consent_notices, inquiry_notices)
