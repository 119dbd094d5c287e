"""Subject table: one row per (scheme, identifier); persons held as keyed hash + masked form."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.db import Base, UtcDateTime


class Subject(Base):
    """A person or organisation; ``lookup_key`` is an HMAC for persons, the code otherwise."""

    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("scheme", "lookup_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    scheme: Mapped[str] = mapped_column(String(32))
    lookup_key: Mapped[str] = mapped_column(String(64))
    display_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class SubjectToken(Base):
    """A subject's sign-in token, issued by the operator: key id plus hash, with an expiry."""

    __tablename__ = "subject_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
