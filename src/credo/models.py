"""Every table, imported in one place so Alembic and test fixtures see the whole schema."""

from __future__ import annotations

from credo.core.audit import AuditEntry, AuditHead
from credo.core.db import Base
from credo.furnishers.models import Furnisher
from credo.records.models import Record, RecordVersion
from credo.scores.models import ModelVersion, Score, ScoreRun
from credo.subjects.models import Subject, SubjectToken

metadata = Base.metadata

__all__ = [
    "AuditEntry",
    "AuditHead",
    "Furnisher",
    "ModelVersion",
    "Record",
    "RecordVersion",
    "Score",
    "ScoreRun",
    "Subject",
    "SubjectToken",
    "metadata",
]
