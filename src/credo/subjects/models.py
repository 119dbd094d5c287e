"""Subject table: one row per (scheme, identifier); persons held as keyed hash + masked form."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, UniqueConstraint
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
