"""Score tables: fitted model versions, batch score runs, and the scores each run published."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.db import Base, UtcDateTime


class ModelVersion(Base):
    """A fitted scorecard kept as versioned JSON; exactly one is active, older ones stay."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(32), unique=True)
    model: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    metrics: Mapped[dict[str, object]] = mapped_column(JSON)


class ScoreRun(Base):
    """One batch scoring run: when, on which engine, as of which date, with which model."""

    __tablename__ = "score_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    engine: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[dt.date] = mapped_column(Date)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"))
    snapshot: Mapped[str] = mapped_column(String(512))
    records: Mapped[int] = mapped_column(Integer)
    subjects: Mapped[int] = mapped_column(Integer)
    published: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    digest: Mapped[str | None] = mapped_column(String(64))


class Score(Base):
    """A subject's score from one run: 350–950, band, five sub-scores and the top reasons."""

    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id"), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    score: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(16))
    history: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int | None] = mapped_column(Integer)
    compliance: Mapped[int | None] = mapped_column(Integer)
    payments: Mapped[int | None] = mapped_column(Integer)
    identity: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(Text)
    features: Mapped[str | None] = mapped_column(Text)  # the inputs, for "what would raise it"
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)  # overturned on human review


class ScoreDrift(Base):
    """PSI of the score or of one feature in a score run against the model's training baseline.

    ``measure`` is ``score`` or a feature name; ``expected`` and ``actual`` are the bin counts
    compared (the model's training counts and the run's). Above 0.25 the drift is major.
    """

    __tablename__ = "score_drift"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id"), index=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"))
    measure: Mapped[str] = mapped_column(String(64))
    psi: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    expected: Mapped[list[int]] = mapped_column(JSON)
    actual: Mapped[list[int]] = mapped_column(JSON)
