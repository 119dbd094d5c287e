"""Proof of fulfilment: a subject sends a document (PDF or image) and a note for one of its
court records; the furnisher answers within 3 working days, else the operator does.

Accepted, the proof becomes a ``court.fulfilment`` record from the record's furnisher for
the same case, and the list removal applies at once (the restriction is lifted in the same
transaction). The document's type is checked by its content (magic bytes), never by its
name or declared type alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credo.core import audit, clock, db, decisions
from credo.core.types import free_text
from credo.errors import Conflict, Forbidden, InvalidInput, TooLarge
from credo.lists import rules as list_rules
from credo.records import service as records
from credo.records.models import Record
from credo.records.service import own_record
from credo.records.validation import ValidRecord, canonical_json
from credo.rights import notify
from credo.rights.models import Proof
from credo.subjects.models import Subject
from credo.subjects.service import Identity

ANSWER_WORKING_DAYS = 3
MAX_NOTE = 2000
PROVABLE = ("court.judgment", "court.listing")
MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


@dataclass(frozen=True)
class ProofSubmitted(audit.AuditEvent):
    type = "proof.submitted"
    proof_id: int
    record_id: int
    subject_id: int
    sha256: str
    deadline: str


@dataclass(frozen=True)
class ProofDecided(audit.AuditEvent):
    type = "proof.decided"
    proof_id: int
    record_id: int
    outcome: str
    fulfilment_record_id: int | None


def sniff(data: bytes) -> str | None:
    """The media type the content shows (PDF, PNG or JPEG), or None."""
    for media_type, prefixes in MAGIC.items():
        if any(data.startswith(p) for p in prefixes):
            return media_type
    return None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # in a file name: refused, never stored


def _waiting_clash(exc: IntegrityError) -> bool:
    """Whether the store refused a second waiting copy (index ``uq_proofs_waiting``; SQLite
    names its columns instead)."""
    said = str(exc.orig)
    return "uq_proofs_waiting" in said or "proofs.record_id, proofs.sha256" in said


def submit(
    *,
    session: Session,
    subject_id: int,
    record_id: int,
    note: str,
    filename: str,
    media_type: str,
    data: bytes,
    max_bytes: int,
    size: int | None = None,
) -> Proof:
    """Check the document and the record, store the proof and put it in the furnisher's queue.

    ``data`` may be cut at ``max_bytes + 1`` (the callers stop reading there); ``size`` is
    the upload's real size where known, so an over-size document is told its size."""
    if _CONTROL.search(filename or ""):  # a NUL cannot be stored (PostgreSQL), nor sent on
        shown = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", filename[:100])
        raise InvalidInput(
            "the document's file name may not hold control characters",
            details=[{"field": "document", "value": shown}],
        )
    if not data:
        raise InvalidInput("the document is empty", details=[{"field": "document", "value": 0}])
    if len(data) > max_bytes or (size is not None and size > max_bytes):
        got = max(len(data), size or 0)
        raise TooLarge(
            f"the document has {got} bytes; the limit is {max_bytes}",
            details=[{"field": "document", "value": got}],
        )
    found = sniff(data)
    if found is None:
        raise InvalidInput(
            "the document is not a PDF, PNG or JPEG file (checked by its content)",
            details=[{"field": "document", "value": media_type}],
        )
    claimed = (media_type or "").split(";")[0].strip().lower()
    if claimed and claimed not in ("application/octet-stream", found):
        raise InvalidInput(
            f"the document claims to be {claimed} but its content is {found}",
            details=[{"field": "document", "value": claimed}],
        )
    note = free_text(note, field="note", most=MAX_NOTE, shown=80)
    record = own_record(session=session, subject_id=subject_id, record_id=record_id)
    if record.category not in PROVABLE or not records.in_use(record.category, record.state):
        raise InvalidInput(
            f"record {record_id} is a {record.state} {record.category}; proof of fulfilment "
            f"is for a live {' or '.join(PROVABLE)}",
            details=[{"field": "record_id", "value": record_id}],
        )
    digest = hashlib.sha256(data).hexdigest()
    waiting = session.execute(
        select(Proof.id).where(
            Proof.record_id == record.id, Proof.sha256 == digest, Proof.state == "submitted"
        )
    ).scalar()
    if waiting is not None:  # sent again (a double click, a retried upload): one proof
        raise Conflict(
            f"this document is already waiting as proof {waiting} on record {record_id}",
            details=[{"field": "document", "value": digest, "proof_id": waiting}],
        )
    now = clock.now()
    proof = Proof(
        record_id=record.id,
        subject_id=subject_id,
        furnisher_id=record.furnisher_id,
        note=note,
        filename=(filename or "document")[:200],
        media_type=found,
        size=len(data),
        sha256=digest,
        document=data,
        state="submitted",
        submitted_at=now,
        deadline=list_rules.add_working_days(now.date(), ANSWER_WORKING_DAYS),
    )
    try:
        decisions.filed(
            session,
            proof,
            lambda p: ProofSubmitted(p.id, record.id, subject_id, p.sha256, p.deadline.isoformat()),
            actor=f"subject:{subject_id}",
        )
    except IntegrityError as exc:  # a copy committed since the look-up (sent twice at once)
        if not _waiting_clash(exc):
            raise
        raise Conflict(
            f"this document is already waiting as proof on record {record_id}",
            details=[{"field": "document", "value": digest}],
        ) from None
    notify.proof_submitted(session, proof)
    return proof


def queue(
    *, session: Session, furnisher_id: str | None, today: dt.date | None = None
) -> list[Proof]:
    """Open proofs: a furnisher's until their deadline, the operator's after it."""
    today = today or clock.today()
    query = select(Proof).where(Proof.state == "submitted")
    if furnisher_id is None:
        query = query.where(Proof.deadline < today)
    else:
        query = query.where(Proof.furnisher_id == furnisher_id, Proof.deadline >= today)
    return list(session.execute(query.order_by(Proof.deadline, Proof.id)).scalars())


def for_subject(*, session: Session, subject_id: int) -> list[Proof]:
    return db.of_subject(session, Proof, subject_id)


def decide(
    *,
    session: Session,
    proof_id: int,
    accept: bool,
    note: str,
    furnisher_id: str | None = None,
) -> Proof:
    """The furnisher's (or, past the deadline, the operator's) answer to a proof.

    Accepted, a ``court.fulfilment`` record for the case is stored from the record's
    furnisher and list removals apply at once.
    """
    # locked: a second answer at once waits, then finds it decided (it would have stored a
    # second fulfilment record)
    found = session.get(Proof, proof_id, with_for_update=True)
    proof = decisions.open_request(
        found if found is not None and furnisher_id in (None, found.furnisher_id) else None,
        field="proof_id",
        value=proof_id,
        missing=f"no proof {proof_id}",
        decided=f"proof {proof_id} was already decided ({{state}})",
        open_state="submitted",
    )
    if furnisher_id is None and proof.deadline >= clock.today():
        raise Forbidden(
            f"proof {proof_id} is in its furnisher's queue until {proof.deadline.isoformat()}",
            details=[{"field": "proof_id", "value": proof_id}],
        )
    actor = f"furnisher:{furnisher_id}" if furnisher_id else "operator"
    record = session.get(Record, proof.record_id)
    assert record is not None
    fulfilment: Record | None = None
    if accept:
        fulfilment = _fulfil(session, proof, record, actor)
    proof.state = "accepted" if accept else "rejected"
    proof.decided_at, proof.decided_by = clock.now(), actor
    proof.decision_note = (note or "").strip() or None
    proof.fulfilment_record_id = fulfilment.id if fulfilment else None
    session.flush()
    audit.append(
        session,
        ProofDecided(proof.id, record.id, proof.state, proof.fulfilment_record_id),
        actor=actor,
    )
    notify.proof_decided(session, proof)
    return proof


def _fulfil(session: Session, proof: Proof, record: Record, actor: str) -> Record:
    subject = session.get(Subject, record.subject_id)
    assert subject is not None
    fields_json = canonical_json({"case_number": json.loads(record.fields).get("case_number", "")})
    today = clock.today()
    legal_basis = f"proof of fulfilment {proof.id} accepted"
    valid = ValidRecord(
        external_id=f"proof-{proof.id}",
        category="court.fulfilment",
        identity=Identity(
            subject.scheme, subject.kind, subject.lookup_key, subject.display_id, None
        ),
        name=subject.name,
        occurred_on=today,
        amount_minor=None,
        currency=None,
        legal_basis=legal_basis,
        fields_json=fields_json,
    )
    statuses = records.classify(session=session, furnisher_id=record.furnisher_id, records=[valid])
    records.store(
        session=session,
        furnisher_id=record.furnisher_id,
        records=[valid],
        statuses=statuses,
        actor=actor,
    )
    # storing it ran the record hooks: the listing it fulfils ended at once
    return records.get(
        session=session, furnisher_id=record.furnisher_id, external_id=valid.external_id
    )


def describe(proof: Proof) -> dict[str, Any]:
    return {
        "id": proof.id,
        "record_id": proof.record_id,
        "note": proof.note,
        "filename": proof.filename,
        "media_type": proof.media_type,
        "size": proof.size,
        "sha256": proof.sha256,
        "state": proof.state,
        "submitted_at": proof.submitted_at.isoformat(),
        "deadline": proof.deadline.isoformat(),
        "queue": "furnisher" if proof.deadline >= clock.today() else "operator",
        "decided_at": proof.decided_at.isoformat() if proof.decided_at else None,
        "decision_note": proof.decision_note,
        "fulfilment_record_id": proof.fulfilment_record_id,
    }
