"""Record tables: the current version of each record, and every superseded version."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.db import Base, UtcDateTime

STATES = ("active", "disputed", "corrected", "deleted", "expired")


class Record(Base):
    """One furnished fact about one subject; idempotency key ``(furnisher_id, external_id)``."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("furnisher_id", "external_id"),
        Index("ix_records_subject_id", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    furnisher_id: Mapped[str] = mapped_column(ForeignKey("furnishers.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    legal_basis: Mapped[str | None] = mapped_column(String(256))
    fields: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class RecordVersion(Base):
    """A superseded version of a record, kept when it is corrected or deleted."""

    __tablename__ = "record_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    superseded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    reason: Mapped[str] = mapped_column(String(32))
