"""Signing in to one's own file: identifier + confirmed e-mail -> a single-use link by e-mail.

The answer is the same whether or not the pair is on file (no enumeration). Requests are
counted per identifier and per address (as keyed hashes, never in clear) and refused past
``CREDO_SIGNIN_RATE`` an hour. The link is a ``core.credentials`` credential of kind
``signin_link`` (single use, ``CREDO_SIGNIN_MINUTES``, only its hash stored), issued by the
worker as it sends the e-mail, so the outbox never holds it in clear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credo.config import Settings
from credo.core import clock, credentials
from credo.errors import CredoError, InvalidInput, NotFound, Unauthenticated
from credo.notices import contacts
from credo.notices.models import SigninRequest
from credo.notices.outbox import enqueue
from credo.records.validation import valid_email
from credo.subjects import service as subjects
from credo.subjects.models import Subject

KIND = "signin_link"
ANSWER = (
    "If that identifier and e-mail address are on file together, a sign-in link is on its "
    "way to the address. It works once, for a short while."
)


#: Where ``subjects.identify`` names an envelope's field, the sign-in request's own name.
REQUEST_FIELDS = {"subject.id": "id", "subject.scheme": "scheme"}


class RateLimited(CredoError):
    """Too many sign-in links asked for one identifier or address; try again later."""

    code = "rate_limited"


def _keyed(settings: Settings, text: str) -> str:
    key = settings.secret.get_secret_value().encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def request_link(
    *, session: Session, settings: Settings, scheme: str, identifier: str, email: str
) -> str:
    """Ask for a sign-in link; returns the one answer given in every case. The caller commits."""
    email = email.strip()
    if not valid_email(email):
        raise InvalidInput(
            f"email {email[:64]!r} is not one e-mail address (name@domain.tld)",
            details=[{"field": "email", "value": email[:64]}],
        )
    try:
        identity = subjects.identify(scheme, identifier)
    except InvalidInput as exc:  # named as this request's fields, not an envelope's subject.*
        details = [{**d, "field": REQUEST_FIELDS.get(str(d.get("field")), d.get("field"))}
                   for d in exc.details]  # fmt: skip
        raise InvalidInput(exc.message, code=exc.code, details=details) from None
    id_hash = _keyed(settings, f"signin-id:{scheme}:{identity.key}")
    address_hash = _keyed(settings, f"signin-address:{email.lower()}")
    now = clock.now()
    since = now - dt.timedelta(hours=1)
    for column, value, what in (
        (SigninRequest.identifier_hash, id_hash, "identifier"),
        (SigninRequest.address_hash, address_hash, "address"),
    ):
        count = session.scalar(
            select(func.count())
            .select_from(SigninRequest)
            .where(column == value, SigninRequest.requested_at > since)
        )
        if (count or 0) >= settings.signin_rate:
            raise RateLimited(
                f"too many sign-in links asked for this {what} in the last hour; try again later",
                details=[{"field": "email" if what == "address" else "id"}],
            )
    session.add(SigninRequest(identifier_hash=id_hash, address_hash=address_hash, requested_at=now))
    session.flush()
    try:
        subject = subjects.find(session=session, scheme=scheme, value=identifier)
    except NotFound:
        return ANSWER
    on_file = contacts.email_of(session=session, subject_id=subject.id)
    if on_file is None or on_file.lower() != email.lower():
        return ANSWER
    enqueue(
        session=session,
        kind="signin.link",
        recipient_type="subject",
        recipient_id=subject.id,
        payload={"subject_id": subject.id, "minutes": settings.signin_minutes},
        idempotency_key=f"signin/{subject.id}/{secrets.token_hex(8)}",
        channel="email",
    )
    return ANSWER


def issue_link(*, session: Session, subject_id: int, minutes: int) -> tuple[str, dt.datetime]:
    """The link's token, made as the worker sends it (only its hash is stored) and its expiry."""
    issued = credentials.issue(
        session=session,
        kind=KIND,
        holder=str(subject_id),
        ttl=dt.timedelta(minutes=minutes),
        single_use=True,
        actor="system:notices",
    )
    assert issued.credential.expires_at is not None
    return issued.text, issued.credential.expires_at


def _plain(exc: Unauthenticated) -> Unauthenticated:
    if "already used" in exc.message:
        why = "was already used; each link works once"
    elif "expired" in exc.message:
        why = "has expired; links work for a few minutes only"
    else:
        why = "is not one credo sent, or was withdrawn"
    return Unauthenticated(f"this sign-in link {why}. Ask for a new one", code="link_refused")


def _link_subject(*, session: Session, token: str, use: bool) -> Subject:
    try:
        if use:
            credential = credentials.consume(session=session, kind=KIND, token=token)
        else:
            credential = credentials.verify(session=session, kind=KIND, token=token)
    except Unauthenticated as exc:
        raise _plain(exc) from None
    subject = session.get(Subject, int(credential.holder))
    if subject is None:
        raise Unauthenticated("this sign-in link's file no longer exists", code="link_refused")
    return subject


def check_link(*, session: Session, token: str) -> Subject:
    """The subject a live link is for (without using it), or Unauthenticated saying why not."""
    return _link_subject(session=session, token=token, use=False)


def consume_link(*, session: Session, token: str) -> Subject:
    """Use a link once (a second use, even racing, is refused); the subject it signs in."""
    return _link_subject(session=session, token=token, use=True)
