"""Register tables: published grades and safety ratings, replies, appeals and re-ratings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.db import Base, UtcDateTime

#: Request kinds and states.
KINDS = ("appeal", "rerating")
STATES = ("open", "upheld", "dismissed", "done")


class OrgGrade(Base):
    """An organisation's published credit grade, with the rules and records that made it."""

    __tablename__ = "register_grades"

    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), primary_key=True)
    grade: Mapped[str] = mapped_column(String(1))
    score: Mapped[int] = mapped_column(Integer)
    policy_version: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[dt.date] = mapped_column(Date)
    reasons: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class _InDomain:
    """What everything about an organisation's rating in one safety domain starts with
    (``sort_order`` puts these columns first in the table, before the class's own)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), sort_order=-1)
    domain: Mapped[str] = mapped_column(String(16), sort_order=-1)


class SafetyRating(_InDomain, Base):
    """A published 0-5 safety rating in one domain and the inspection it rests on."""

    __tablename__ = "register_ratings"
    __table_args__ = (UniqueConstraint("subject_id", "domain"),)

    rating: Mapped[int] = mapped_column(Integer)
    inspection_record_id: Mapped[int] = mapped_column(Integer)
    inspection_on: Mapped[dt.date] = mapped_column(Date)
    rated_on: Mapped[dt.date] = mapped_column(Date)
    as_of: Mapped[dt.date] = mapped_column(Date)
    reasons: Mapped[str] = mapped_column(Text)


class RatingReply(_InDomain, Base):
    """The organisation's right-of-reply statement shown beside a rating."""

    __tablename__ = "register_replies"
    __table_args__ = (Index("ix_register_replies_subject_id", "subject_id", "domain"),)

    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class RatingRequest(_InDomain, Base):
    """An appeal against a rating, or a request to be re-rated after putting things right."""

    __tablename__ = "register_requests"
    __table_args__ = (Index("ix_register_requests_subject_id", "subject_id", "domain"),)

    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    rating_at_open: Mapped[int] = mapped_column(Integer)
    inspection_record_id: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    decided_rating: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
