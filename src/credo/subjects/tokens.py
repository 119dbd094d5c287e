"""Subject tokens: how a person or organisation signs in to read and contest its file.

The tokens themselves are ``core.credentials`` of kind ``subject`` (holder: the subject id).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from credo.core import credentials
from credo.errors import Unauthenticated
from credo.subjects.models import Subject
from credo.subjects.service import find

KIND = "subject"
TOKEN_PREFIX = credentials.KINDS[KIND]


def issue(
    *, session: Session, scheme: str, value: str, days: int, actor: str = "operator"
) -> tuple[Subject, str, dt.datetime]:
    """A new token for the subject an identifier names (NotFound if credo holds nothing on it)."""
    subject, issued = issue_token(
        session=session, scheme=scheme, value=value, days=days, actor=actor
    )
    assert issued.expires_at is not None
    return subject, issued.text, issued.expires_at


def issue_token(
    *, session: Session, scheme: str, value: str, days: int, actor: str = "operator"
) -> tuple[Subject, credentials.Issued]:
    """Like ``issue``, with the whole credential (its id is what ``revoke`` takes)."""
    subject = find(session=session, scheme=scheme, value=value)
    issued = credentials.issue(
        session=session,
        kind=KIND,
        holder=str(subject.id),
        ttl=dt.timedelta(days=days),
        actor=actor,
    )
    return subject, issued


def authenticate(*, session: Session, token: str) -> Subject:
    """The subject a live token belongs to, or Unauthenticated (expired, revoked, unknown)."""
    credential = credentials.verify(session=session, kind=KIND, token=token)
    subject = session.get(Subject, int(credential.holder))
    if subject is None:
        raise Unauthenticated("the subject token is missing, unknown or revoked")
    return subject


def revoke(*, session: Session, token_id: str, actor: str = "operator") -> credentials.Credential:
    """Revoke one subject token by its id (the part between ``st_`` and the dot)."""
    return credentials.revoke(session=session, credential_id=token_id, kinds=[KIND], actor=actor)
