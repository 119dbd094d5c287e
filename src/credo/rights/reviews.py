"""Human review: a subject asks a person to look again at an adverse automated decision."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.access.models import Inquiry
from credo.core import audit, clock
from credo.errors import Conflict, InvalidInput, NotFound
from credo.rights import notify
from credo.rights.models import Review

OUTCOMES = ("upheld", "overturned")


@dataclass(frozen=True)
class ReviewRequested(audit.AuditEvent):
    type = "review.requested"
    review_id: int
    decision_id: str
    subject_id: int


@dataclass(frozen=True)
class ReviewDecided(audit.AuditEvent):
    type = "review.decided"
    review_id: int
    decision_id: str
    outcome: str


def request(*, session: Session, subject_id: int, decision_id: str, reason: str) -> Review:
    """Open a review of one of the subject's adverse decisions (a refused eligibility check)."""
    reason = reason.strip()
    if not reason or len(reason) > 2000:
        raise InvalidInput(
            "reason must be 1-2000 characters", details=[{"field": "reason", "value": reason[:100]}]
        )
    inquiry = session.execute(
        select(Inquiry).where(Inquiry.decision_id == decision_id)
    ).scalar_one_or_none()
    if inquiry is None or inquiry.subject_id != subject_id:
        raise NotFound(
            f"no decision {decision_id!r} about you",
            details=[{"field": "decision_id", "value": decision_id}],
        )
    if inquiry.answer and inquiry.kind == "eligibility":
        raise InvalidInput(
            f"decision {decision_id!r} was in your favour; there is nothing to review",
            details=[{"field": "decision_id", "value": decision_id}],
        )
    if session.execute(select(Review.id).where(Review.decision_id == decision_id)).first():
        raise Conflict(
            f"decision {decision_id!r} is already under review or reviewed",
            details=[{"field": "decision_id", "value": decision_id}],
        )
    review = Review(
        decision_id=decision_id,
        subject_id=subject_id,
        reason=reason,
        state="open",
        requested_at=clock.now(),
    )
    session.add(review)
    session.flush()
    audit.append(
        session, ReviewRequested(review.id, decision_id, subject_id), actor=f"subject:{subject_id}"
    )
    return review


def decide(*, session: Session, review_id: int, outcome: str, note: str) -> Review:
    """The operator's outcome, recorded and shown to the subject."""
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(
            f"no review {review_id}", details=[{"field": "review_id", "value": review_id}]
        )
    if review.state != "open":
        raise Conflict(
            f"review {review_id} was already decided ({review.state})",
            details=[{"field": "review_id", "value": review_id}],
        )
    if outcome not in OUTCOMES:
        raise InvalidInput(
            f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}",
            details=[{"field": "outcome", "value": outcome}],
        )
    if not note.strip():
        raise InvalidInput(
            "a decision needs a note for the subject", details=[{"field": "note", "value": note}]
        )
    review.state, review.outcome_note, review.decided_at = outcome, note.strip(), clock.now()
    session.flush()
    audit.append(session, ReviewDecided(review.id, review.decision_id, outcome), actor="operator")
    notify.review_decided(session, review)
    return review


def queue(*, session: Session, state: str | None = "open") -> list[dict[str, Any]]:
    """Reviews with the decision's inputs, for the operator."""
    query = select(Review, Inquiry).join(Inquiry, Inquiry.decision_id == Review.decision_id)
    if state is not None:
        query = query.where(Review.state == state)
    rows = session.execute(query.order_by(Review.requested_at, Review.id)).all()
    return [
        {
            **describe(review),
            "decision": {
                "kind": inquiry.kind,
                "party_id": inquiry.party_id,
                "purpose": inquiry.purpose,
                "program_id": inquiry.program_id,
                "answer": inquiry.answer,
                "reason": inquiry.reason,
                "at": inquiry.at.isoformat(),
                "inputs": json.loads(inquiry.inputs or "{}"),
            },
        }
        for review, inquiry in rows
    ]


def for_subject(*, session: Session, subject_id: int) -> list[Review]:
    return list(
        session.execute(
            select(Review).where(Review.subject_id == subject_id).order_by(Review.id)
        ).scalars()
    )


def describe(review: Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "decision_id": review.decision_id,
        "state": review.state,
        "reason": review.reason,
        "requested_at": review.requested_at.isoformat(),
        "decided_at": review.decided_at.isoformat() if review.decided_at else None,
        "outcome_note": review.outcome_note,
    }
