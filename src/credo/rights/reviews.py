"""Human review: a subject asks a person to look again at an adverse automated decision."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.access.models import Inquiry
from credo.core import audit, clock, db, decisions
from credo.core.types import MAX_ID, free_text
from credo.errors import Conflict, InvalidInput, NotFound
from credo.lists import rules as list_rules
from credo.lists import service as lists
from credo.lists.models import ListEntry
from credo.notices import outbox
from credo.rights import notify
from credo.rights.models import Review
from credo.scores import service as scores
from credo.scores.models import Score

OUTCOMES = ("upheld", "overturned")


@dataclass(frozen=True)
class _ReviewEvent(audit.AuditEvent):
    """Every review event names the review and the decision under review."""

    review_id: int
    decision_id: str


@dataclass(frozen=True)
class ReviewRequested(_ReviewEvent):
    type = "review.requested"
    subject_id: int


@dataclass(frozen=True)
class ReviewDecided(_ReviewEvent):
    type = "review.decided"
    outcome: str


ADVERSE_BANDS = ("poor", "fair")


def _target(session: Session, subject_id: int, decision_id: str) -> tuple[str, bool]:
    """The kind of decision an id names and whether it is adverse; NotFound if not the
    subject's (someone else's decision is indistinguishable from none)."""
    missing = NotFound(
        f"no decision {decision_id!r} about you",
        details=[{"field": "decision_id", "value": decision_id}],
    )
    kind, _, ref = decision_id.partition(":")
    if kind in ("score", "entry") and ref.isascii() and ref.isdigit() and len(ref) <= 10 and (
        1 <= int(ref) <= MAX_ID  # a larger id is none credo issued (PostgreSQL refused it)
    ):
        if kind == "score":
            score = scores.published(session=session, score_id=int(ref))
            if score is None or score.subject_id != subject_id:
                raise missing
            return "score", score.band in ADVERSE_BANDS
        entry = session.get(ListEntry, int(ref))
        if entry is None or entry.subject_id != subject_id:
            raise missing
        rule = list_rules.LISTS.get(entry.list_id)
        adverse = bool(rule and rule.restricts) and entry.state in ("pending", "active")
        return "list_entry", adverse
    inquiry = session.execute(
        select(Inquiry).where(Inquiry.decision_id == decision_id)
    ).scalar_one_or_none()
    if inquiry is None or inquiry.subject_id != subject_id:
        raise missing
    adverse = inquiry.answer if inquiry.kind == "restriction" else not inquiry.answer
    return "eligibility" if inquiry.kind != "restriction" else "restriction", adverse


@dataclass(frozen=True)
class ScoreWithdrawn(audit.AuditEvent):
    type = "score.withdrawn"
    score_id: int
    subject_id: int
    review_id: int


def request(*, session: Session, subject_id: int, decision_id: str, reason: str) -> Review:
    """Open a review of one of the subject's adverse decisions: a refused eligibility check
    (``decision_id``), a published score (``score:<id>``) or a list entry (``entry:<id>``).

    Only adverse decisions may be reviewed (409 otherwise): a score in a poor or fair band,
    an entry on a restricting list, a refusal.
    """
    reason = free_text(reason, field="reason", most=2000)
    kind, adverse = _target(session, subject_id, decision_id)
    if not adverse:
        raise Conflict(
            f"decision {decision_id!r} is not adverse to you; only adverse decisions may be "
            "reviewed",
            code="not_adverse",
            details=[{"field": "decision_id", "value": decision_id}],
        )
    if session.execute(select(Review.id).where(Review.decision_id == decision_id)).first():
        raise Conflict(
            f"decision {decision_id!r} is already under review or reviewed",
            details=[{"field": "decision_id", "value": decision_id}],
        )
    review = Review(
        decision_id=decision_id,
        kind=kind,
        subject_id=subject_id,
        reason=reason,
        state="open",
        requested_at=clock.now(),
    )
    return decisions.filed(
        session,
        review,
        lambda r: ReviewRequested(r.id, decision_id, subject_id),
        actor=f"subject:{subject_id}",
    )


def decide(*, session: Session, review_id: int, outcome: str, note: str) -> Review:
    """The operator's outcome, recorded and shown to the subject."""
    review = decisions.open_request(
        # locked: a second decision at once waits, then finds it decided (it overwrote it)
        session.get(Review, review_id, with_for_update=True),
        field="review_id",
        value=review_id,
        missing=f"no review {review_id}",
        decided=f"review {review_id} was already decided ({{state}})",
    )
    decisions.one_of(outcome, OUTCOMES, field="outcome")
    if not note.strip():
        raise InvalidInput(
            "a decision needs a note for the subject", details=[{"field": "note", "value": note}]
        )
    review.state, review.outcome_note, review.decided_at = outcome, note.strip(), clock.now()
    session.flush()
    audit.append(session, ReviewDecided(review.id, review.decision_id, outcome), actor="operator")
    notify.review_decided(session, review)
    if outcome == "overturned" and review.kind in ("eligibility", "restriction"):
        _tell_party(session, review)
    if outcome == "overturned" and review.kind == "score":
        _withdraw_score(session, review)
    if outcome == "overturned" and review.kind == "list_entry":
        lists.overturn(
            session=session,
            entry_id=int(review.decision_id.partition(":")[2]),
            actor=f"operator:review:{review.id}",
        )
    return review


def _withdraw_score(session: Session, review: Review) -> None:
    """Withdraw an overturned score at once: the subject's previous score is the published
    one again (relying parties and the report read it) until the next run re-publishes."""
    score = session.get(Score, int(review.decision_id.partition(":")[2]))
    assert score is not None
    score.withdrawn_on = clock.today()
    session.flush()
    audit.append(
        session,
        ScoreWithdrawn(score.id, score.subject_id, review.id),
        actor=f"operator:review:{review.id}",
    )


def _tell_party(session: Session, review: Review) -> None:
    """Re-decide an overturned check and tell its relying party through the outbox (a signed
    webhook, retried and idempotent: one notice per review)."""
    inquiry = session.execute(
        select(Inquiry).where(Inquiry.decision_id == review.decision_id)
    ).scalar_one()
    outbox.notify_owner(
        session=session,
        owner_type="party",
        owner_id=inquiry.party_id,
        kind="decision.reviewed",
        payload=outcome_of(session=session, inquiry=inquiry),
        idempotency_key=f"review/{review.id}/party",
    )


def outcome_of(*, session: Session, inquiry: Inquiry) -> dict[str, Any]:
    """A decision as it stands now: the original answer and, after review, the current one."""
    review = session.execute(
        select(Review).where(Review.decision_id == inquiry.decision_id)
    ).scalar_one_or_none()
    answer = inquiry.answer
    if review is not None and review.state == "overturned":
        answer = not inquiry.answer
    return {
        "decision_id": inquiry.decision_id,
        "kind": inquiry.kind,
        "decided_at": inquiry.at.isoformat(),
        "original_answer": inquiry.answer,
        "answer": answer,
        "review": None
        if review is None
        else {
            "state": review.state,
            "decided_at": review.decided_at.isoformat() if review.decided_at else None,
        },
    }


def for_party(*, session: Session, party_id: str, decision_id: str) -> dict[str, Any]:
    """The current outcome of one of a relying party's decisions (NotFound for others')."""
    inquiry = session.execute(
        select(Inquiry).where(Inquiry.decision_id == decision_id)
    ).scalar_one_or_none()
    if inquiry is None or inquiry.party_id != party_id:
        raise NotFound(
            f"no decision {decision_id!r} of yours",
            details=[{"field": "decision_id", "value": decision_id}],
        )
    return outcome_of(session=session, inquiry=inquiry)


def queue(*, session: Session, state: str | None = "open") -> list[dict[str, Any]]:
    """Reviews with the decision's inputs, for the operator."""
    query = select(Review, Inquiry).outerjoin(Inquiry, Inquiry.decision_id == Review.decision_id)
    if state is not None:
        query = query.where(Review.state == state)
    rows = session.execute(query.order_by(Review.requested_at, Review.id)).all()
    return [
        {
            **describe(review),
            "decision": None
            if inquiry is None
            else {
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
    return db.of_subject(session, Review, subject_id)


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
