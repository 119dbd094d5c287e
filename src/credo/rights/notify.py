"""Notices the rights workflows owe: disputes opened and answered, records changed, reviews,
proofs of fulfilment.

The subject hears of each in the inbox (and by e-mail where a confirmed address is held);
the furnisher hears of a new dispute on its record, with the deadline, by signed webhook.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from credo.core import clock
from credo.furnishers.models import Furnisher
from credo.notices import outbox
from credo.records.models import Record
from credo.rights.models import Dispute, Proof, Review


def _record(record: Record | None) -> dict[str, object]:
    """The record as a notice names it: the furnisher by its name (``furnisher_name``, what
    the texts show), its id kept for the record."""
    if record is None:
        return {}
    session = object_session(record)
    furnisher = session.get(Furnisher, record.furnisher_id) if session is not None else None
    return {
        "record": record.external_id,
        "record_id": record.id,
        "category": record.category,
        "furnisher": record.furnisher_id,
        "furnisher_name": furnisher.name if furnisher is not None else None,
        "legal_basis": record.legal_basis,
    }


def dispute_changed(session: Session, dispute: Dispute) -> None:
    """The subject hears that its dispute was opened or how it was answered."""
    record = session.get(Record, dispute.record_id)
    payload = {
        "dispute_id": dispute.id,
        "state": dispute.state,
        "reason": dispute.reason,
        "deadline": dispute.deadline.isoformat(),
        "note": dispute.note,
        **_record(record),
    }
    outbox.notify_subject(
        session=session,
        subject_id=dispute.subject_id,
        kind="dispute.changed",
        payload=payload,
        idempotency_key=f"dispute/{dispute.id}/{dispute.state}",
    )
    if dispute.state == "open":
        outbox.notify_owner(
            session=session,
            owner_type="furnisher",
            owner_id=dispute.furnisher_id,
            kind="dispute.opened",
            payload={
                "dispute_id": dispute.id,
                **_furnisher_ref(record),
                "reason": dispute.reason,
                "opened_at": dispute.opened_at.isoformat(),
                "deadline": dispute.deadline.isoformat(),
                "answer_at": "/v1/furnisher/disputes",
                "unanswered": "the record is deleted after the deadline",
            },
            idempotency_key=f"dispute/{dispute.id}/furnisher",
        )


def _furnisher_ref(record: Record | None) -> dict[str, str | None]:
    """How a furnisher knows its record: its own external id and the category."""
    if record is None:
        return {"external_id": None, "category": None}
    return {"external_id": record.external_id, "category": record.category}


def record_changed(
    session: Session, record: Record, change: str, *, subject_id: int | None = None
) -> None:
    """The subject hears that a furnisher corrected or deleted a record about it; a
    correction that names another subject is ``moved_in`` for the record's subject now and
    ``moved_away`` for the one it left (``subject_id``), who is not told who it names."""
    outbox.notify_subject(
        session=session,
        subject_id=record.subject_id if subject_id is None else subject_id,
        kind="record.changed",
        payload={"change": change, "version": record.version, **_record(record)},
        idempotency_key=f"record/{record.id}/v{record.version}/{change}",
    )


def review_decided(session: Session, review: Review) -> None:
    """The subject hears the outcome of its request for human review."""
    outbox.notify_subject(
        session=session,
        subject_id=review.subject_id,
        kind="review.decided",
        payload={
            "review_id": review.id,
            "decision_id": review.decision_id,
            "outcome": review.state,
            "note": review.outcome_note,
        },
        idempotency_key=f"review/{review.id}/decided",
    )


REMIND_DAYS = 3


def dispute_deadlines(session: Session) -> int:
    """Remind furnishers, by webhook, of open disputes due within three days; the count."""
    until = clock.today() + dt.timedelta(days=REMIND_DAYS)
    due = list(
        session.scalars(select(Dispute).where(Dispute.state == "open", Dispute.deadline <= until))
    )
    keys = [f"dispute/{d.id}/deadline" for d in due]
    known = outbox.known_keys(session, keys)
    written = 0
    for dispute, key in zip(due, keys, strict=True):
        if key in known:
            continue
        record = session.get(Record, dispute.record_id)
        outbox.notify_owner(
            session=session,
            owner_type="furnisher",
            owner_id=dispute.furnisher_id,
            kind="dispute.deadline",
            payload={
                "dispute_id": dispute.id,
                "external_id": record.external_id if record is not None else None,
                "deadline": dispute.deadline.isoformat(),
                "unanswered": "the record is deleted after the deadline",
            },
            idempotency_key=key,
        )
        written += 1
    return written


def proof_submitted(session: Session, proof: Proof) -> None:
    """The furnisher hears of a proof of fulfilment on its record, with its deadline."""
    record = session.get(Record, proof.record_id)
    outbox.notify_owner(
        session=session,
        owner_type="furnisher",
        owner_id=proof.furnisher_id,
        kind="proof.submitted",
        payload={
            "proof_id": proof.id,
            **_furnisher_ref(record),
            "note": proof.note,
            "media_type": proof.media_type,
            "sha256": proof.sha256,
            "deadline": proof.deadline.isoformat(),
            "answer_at": "/v1/furnisher/proofs",
            "unanswered": "the proof goes to the operator after the deadline",
        },
        idempotency_key=f"proof/{proof.id}/furnisher",
    )


def proof_decided(session: Session, proof: Proof) -> None:
    """The subject hears whether its proof of fulfilment was accepted."""
    record = session.get(Record, proof.record_id)
    accepted = proof.state == "accepted"
    outbox.notify_subject(
        session=session,
        subject_id=proof.subject_id,
        kind="proof.decided",
        payload={
            "proof_id": proof.id,
            "outcome": proof.state,
            "note": proof.decision_note,
            "summary": f"Your proof of fulfilment {proof.id} was {proof.state}"
            + ("; the listing on that case has ended." if accepted else "."),
            **_record(record),
        },
        idempotency_key=f"proof/{proof.id}/decided",
    )
