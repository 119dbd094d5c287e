"""Disputes a subject opens on a record, and statements (right of reply) attached to records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.db import Base, UtcDateTime

DISPUTE_STATES = ("open", "verified", "corrected", "deleted", "lapsed")


class _OnRecord:
    """The columns every right a subject exercises on one record starts with (``sort_order``
    puts a mixin's columns first in the table, before the class's own)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True, sort_order=-2)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True, sort_order=-2)


class _FurnisherAnswers(_OnRecord):
    """A request on a record that its furnisher answers (a dispute, a proof)."""

    furnisher_id: Mapped[str] = mapped_column(
        ForeignKey("furnishers.id"), index=True, sort_order=-1
    )


class Dispute(_FurnisherAnswers, Base):
    """A subject's challenge to a record, with its deadline and outcome."""

    __tablename__ = "disputes"

    reason: Mapped[str] = mapped_column(Text)
    prior_state: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    deadline: Mapped[dt.date] = mapped_column(Date)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    note: Mapped[str | None] = mapped_column(Text)


class Statement(_OnRecord, Base):
    """A subject's short statement on a record, shown wherever the record is shown.

    It belongs to the (record, subject) pair: when the record moves to another subject the
    statement is detached (``detached_at``), never shown for the new subject, and still
    visible to its author as detached.
    """

    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("record_id", "subject_id", name="uq_statements_record_id_subject_id"),
    )

    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    detached_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


PROOF_STATES = ("submitted", "accepted", "rejected")


class Proof(_FurnisherAnswers, Base):
    """A subject's proof of fulfilment (a document and a note) for one of its records.

    It waits in the furnisher's queue until ``deadline`` (3 working days), then in the
    operator's; accepted, it becomes a fulfilment record (``fulfilment_record_id``).
    """

    __tablename__ = "proofs"
    # one waiting proof per record and document (migration 0016): a copy sent twice at once
    __table_args__ = (
        Index(
            "uq_proofs_waiting",
            "record_id",
            "sha256",
            unique=True,
            sqlite_where=text("state = 'submitted'"),
            postgresql_where=text("state = 'submitted'"),
        ),
    )

    note: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    deadline: Mapped[dt.date] = mapped_column(Date)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decision_note: Mapped[str | None] = mapped_column(Text)
    fulfilment_record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))


class Review(Base):
    """A subject's request for human review of an adverse automated decision.

    ``kind`` is ``eligibility`` (``decision_id`` is the inquiry's), ``score``
    (``score:<id>``) or ``list_entry`` (``entry:<id>``).
    """

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(
        String(16), default="eligibility", server_default="eligibility"
    )
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    outcome_note: Mapped[str | None] = mapped_column(Text)
