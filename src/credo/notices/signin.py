"""Signing in to one's own file: identifier + confirmed e-mail -> a single-use link by e-mail.

The answer is the same whether or not the pair is on file (no enumeration). Requests are
counted per identifier and per address (as keyed hashes, never in clear) and refused past
``CREDO_SIGNIN_RATE`` an hour. The link's token is made by the worker when it sends the
e-mail, stored only as its SHA-256, usable once within ``CREDO_SIGNIN_MINUTES``; using it
issues an ordinary subject token (the portal cookie), so the operator is not involved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from credo.config import Settings
from credo.core import clock, credentials, keys
from credo.errors import CredoError, InvalidInput, NotFound, Unauthenticated
from credo.notices import contacts
from credo.notices.models import SigninLink, SigninRequest
from credo.notices.outbox import enqueue
from credo.records.validation import valid_email
from credo.subjects import service as subjects
from credo.subjects.models import Subject

LINK_PREFIX = "sl"
SESSION_HOURS = 12
ANSWER = (
    "If that identifier and e-mail address are on file together, a sign-in link is on its "
    "way to the address. It works once, for a short while."
)


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
    identity = subjects.identify(scheme, identifier)  # InvalidInput names a malformed one
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
                details=[{"field": "email" if what == "address" else "identifier"}],
            )
    session.add(SigninRequest(identifier_hash=id_hash, address_hash=address_hash, requested_at=now))
    try:
        subject = subjects.find(session=session, scheme=scheme, value=identifier)
    except NotFound:
        session.flush()
        return ANSWER
    on_file = contacts.email_of(session=session, subject_id=subject.id)
    if on_file is None or on_file.lower() != email.lower():
        session.flush()
        return ANSWER
    expires = now + dt.timedelta(minutes=settings.signin_minutes)
    link = SigninLink(
        subject_id=subject.id,
        token_hash=keys.digest(secrets.token_urlsafe(32)),  # unusable until the worker arms it
        created_at=now,
        expires_at=expires,
    )
    session.add(link)
    session.flush()
    enqueue(
        session=session,
        kind="signin.link",
        recipient_type="subject",
        recipient_id=subject.id,
        payload={"link_id": link.id, "expires_at": expires.strftime("%Y-%m-%d %H:%M UTC")},
        idempotency_key=f"signin/{link.id}",
        channel="email",
    )
    return ANSWER


def arm(*, session: Session, link_id: int) -> str:
    """Make the link's token now (the worker, as it sends); only its hash is stored."""
    link = session.get(SigninLink, link_id)
    if link is None:
        raise NotFound(f"no sign-in link {link_id}")
    secret = secrets.token_urlsafe(32)
    link.token_hash = keys.digest(secret)
    session.flush()
    return f"{LINK_PREFIX}_{secret}"


def _link(session: Session, token: str) -> SigninLink:
    prefix, _, secret = token.partition("_")
    if prefix != LINK_PREFIX or not secret:
        raise Unauthenticated("this sign-in link is not one credo sent; ask for a new one")
    link = session.scalar(select(SigninLink).where(SigninLink.token_hash == keys.digest(secret)))
    if link is None:
        raise Unauthenticated(
            "this sign-in link is unknown or was replaced by a newer one; ask for a new one"
        )
    if link.used_at is not None:
        raise Unauthenticated(
            "this sign-in link was already used; each link works once. Ask for a new one"
        )
    if link.expires_at <= clock.now():
        raise Unauthenticated(
            f"this sign-in link expired at {link.expires_at:%Y-%m-%d %H:%M} UTC; ask for a new one"
        )
    return link


def check_link(*, session: Session, token: str) -> Subject:
    """The subject a live link is for (without using it), or Unauthenticated saying why not."""
    link = _link(session, token)
    subject = session.get(Subject, link.subject_id)
    assert subject is not None
    return subject


def use_link(*, session: Session, token: str) -> tuple[Subject, str]:
    """Use a link once: mark it used and issue a subject token for the portal session."""
    link = _link(session, token)
    now = clock.now()
    taken = session.execute(
        update(SigninLink)
        .where(SigninLink.id == link.id, SigninLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) != 1:  # another request used it a moment ago
        raise Unauthenticated(
            "this sign-in link was already used; each link works once. Ask for a new one"
        )
    issued = credentials.issue(
        session=session,
        kind="subject",
        holder=str(link.subject_id),
        ttl=dt.timedelta(hours=SESSION_HOURS),
        actor=f"subject:{link.subject_id}",
    )
    subject = session.get(Subject, link.subject_id)
    assert subject is not None
    return subject, issued.text
