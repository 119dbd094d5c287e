"""The register's notices: an organisation hears how its appeal or re-rating request ended."""

from __future__ import annotations

from sqlalchemy.orm import Session

from credo.notices import outbox
from credo.register.models import RatingRequest


def rating_decided(session: Session, request: RatingRequest) -> None:
    """``rating.decided`` to the organisation (the inbox, and e-mail where one is held), once
    per request: the operator's decision, or its close when a newer inspection came."""
    outbox.notify_subject(
        session=session,
        subject_id=request.subject_id,
        kind="rating.decided",
        payload={
            "request_id": request.id,
            "kind": request.kind,
            "domain": request.domain,
            "outcome": request.state,
            "rating_at_open": request.rating_at_open,
            "rating": request.decided_rating,
            "note": request.note,
        },
        idempotency_key=f"rating-request/{request.id}/decided",
    )
