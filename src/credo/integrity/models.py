"""Integrity tables: one row per flag, and the subjects each flag holds for review."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.db import Base, UtcDateTime

FLAG_STATES = ("open", "confirmed", "cleared")


class IntegrityFlag(Base):
    """Evidence that some subjects' data may be manipulated; the operator clears or confirms it.

    ``fingerprint`` is a hash of the detector and its sorted subject ids, so a refresh that
    finds the same group again does not raise a second flag.
    """

    __tablename__ = "integrity_flags"
    __table_args__ = (UniqueConstraint("detector", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    detector: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), index=True)
    strength: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)


class IntegrityFlagSubject(Base):
    """A subject a flag names; while the flag is open or confirmed the subject's score is held."""

    __tablename__ = "integrity_flag_subjects"

    flag_id: Mapped[int] = mapped_column(ForeignKey("integrity_flags.id"), primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), primary_key=True, index=True)
