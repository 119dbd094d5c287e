"""Record services: store validated records idempotently, correct them, delete them.

Idempotency key: (furnisher, external_id). The same content again is a ``duplicate`` and
changes nothing; the same id with other content is a ``conflict`` (a correction must
use PUT). Corrections and deletions keep the superseded version in ``record_versions``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from credo.catalogue import get_catalogue
from credo.core import audit, clock
from credo.core.db import insert_rows
from credo.errors import Conflict, InvalidInput, NotFound, TooLarge
from credo.records import hooks
from credo.records.intake import validate_all, validator_for
from credo.records.models import Record, RecordVersion
from credo.records.validation import ValidRecord, canonical_json
from credo.subjects import service as subjects

ACCEPTED, DUPLICATE, CONFLICT = "accepted", "duplicate", "conflict"

USED_STATES = ("active", "corrected")
COURT_PREFIX = "court."
IN_USE_SQL = (
    "(state IN ('active', 'corrected') OR (state = 'disputed' AND category LIKE 'court.%'))"
)
"""The one rule for disputed records, as SQL over ``records`` (see ``in_use``)."""


def in_use(category: str, state: str) -> bool:
    """Whether a record counts in scores, lists and ledgers: the one rule for disputed records.

    A live record counts. While disputed, a non-court record does not; a court order
    (``court.*``) stays in force while disputed and is shown as disputed.
    """
    return state in USED_STATES or (state == "disputed" and category.startswith(COURT_PREFIX))


def in_use_clause() -> ColumnElement[bool]:
    """``in_use`` as a SQLAlchemy condition on ``Record``."""
    return or_(
        Record.state.in_(USED_STATES),
        and_(Record.state == "disputed", Record.category.startswith(COURT_PREFIX)),
    )


@dataclass(frozen=True)
class RecordsAccepted(audit.AuditEvent):
    """A batch of new records; the digest covers every accepted external id and content hash."""

    type = "records.accepted"
    furnisher_id: str
    count: int
    first_external_id: str
    last_external_id: str
    digest: str


@dataclass(frozen=True)
class RecordCorrected(audit.AuditEvent):
    type = "record.corrected"
    furnisher_id: str
    external_id: str
    version: int
    content_hash: str


@dataclass(frozen=True)
class RecordDeleted(audit.AuditEvent):
    type = "record.deleted"
    furnisher_id: str
    external_id: str
    version: int
    content_hash: str = ""


def _existing(session: Session, furnisher_id: str, external_ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(external_ids), 1000):
        chunk = external_ids[start : start + 1000]
        rows = session.execute(
            select(Record.external_id, Record.content_hash).where(
                Record.furnisher_id == furnisher_id, Record.external_id.in_(chunk)
            )
        )
        found.update({e: h for e, h in rows})
    return found


def classify(*, session: Session, furnisher_id: str, records: Sequence[ValidRecord]) -> list[str]:
    """The status each record would get: accepted, duplicate or conflict (reads only)."""
    known = _existing(session, furnisher_id, [r.external_id for r in records])
    statuses = []
    for record in records:
        held = known.get(record.external_id)
        if held is None:
            statuses.append(ACCEPTED)
            known[record.external_id] = record.content_hash
        else:
            statuses.append(DUPLICATE if held == record.content_hash else CONFLICT)
    return statuses


def own_record(*, session: Session, subject_id: int, record_id: int) -> Record:
    """The subject's record, or NotFound — identical whether it is missing or someone else's."""
    record = session.get(Record, record_id)
    if record is None or record.subject_id != subject_id:
        raise NotFound(
            f"no record {record_id} in your file",
            details=[{"field": "record_id", "value": record_id}],
        )
    return record


def _refuse_repeats(records: Sequence[ValidRecord]) -> None:
    """InvalidInput when one ``external_id`` appears twice in a batch with different content
    (naming both positions). The same content twice is accepted once and the repeat is a
    ``duplicate``, as a repeat within a bulk file is."""
    first: dict[str, tuple[int, str]] = {}
    clashes: list[tuple[int, int, str]] = []  # (earlier, later, external_id)
    for index, record in enumerate(records):
        seen = first.setdefault(record.external_id, (index, record.content_hash))
        if seen[1] != record.content_hash:
            clashes.append((seen[0], index, record.external_id))
    if clashes:
        earlier, later, external_id = clashes[0]
        raise InvalidInput(
            f"external_id {external_id!r} appears at records {earlier} and {later}"
            " with different content",
            code="repeated_external_id",
            details=[
                {
                    "field": f"records.{i}.external_id",
                    "value": eid,
                    "reason": f"also at records.{e} with different content",
                }
                for e, i, eid in clashes
            ],
        )


def submit(
    *,
    session: Session,
    furnisher_id: str,
    categories: Sequence[str],
    envelopes: Sequence[dict[str, Any]],
    secret: bytes,
    max_batch: int,
    actor: str,
) -> list[tuple[str, str]]:
    """The intake workflow for one batch: validate every envelope, refuse conflicts, store,
    audit and run the record hooks; all or nothing. Returns (external_id, status) in order.

    One invalid envelope refuses the batch (InvalidInput naming each bad field and value); an
    ``external_id`` held with other content refuses it too (Conflict: correct it instead), and
    so does one that appears twice in the batch with different content (InvalidInput naming
    both places); twice with the same content, it is stored once (the repeat: duplicate).
    """
    if len(envelopes) > max_batch:
        raise TooLarge(
            f"{len(envelopes)} records in one batch; the limit is {max_batch}",
            details=[{"field": "records", "value": len(envelopes)}],
        )
    if not envelopes:
        raise InvalidInput("the batch holds no records", details=[{"field": "records", "value": 0}])
    valid = validate_all(validator_for(categories=categories, secret=secret), list(envelopes))
    _refuse_repeats(valid)
    statuses = classify(session=session, furnisher_id=furnisher_id, records=valid)
    conflicts = [r.external_id for r, s in zip(valid, statuses, strict=True) if s == CONFLICT]
    if conflicts:
        raise Conflict(
            "records already held with other content; correct them with PUT",
            code="external_id_conflict",
            details=[{"field": "external_id", "value": e} for e in conflicts],
        )
    store(session=session, furnisher_id=furnisher_id, records=valid, statuses=statuses, actor=actor)
    return [(r.external_id, s) for r, s in zip(valid, statuses, strict=True)]


def store(
    *,
    session: Session,
    furnisher_id: str,
    records: Sequence[ValidRecord],
    statuses: Sequence[str],
    actor: str,
    subject_cache: dict[tuple[str, str], int] | None = None,
) -> int:
    """Insert the records classified as accepted, with one audit event; returns how many."""
    new = [r for r, s in zip(records, statuses, strict=True) if s == ACCEPTED]
    if not new:
        return 0
    ids = subjects.resolve_many(
        session=session, identities=((r.identity, r.name) for r in new), cache=subject_cache
    )
    now = clock.now()
    insert_rows(
        session,
        Record.__table__,
        [
            {
                "furnisher_id": furnisher_id,
                "external_id": r.external_id,
                "category": r.category,
                "subject_id": ids[(r.identity.scheme, r.identity.key)],
                "occurred_on": r.occurred_on,
                "amount_minor": r.amount_minor,
                "currency": r.currency,
                "legal_basis": r.legal_basis,
                "fields": r.fields_json,
                "state": "active",
                "version": 1,
                "content_hash": r.content_hash,
                "received_at": now,
            }
            for r in new
        ],
    )
    digest = hashlib.sha256()
    for r in new:
        digest.update(f"{r.external_id}\t{r.content_hash}\n".encode())
    audit.append(
        session,
        RecordsAccepted(
            furnisher_id, len(new), new[0].external_id, new[-1].external_id, digest.hexdigest()
        ),
        actor=actor,
    )
    hooks.records_changed(
        session=session, furnisher_id=furnisher_id, external_ids=[r.external_id for r in new]
    )
    return len(new)


def get(*, session: Session, furnisher_id: str, external_id: str) -> Record:
    """A furnisher's own record, or NotFound (others' records are indistinguishable from none)."""
    record = session.execute(
        select(Record).where(Record.furnisher_id == furnisher_id, Record.external_id == external_id)
    ).scalar_one_or_none()
    if record is None:
        raise NotFound(
            f"no record {external_id!r} from this furnisher",
            details=[{"field": "external_id", "value": external_id}],
        )
    return record


def _snapshot(record: Record) -> str:
    return canonical_json(
        {
            "category": record.category,
            "subject_id": record.subject_id,
            "occurred_on": record.occurred_on.isoformat(),
            "amount_minor": record.amount_minor,
            "currency": record.currency,
            "legal_basis": record.legal_basis,
            "fields": json.loads(record.fields),
            "state": record.state,
        }
    )


def _supersede(session: Session, record: Record, reason: str) -> None:
    session.add(
        RecordVersion(
            record_id=record.id,
            version=record.version,
            state=record.state,
            content=_snapshot(record),
            content_hash=record.content_hash,
            superseded_at=clock.now(),
            reason=reason,
        )
    )


def check_correction(record: Record, valid: ValidRecord) -> None:
    """Refuse corrections that would revive or re-age a record (Conflict naming the rule).

    A deleted or expired record stays removed: a new event is a new record. For negative
    categories a correction may not move ``occurred_on`` later than the original, which
    would restart the retention clock (re-aging).
    """
    if record.state in ("deleted", "expired"):
        why = "deleted" if record.state == "deleted" else "expired under retention"
        raise Conflict(
            f"record {record.external_id!r} is {why} and cannot be corrected or revived "
            "(rule no_revival: a new event is a new record with a new external_id)",
            code="no_revival",
            details=[{"field": "external_id", "value": record.external_id, "state": record.state}],
        )
    categories = get_catalogue().categories
    negative = any(
        c is not None and c.polarity == "negative"
        for c in (categories.get(record.category), categories.get(valid.category))
    )
    if negative and valid.occurred_on > record.occurred_on:
        raise Conflict(
            f"occurred_on {valid.occurred_on.isoformat()} is later than the original "
            f"{record.occurred_on.isoformat()} of negative record {record.external_id!r} "
            "(rule no_re_aging: a correction may not restart a negative record's retention)",
            code="no_re_aging",
            details=[{"field": "occurred_on", "value": valid.occurred_on.isoformat()}],
        )


def correct(
    *, session: Session, furnisher_id: str, valid: ValidRecord, actor: str
) -> tuple[Record, bool]:
    """Apply a correction as a new version; returns the record and whether anything changed."""
    record = get(session=session, furnisher_id=furnisher_id, external_id=valid.external_id)
    check_correction(record, valid)
    if record.content_hash == valid.content_hash:
        return record, False
    _supersede(session, record, "corrected")
    ids = subjects.resolve_many(session=session, identities=[(valid.identity, valid.name)])
    record.category = valid.category
    record.subject_id = ids[(valid.identity.scheme, valid.identity.key)]
    record.occurred_on = valid.occurred_on
    record.amount_minor = valid.amount_minor
    record.currency = valid.currency
    record.legal_basis = valid.legal_basis
    record.fields = valid.fields_json
    record.content_hash = valid.content_hash
    record.version += 1
    record.state = "corrected"
    session.flush()
    audit.append(
        session,
        RecordCorrected(furnisher_id, record.external_id, record.version, record.content_hash),
        actor=actor,
    )
    hooks.records_changed(
        session=session, furnisher_id=furnisher_id, external_ids=[record.external_id]
    )
    return record, True


def delete(*, session: Session, furnisher_id: str, external_id: str, actor: str) -> Record:
    """Mark a record deleted (its versions stay in history); deleting twice changes nothing."""
    record = get(session=session, furnisher_id=furnisher_id, external_id=external_id)
    if record.state == "deleted":
        return record
    _supersede(session, record, "deleted")
    record.version += 1
    record.state = "deleted"
    session.flush()
    audit.append(
        session,
        RecordDeleted(furnisher_id, external_id, record.version, record.content_hash),
        actor=actor,
    )
    hooks.records_changed(session=session, furnisher_id=furnisher_id, external_ids=[external_id])
    return record


def expire(*, session: Session, record: Record) -> Record:
    """Mark a record expired under retention (its last version stays in history)."""
    _supersede(session, record, "expired")
    record.version += 1
    record.state = "expired"
    session.flush()
    return record


def versions(*, session: Session, record_id: int) -> list[RecordVersion]:
    return list(
        session.execute(
            select(RecordVersion)
            .where(RecordVersion.record_id == record_id)
            .order_by(RecordVersion.version)
        ).scalars()
    )


def amount_text(amount_minor: int) -> str:
    """An amount in minor units as its decimal text, exact (integer arithmetic: a float
    division turned 99,999,999,999,999,999 into 1000000000000000.00)."""
    whole, cents = divmod(abs(amount_minor), 100)
    return f"{'-' if amount_minor < 0 else ''}{whole}.{cents:02d}"


def to_envelope(record: Record, subject_display: dict[str, Any]) -> dict[str, Any]:
    """A record as its envelope (subject shown in its displayable, masked form)."""
    amount = None if record.amount_minor is None else amount_text(record.amount_minor)
    return {
        "external_id": record.external_id,
        "category": record.category,
        "subject": subject_display,
        "occurred_on": record.occurred_on.isoformat(),
        "amount": amount,
        "currency": record.currency,
        "legal_basis": record.legal_basis,
        "fields": json.loads(record.fields),
        "state": record.state,
        "version": record.version,
    }
