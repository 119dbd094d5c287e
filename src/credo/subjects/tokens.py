"""Subject tokens: how a person or organisation signs in to read and contest its file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.core import audit, clock, keys
from credo.errors import Unauthenticated
from credo.subjects.models import Subject, SubjectToken
from credo.subjects.service import find

TOKEN_PREFIX = "st"


@dataclass(frozen=True)
class TokenIssued(audit.AuditEvent):
    type = "subject.token_issued"
    subject_id: int
    key_id: str
    expires_at: str


def issue(
    *, session: Session, scheme: str, value: str, days: int, actor: str = "operator"
) -> tuple[Subject, str, dt.datetime]:
    """A new token for the subject an identifier names (NotFound if credo holds nothing on it)."""
    subject = find(session=session, scheme=scheme, value=value)
    key = keys.issue(TOKEN_PREFIX)
    now = clock.now()
    expires = now + dt.timedelta(days=days)
    session.add(
        SubjectToken(
            subject_id=subject.id,
            key_id=key.key_id,
            key_hash=key.key_hash,
            created_at=now,
            expires_at=expires,
            revoked=False,
        )
    )
    session.flush()
    audit.append(session, TokenIssued(subject.id, key.key_id, expires.isoformat()), actor=actor)
    return subject, key.text, expires


def authenticate(*, session: Session, token: str) -> Subject:
    """The subject a live token belongs to, or Unauthenticated (expired, revoked, unknown)."""
    parsed = keys.parse(token, TOKEN_PREFIX)
    if parsed is not None:
        key_id, secret = parsed
        row = session.execute(
            select(SubjectToken).where(SubjectToken.key_id == key_id)
        ).scalar_one_or_none()
        if row is not None and not row.revoked and keys.matches(secret, row.key_hash):
            expires = row.expires_at
            if expires.tzinfo is None:  # SQLite hands back naive UTC
                expires = expires.replace(tzinfo=dt.UTC)
            if expires > clock.now():
                subject = session.get(Subject, row.subject_id)
                assert subject is not None
                return subject
            raise Unauthenticated("the subject token has expired; ask the operator for a new one")
    raise Unauthenticated("the subject token is missing, unknown or revoked")
