"""Access tables: relying parties, programs, consents and the inquiries log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.credentials import KeyHolder
from credo.core.db import Base, UtcDateTime


class RelyingParty(KeyHolder, Base):
    """A relying party: the activities it enforces and its purposes (keys: core.credentials)."""

    __tablename__ = "relying_parties"
    id_prefix = "rp"
    label = "relying party"
    id_field = "party"

    activities: Mapped[list[str]] = mapped_column(JSON)
    purposes: Mapped[list[str]] = mapped_column(JSON)


class Program(Base):
    """A party's benefit and the rule (all-of conditions, as data) that grants it."""

    __tablename__ = "programs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("relying_parties.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(32))
    benefit: Mapped[str] = mapped_column(Text)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Consent(Base):
    """A subject's grant of a scope (``program:<id>`` or ``ledger:<scheme>``) until a date."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_subject_id_scope", "subject_id", "scope"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    party_id: Mapped[str | None] = mapped_column(ForeignKey("relying_parties.id"))
    scope: Mapped[str] = mapped_column(String(80))
    granted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(32))


class Inquiry(Base):
    """One question a relying party asked about a subject, its answer and the inputs used."""

    __tablename__ = "inquiries"
    __table_args__ = (Index("ix_inquiries_subject_id_at", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(40), unique=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    party_id: Mapped[str] = mapped_column(ForeignKey("relying_parties.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    kind: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))
    program_id: Mapped[str | None] = mapped_column(String(32))
    activity: Mapped[str | None] = mapped_column(String(32))
    consent_id: Mapped[str | None] = mapped_column(String(32))
    answer: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(200))
    inputs: Mapped[str] = mapped_column(Text)
