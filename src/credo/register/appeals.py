"""An organisation's answers to its safety ratings: reply, appeal, re-rating; the decisions.

The organisation signs in with a subject token for its code (``credo subjects token
cn_uscc ...``). An appeal is open for ``appeal_days`` after the rating was published and
shows the rating as "under appeal" until the operator decides it; an upheld appeal sets
the rating until a newer inspection. A re-rating request asks the regulator to inspect
again after the organisation has put things right; it closes itself when a newer
inspection is published (or the operator closes it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.core import audit, clock, db, decisions
from credo.errors import Conflict, Forbidden, InvalidInput, NotFound
from credo.register import notify, service
from credo.register.events import RatingRequestDecided, RatingRequested, ReplyPublished
from credo.register.models import RatingReply, RatingRequest, SafetyRating
from credo.register.policy import MAX_RATING, load
from credo.subjects.models import Subject

MAX_TEXT = 2000
OUTCOMES = {"appeal": ("upheld", "dismissed"), "rerating": ("done", "dismissed")}


def _organisation(session: Session, subject_id: int) -> Subject:
    subject = session.get(Subject, subject_id)
    if subject is None or subject.kind != "organisation":
        raise Forbidden(
            "only an organisation can answer its safety ratings; sign in with a token for its "
            "unified social credit code",
            details=[{"field": "subject", "value": None}],
        )
    return subject


def _text(value: str, field: str) -> str:
    text = value.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(
            f"{field} must be 1-{MAX_TEXT} characters (got {len(text)})",
            details=[{"field": field, "value": text[:100]}],
        )
    return text


def rating(*, session: Session, subject_id: int, domain: str) -> SafetyRating:
    """The organisation's published rating in a domain (NotFound names the domain)."""
    _organisation(session, subject_id)
    decisions.one_of(domain, load().safety.domains, field="domain")
    query = select(SafetyRating).filter_by(subject_id=subject_id, domain=domain)
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFound(
            f"no {domain} safety rating is published for this organisation",
            details=[{"field": "domain", "value": domain}],
        )
    return row


def _replies(session: Session, subject_id: int, domain: str) -> list[RatingReply]:
    """The organisation's published (not withdrawn) replies beside its rating in a domain."""
    query = select(RatingReply).filter_by(subject_id=subject_id, domain=domain, withdrawn_at=None)
    return list(session.scalars(query))


def reply(*, session: Session, subject_id: int, domain: str, text: str) -> RatingReply:
    """Publish a right-of-reply statement beside a rating (it replaces the previous one)."""
    rating(session=session, subject_id=subject_id, domain=domain)
    body = _text(text, "text")
    now = clock.now()
    for old in _replies(session, subject_id, domain):
        old.withdrawn_at = now
    row = RatingReply(subject_id=subject_id, domain=domain, text=body, created_at=now)
    session.add(row)
    session.flush()
    audit.append(session, ReplyPublished(subject_id, domain, body), actor=f"subject:{subject_id}")
    return row


def withdraw_reply(*, session: Session, subject_id: int, domain: str) -> int:
    """Withdraw the published reply; returns how many were withdrawn (0 or 1)."""
    rating(session=session, subject_id=subject_id, domain=domain)
    rows = _replies(session, subject_id, domain)
    for row in rows:
        row.withdrawn_at = clock.now()
    if rows:
        audit.append(session, ReplyPublished(subject_id, domain, ""), actor=f"subject:{subject_id}")
    return len(rows)


def _open(session: Session, subject_id: int, domain: str, kind: str) -> RatingRequest | None:
    return session.execute(
        select(RatingRequest).where(
            RatingRequest.subject_id == subject_id,
            RatingRequest.domain == domain,
            RatingRequest.kind == kind,
            RatingRequest.state == "open",
        )
    ).scalar_one_or_none()


def request(
    *, session: Session, subject_id: int, domain: str, kind: str, reason: str
) -> RatingRequest:
    """Appeal a rating (within the window) or ask to be re-rated; one open of each kind."""
    if kind not in OUTCOMES:
        raise InvalidInput(f"kind {kind!r} is not appeal or rerating", details=[{"field": "kind"}])
    current = rating(session=session, subject_id=subject_id, domain=domain)
    text = _text(reason, "reason")
    today = clock.today()
    if kind == "appeal":
        until = current.rated_on + dt.timedelta(days=load().safety.appeal_days)
        if today > until:
            raise Conflict(
                f"the appeal window for this {domain} rating closed on {until.isoformat()} "
                f"({load().safety.appeal_days} days after it was published); ask for a "
                "re-rating instead",
                details=[{"field": "domain", "value": domain, "appeal_until": until.isoformat()}],
            )
        decided = session.execute(
            select(RatingRequest.id).where(
                RatingRequest.subject_id == subject_id,
                RatingRequest.domain == domain,
                RatingRequest.kind == "appeal",
                RatingRequest.inspection_record_id == current.inspection_record_id,
                RatingRequest.state != "open",
            )
        ).first()
        if decided is not None:
            raise Conflict(
                f"an appeal against this {domain} rating was already decided",
                details=[{"field": "domain", "value": domain}],
            )
    if _open(session, subject_id, domain, kind) is not None:
        raise Conflict(
            f"an open {kind} for the {domain} rating already exists",
            details=[{"field": "domain", "value": domain}],
        )
    row = RatingRequest(
        subject_id=subject_id,
        domain=domain,
        kind=kind,
        reason=text,
        state="open",
        rating_at_open=current.rating,
        inspection_record_id=current.inspection_record_id,
        opened_at=clock.now(),
    )
    return decisions.filed(
        session,
        row,
        lambda r: RatingRequested(r.id, subject_id, domain, kind),
        actor=f"subject:{subject_id}",
    )


def own_ratings(
    *, session: Session, subject_id: int
) -> tuple[list[dict[str, Any]], list[RatingRequest]]:
    """An organisation's own safety ratings and its appeals and re-rating requests, newest
    first (Forbidden for a person: only an organisation answers its ratings)."""
    _organisation(session, subject_id)
    ratings = service.ratings_of(session=session, subject_ids=[subject_id]).get(subject_id, [])
    return ratings, requests_of(session=session, subject_id=subject_id)


def requests_of(*, session: Session, subject_id: int) -> list[RatingRequest]:
    return db.of_subject(session, RatingRequest, subject_id, RatingRequest.id.desc())


def open_requests(*, session: Session) -> list[RatingRequest]:
    return list(
        session.execute(
            select(RatingRequest).where(RatingRequest.state == "open").order_by(RatingRequest.id)
        ).scalars()
    )


def decide(
    *,
    session: Session,
    request_id: int,
    outcome: str,
    rating: int | None = None,
    note: str = "",
    actor: str = "operator",
) -> RatingRequest:
    """Decide an appeal (upheld with a new rating, or dismissed) or close a re-rating."""
    row = decisions.open_request(
        # locked: a second decision at once waits, then finds it decided (it overwrote it)
        session.get(RatingRequest, request_id, with_for_update=True),
        field="id",
        value=request_id,
        missing=f"no rating request {request_id}",
        decided=f"request {request_id} is already {{state}}",
    )
    if outcome not in OUTCOMES[row.kind]:
        raise InvalidInput(
            f"outcome {outcome!r} for a {row.kind} must be one of {', '.join(OUTCOMES[row.kind])}",
            details=[{"field": "outcome", "value": outcome}],
        )
    upheld = outcome == "upheld"
    if upheld and (
        rating is None or isinstance(rating, bool) or not 0 <= rating <= MAX_RATING
    ):
        raise InvalidInput(
            f"an upheld appeal needs the new rating 0-{MAX_RATING} (got {rating!r})",
            details=[{"field": "rating", "value": rating}],
        )
    if not upheld and rating is not None:  # it would be dropped without a word
        raise InvalidInput(
            f"a rating is given only with an upheld appeal, not with {outcome!r}",
            details=[{"field": "rating", "value": rating}],
        )
    row.state, row.decided_at, row.note = outcome, clock.now(), note.strip()[:MAX_TEXT] or None
    row.decided_rating = rating if upheld else None
    session.flush()
    audit.append(session, RatingRequestDecided(row.id, outcome, row.decided_rating), actor=actor)
    if upheld:
        service.publish(session=session, subject_ids=[row.subject_id], actor=actor)
    notify.rating_decided(session, row)
    return row
