"""A subject's notices: the inbox, read marks, opt-ins, and what the console lists."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credo.core import clock
from credo.errors import NotFound
from credo.notices import contacts, texts
from credo.notices.models import Notice, NoticeAttempt, NoticePreference


def _view(notice: Notice, base_url: str, email: Notice | None) -> dict[str, Any]:
    text = texts.render(notice.kind, json.loads(notice.payload), base_url)
    return {
        "id": notice.id,
        "kind": notice.kind,
        "created_at": notice.created_at.isoformat(),
        "read": notice.read_at is not None,
        "title": text.title,
        "what": text.what,
        "why": text.why,
        "means": text.means,
        "can_do": text.can_do,
        "links": [{"label": label, "url": url} for label, url in text.links],
        "email": None
        if email is None
        else {
            "state": email.state,
            "sent_at": email.sent_at.isoformat() if email.sent_at else None,
        },
    }


def inbox(
    *, session: Session, subject_id: int, base_url: str, limit: int = 200
) -> list[dict[str, Any]]:
    """A subject's inbox, newest first, each notice with its text and its e-mail's fate."""
    rows = list(
        session.scalars(
            select(Notice)
            .where(
                Notice.recipient_type == "subject",
                Notice.recipient_id == str(subject_id),
                Notice.channel == "inbox",
            )
            .order_by(Notice.id.desc())
            .limit(limit)
        )
    )
    emails = {
        n.idempotency_key.removesuffix("/email"): n
        for n in session.scalars(
            select(Notice).where(
                Notice.recipient_type == "subject",
                Notice.recipient_id == str(subject_id),
                Notice.channel == "email",
            )
        )
    }
    return [_view(n, base_url, emails.get(n.idempotency_key.removesuffix("/inbox"))) for n in rows]


def unread(*, session: Session, subject_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(
                Notice.recipient_type == "subject",
                Notice.recipient_id == str(subject_id),
                Notice.channel == "inbox",
                Notice.read_at.is_(None),
            )
        )
        or 0
    )


def mark_read(*, session: Session, subject_id: int, notice_id: int) -> None:
    """Mark one of the subject's inbox notices read (NotFound if it is not theirs)."""
    notice = session.get(Notice, notice_id)
    if (
        notice is None
        or notice.channel != "inbox"
        or notice.recipient_type != "subject"
        or notice.recipient_id != str(subject_id)
    ):
        raise NotFound(
            f"no notice {notice_id} in your inbox",
            details=[{"field": "notice_id", "value": notice_id}],
        )
    if notice.read_at is None:
        notice.read_at = clock.now()


def wants_inquiries(*, session: Session, subject_id: int) -> bool:
    """Whether the subject opted in to a notice for every inquiry (credit monitoring)."""
    pref = session.get(NoticePreference, subject_id)
    return bool(pref and pref.inquiries)


def set_inquiries(*, session: Session, subject_id: int, on: bool) -> None:
    """Opt in to (or out of) a notice for every inquiry. The caller commits."""
    pref = session.get(NoticePreference, subject_id)
    if pref is None:
        pref = NoticePreference(subject_id=subject_id)
        session.add(pref)
    pref.inquiries = on
    pref.updated_at = clock.now()
    session.flush()


def contact_view(*, session: Session, subject_id: int) -> dict[str, Any]:
    """What the report shows of a subject's contact details and notice settings."""
    return {
        "email": contacts.email_of(session=session, subject_id=subject_id),
        "source": "the latest identity.verification record (field contact_email)",
        "used_for": "notices and sign-in links only",
        "inquiry_notices": wants_inquiries(session=session, subject_id=subject_id),
    }


def undeliverable(*, session: Session, limit: int = 200) -> list[dict[str, Any]]:
    """Notices that ran out of attempts, with their last error (the operator console)."""
    rows = session.scalars(
        select(Notice)
        .where(Notice.state == "undeliverable")
        .order_by(Notice.id.desc())
        .limit(limit)
    )
    return [
        {
            "id": n.id,
            "kind": n.kind,
            "channel": n.channel,
            "recipient": f"{n.recipient_type} {n.recipient_id}",
            "attempts": n.attempts,
            "created_at": n.created_at.isoformat(),
            "last_error": n.last_error,
        }
        for n in rows
    ]


def retry(*, session: Session, notice_id: int) -> Notice:
    """The operator sends an undeliverable notice again (attempts start over)."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.state != "undeliverable":
        raise NotFound(
            f"no undeliverable notice {notice_id}",
            details=[{"field": "notice_id", "value": notice_id}],
        )
    notice.state, notice.attempts, notice.due_at = "pending", 0, clock.now()
    return notice


def attempts(*, session: Session, notice_id: int) -> list[NoticeAttempt]:
    return list(
        session.scalars(
            select(NoticeAttempt)
            .where(NoticeAttempt.notice_id == notice_id)
            .order_by(NoticeAttempt.number)
        )
    )
