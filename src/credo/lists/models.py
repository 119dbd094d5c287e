"""List tables: entries (one per subject, list, rule and case or decision) and repairs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.db import Base, UtcDateTime

ENTRY_STATES = ("pending", "active", "ended", "refused")
REPAIR_STATES = ("applied", "approved", "rejected")


class ListEntry(Base):
    """A subject on a list: the records and rule that put it there, its start and its end."""

    __tablename__ = "list_entries"
    __table_args__ = (
        UniqueConstraint("list_id", "subject_id", "rule_id", "ref"),
        Index("ix_list_entries_subject_id", "subject_id"),
        Index("ix_list_entries_list_id_state", "list_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    rule_id: Mapped[str] = mapped_column(String(64))
    ref: Mapped[str] = mapped_column(String(128))
    record_ids: Mapped[str] = mapped_column(Text)
    tier: Mapped[str | None] = mapped_column(String(16))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    scheduled_end: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(String(64))
    overturned_on: Mapped[dt.date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class RepairApplication(Base):
    """An organisation's credit-repair application for one entry, and the operator's decision."""

    __tablename__ = "list_repairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entries.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    statement: Mapped[str] = mapped_column(Text)
    decide_by: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decision_reason: Mapped[str | None] = mapped_column(Text)
