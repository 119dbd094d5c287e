"""Disputes: a subject challenges a record; the furnisher verifies, corrects or deletes it
by the deadline; an unanswered dispute deletes the record (FCRA-style, but automatic).

While a dispute is open the record's state is ``disputed``. The one rule for disputed
records (``records.service.in_use``): a non-court record is not used in scores, lists or
ledgers while disputed; a court order stays in force and is shown as disputed.
Opening a dispute runs the record hooks (``records.hooks``), as a correction or deletion
does, so what the rule takes away applies at once: a disputed safety penalty's list entry
ends that moment (reason ``record_disputed``), a disputed court order changes nothing.
Verification restores the state the record had; the entry comes back at the next refresh
(additions wait for it, as for new records). A furnisher's correction (``PUT``) or
deletion (``DELETE``) of a disputed record goes through the dispute: ``correct_record`` and
``delete_record`` answer it (``corrected`` / ``deleted``) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.core import audit, clock, db, decisions
from credo.core.types import free_text
from credo.errors import Conflict, InvalidInput
from credo.lists import service as lists
from credo.records import hooks
from credo.records import service as records
from credo.records.intake import validate_all, validator_for
from credo.records.models import Record
from credo.records.service import own_record
from credo.records.validation import ValidRecord
from credo.rights import notify
from credo.rights.models import Dispute
from credo.subjects.models import Subject

MAX_REASON = 2000
OUTCOMES = ("verified", "corrected", "deleted")


@dataclass(frozen=True)
class DisputeOpened(audit.AuditEvent):
    type = "dispute.opened"
    dispute_id: int
    record_id: int
    subject_id: int
    deadline: str


@dataclass(frozen=True)
class DisputeResolved(audit.AuditEvent):
    type = "dispute.resolved"
    dispute_id: int
    record_id: int
    outcome: str
    by: str


def open_dispute(
    *, session: Session, subject_id: int, record_id: int, reason: str, days: int
) -> Dispute:
    """Mark the record disputed at once and put it in its furnisher's queue; what the record
    no longer supports while disputed (a list entry resting on a non-court record) is lifted
    at once through the record hooks, in the same transaction."""
    reason = free_text(reason, field="reason", most=MAX_REASON)
    record = own_record(session=session, subject_id=subject_id, record_id=record_id)
    if record.state in ("deleted", "expired"):
        raise Conflict(
            f"record {record_id} is {record.state}; there is nothing to dispute",
            details=[{"field": "record_id", "value": record_id}],
        )
    if open_for(session=session, record_id=record_id) is not None:
        raise Conflict(
            f"record {record_id} already has an open dispute",
            details=[{"field": "record_id", "value": record_id}],
        )
    now = clock.now()
    dispute = Dispute(
        record_id=record.id,
        subject_id=subject_id,
        furnisher_id=record.furnisher_id,
        reason=reason,
        prior_state=record.state,
        state="open",
        opened_at=now,
        deadline=now.date() + dt.timedelta(days=days),
    )
    record.state = "disputed"
    decisions.filed(
        session,
        dispute,
        lambda d: DisputeOpened(d.id, record.id, subject_id, d.deadline.isoformat()),
        actor=f"subject:{subject_id}",
    )
    notify.dispute_changed(session, dispute)
    session.flush()
    hooks.records_changed(
        session=session,
        furnisher_id=record.furnisher_id,
        external_ids=[record.external_id],
        categories=[record.category],
    )
    return dispute


def open_for(*, session: Session, record_id: int) -> Dispute | None:
    return session.execute(
        select(Dispute).where(Dispute.record_id == record_id, Dispute.state == "open")
    ).scalar_one_or_none()


def queue(*, session: Session, furnisher_id: str) -> list[tuple[Dispute, Record]]:
    """A furnisher's open disputes, oldest deadline first."""
    rows = session.execute(
        select(Dispute, Record)
        .join(Record, Record.id == Dispute.record_id)
        .where(Dispute.furnisher_id == furnisher_id, Dispute.state == "open")
        .order_by(Dispute.deadline, Dispute.id)
    ).all()
    return [(d, r) for d, r in rows]


def for_subject(*, session: Session, subject_id: int) -> list[Dispute]:
    return db.of_subject(session, Dispute, subject_id)


def answer(
    *,
    session: Session,
    furnisher_id: str,
    dispute_id: int,
    outcome: str,
    correction: ValidRecord | None = None,
    note: str | None = None,
) -> Dispute:
    """The furnisher's answer: verified (state restored), corrected (new version) or deleted.
    The dispute is locked: a second answer at once waits, then finds it resolved."""
    found = session.get(Dispute, dispute_id, with_for_update=True)
    dispute = decisions.open_request(
        found if found is not None and found.furnisher_id == furnisher_id else None,
        field="dispute_id",
        value=dispute_id,
        missing=f"no dispute {dispute_id} on your records",
        decided=f"dispute {dispute_id} was already resolved ({{state}})",
    )
    decisions.one_of(outcome, OUTCOMES, field="outcome")
    record = session.get(Record, dispute.record_id)
    assert record is not None
    actor = f"furnisher:{furnisher_id}"
    if outcome == "corrected":
        if correction is None:
            raise InvalidInput(
                "a correction needs the corrected record",
                details=[{"field": "correction", "value": None}],
            )
        if correction.external_id != record.external_id:
            raise InvalidInput(
                "the correction must keep the record's external_id",
                details=[{"field": "correction.external_id", "value": correction.external_id}],
            )
        if correction.content_hash == record.content_hash:
            raise InvalidInput(
                "the correction changes nothing; answer verified instead",
                details=[{"field": "correction", "value": correction.external_id}],
            )
        correct_record(session=session, furnisher_id=furnisher_id, valid=correction, actor=actor)
        dispute.note = note or dispute.note
        return dispute
    if outcome == "deleted":
        delete_record(
            session=session, furnisher_id=furnisher_id, external_id=record.external_id, actor=actor
        )
        dispute.note = note or dispute.note
        return dispute
    record.state = dispute.prior_state
    _resolve(session, dispute, outcome, note, actor)
    return dispute


def correct_record(
    *, session: Session, furnisher_id: str, valid: ValidRecord, actor: str
) -> tuple[Record, bool]:
    """A furnisher's correction (PUT): a new version, refused if it revives or re-ages the
    record; an open dispute on it is answered ``corrected`` and closed; statements of a
    subject the record left are detached; list removals apply at once for both subjects."""
    held = records.get(session=session, furnisher_id=furnisher_id, external_id=valid.external_id)
    records.check_correction(held, valid)
    dispute = open_for(session=session, record_id=held.id)
    before = held.subject_id
    record, changed = records.correct(
        session=session, furnisher_id=furnisher_id, valid=valid, actor=actor
    )
    if not changed:
        return record, False
    if dispute is not None:
        _resolve(session, dispute, "corrected", "corrected by the furnisher (PUT)", actor)
    if record.subject_id != before:  # both are told: the one it left, the one it names now
        notify.record_changed(session, record, "moved_away", subject_id=before)
        notify.record_changed(session, record, "moved_in")
    elif dispute is None:
        notify.record_changed(session, record, "corrected")
    if record.subject_id != before:
        from credo.rights import statements

        statements.detach(session=session, record=record, from_subject_id=before, actor=actor)
        # the record hooks (records.hooks) lifted what the record's new subject is owed;
        # the subject it left is lists' to re-check here
        lists.apply_subjects_now(session=session, subject_ids=[before])
    return record, True


def correct_envelope(
    *,
    session: Session,
    furnisher_id: str,
    categories: Sequence[str],
    secret: bytes,
    external_id: str,
    envelope: dict[str, Any],
    actor: str,
) -> tuple[Record, bool]:
    """``correct_record`` with the correction as the furnisher sent it for ``external_id``
    (PUT): a body naming another ``external_id`` is refused; validated here."""
    if envelope.get("external_id") not in (None, external_id):
        raise InvalidInput(
            "external_id in the body differs from the path",
            details=[{"field": "external_id", "value": envelope["external_id"]}],
        )
    valid = _validated(categories, secret, {**envelope, "external_id": external_id})
    return correct_record(session=session, furnisher_id=furnisher_id, valid=valid, actor=actor)


def _validated(categories: Sequence[str], secret: bytes, envelope: dict[str, Any]) -> ValidRecord:
    """One envelope from a furnisher permitted ``categories``, valid or refused naming why."""
    (valid,) = validate_all(validator_for(categories=categories, secret=secret), [envelope])
    return valid


def delete_record(*, session: Session, furnisher_id: str, external_id: str, actor: str) -> Record:
    """A furnisher's deletion (DELETE): an open dispute on the record is answered ``deleted``
    and closed in the same transaction; list removals apply at once (records.hooks)."""
    held = records.get(session=session, furnisher_id=furnisher_id, external_id=external_id)
    dispute = open_for(session=session, record_id=held.id)
    record = records.delete(
        session=session, furnisher_id=furnisher_id, external_id=external_id, actor=actor
    )
    if dispute is not None:
        _resolve(session, dispute, "deleted", "deleted by the furnisher (DELETE)", actor)
    else:
        notify.record_changed(session, record, "deleted")
    return record


def _resolve(
    session: Session, dispute: Dispute, outcome: str, note: str | None, actor: str
) -> None:
    dispute.state = outcome
    dispute.note = note
    dispute.resolved_at = clock.now()
    session.flush()
    audit.append(
        session, DisputeResolved(dispute.id, dispute.record_id, outcome, actor), actor=actor
    )
    notify.dispute_changed(session, dispute)


def sweep(*, session: Session, today: dt.date | None = None) -> list[Dispute]:
    """Delete the records of disputes unanswered past their deadline; returns those disputes."""
    today = today or clock.today()
    lapsed = list(
        session.execute(
            select(Dispute)
            .where(Dispute.state == "open", Dispute.deadline < today)
            .order_by(Dispute.id)
        ).scalars()
    )
    for dispute in lapsed:
        record = session.get(Record, dispute.record_id)
        assert record is not None
        records.delete(
            session=session,
            furnisher_id=record.furnisher_id,
            external_id=record.external_id,
            actor="system:dispute-deadline",
        )
        _resolve(
            session,
            dispute,
            "lapsed",
            "the furnisher did not answer by the deadline; the record was deleted",
            "system:dispute-deadline",
        )
    return lapsed


def furnisher_queue(*, session: Session, furnisher_id: str) -> list[dict[str, Any]]:
    """A furnisher's open disputes as it sees them: each with the record's envelope."""
    out = []
    for dispute, record in queue(session=session, furnisher_id=furnisher_id):
        subject = session.get(Subject, record.subject_id)
        assert subject is not None
        display = {"scheme": subject.scheme, "id": subject.display_id}
        out.append(
            {
                "id": dispute.id,
                "external_id": record.external_id,
                "category": record.category,
                "reason": dispute.reason,
                "deadline": dispute.deadline,
                "record": records.to_envelope(record, display),
            }
        )
    return out


def answer_envelope(
    *,
    session: Session,
    furnisher_id: str,
    categories: Sequence[str],
    secret: bytes,
    dispute_id: int,
    outcome: str,
    envelope: dict[str, Any] | None = None,
    note: str | None = None,
) -> Dispute:
    """``answer`` with the correction as the furnisher sent it: validated here (the disputed
    record's ``external_id`` when it names none), refused with the bad field named."""
    correction = None
    if outcome == "corrected" and envelope is not None:
        envelope = dict(envelope)
        if envelope.get("external_id") is None:
            held = session.get(Dispute, dispute_id)
            if held is not None and held.furnisher_id == furnisher_id:
                record = session.get(Record, held.record_id)
                envelope["external_id"] = record.external_id if record else None
        correction = _validated(categories, secret, envelope)
    return answer(
        session=session,
        furnisher_id=furnisher_id,
        dispute_id=dispute_id,
        outcome=outcome,
        correction=correction,
        note=note,
    )
