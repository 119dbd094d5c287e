"""Ledger tables: installed policies, entries in force, balances and the grade history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.db import Base, UtcDateTime

_ID = BigInteger().with_variant(Integer, "sqlite")


class LedgerPolicy(Base):
    """One installed version of a scheme's policy; the highest version is in force."""

    __tablename__ = "ledger_policies"
    __table_args__ = (UniqueConstraint("scheme", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    file: Mapped[str] = mapped_column(String(512))
    source: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    installed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    installed_by: Mapped[str] = mapped_column(String(128))


class LedgerEntry(Base):
    """Points one record earns under one rule, counting until a date."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_scheme_subject_id", "scheme", "subject_id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    record_id: Mapped[int] = mapped_column(BigInteger)
    rule_id: Mapped[str] = mapped_column(String(48))
    points: Mapped[int] = mapped_column(Integer)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    counts_until: Mapped[dt.date] = mapped_column(Date)


class _Graded:
    """A balance and the grade it earned under one policy version on one day (these columns
    follow the class's own in the table)."""

    policy_version: Mapped[int] = mapped_column(Integer)
    balance: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(3))
    as_of: Mapped[dt.date] = mapped_column(Date)


class LedgerBalance(_Graded, Base):
    """A subject's balance and grade in a scheme as of the last computation."""

    __tablename__ = "ledger_balances"

    scheme: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), primary_key=True)


class LedgerGradeHistory(_Graded, Base):
    """A grade a subject held, kept when a recomputation or a new policy version replaced it."""

    __tablename__ = "ledger_grade_history"
    __table_args__ = (Index("ix_ledger_grade_history_scheme_subject_id", "scheme", "subject_id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    replaced_on: Mapped[dt.date] = mapped_column(Date, sort_order=1)  # after the grade
    reason: Mapped[str] = mapped_column(String(16), sort_order=1)
