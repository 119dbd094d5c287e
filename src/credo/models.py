"""Every table, imported in one place so Alembic and test fixtures see the whole schema."""

from __future__ import annotations

from credo.access.models import Consent, Inquiry, Program, RelyingParty
from credo.core.audit import AuditCheckpoint, AuditEntry, AuditHead
from credo.core.credentials import Credential
from credo.core.db import Base
from credo.furnishers.models import Furnisher
from credo.integrity.models import IntegrityFlag, IntegrityFlagSubject
from credo.ledgers.models import LedgerBalance, LedgerEntry, LedgerGradeHistory, LedgerPolicy
from credo.lists.models import ListEntry, RepairApplication
from credo.notices.models import (
    Notice,
    NoticeAttempt,
    NoticePreference,
    SigninRequest,
    WebhookEndpoint,
)
from credo.records.models import Record, RecordVersion
from credo.register.models import OrgGrade, RatingReply, RatingRequest, SafetyRating
from credo.rights.models import Dispute, Proof, Review, Statement
from credo.scores.models import ModelVersion, Score, ScoreRun
from credo.subjects.models import Subject

metadata = Base.metadata

__all__ = [
    "AuditCheckpoint",
    "AuditEntry",
    "AuditHead",
    "Consent",
    "Credential",
    "Dispute",
    "Furnisher",
    "Inquiry",
    "IntegrityFlag",
    "IntegrityFlagSubject",
    "LedgerBalance",
    "LedgerEntry",
    "LedgerGradeHistory",
    "LedgerPolicy",
    "ListEntry",
    "ModelVersion",
    "Notice",
    "NoticeAttempt",
    "NoticePreference",
    "OrgGrade",
    "Program",
    "Proof",
    "RatingReply",
    "RatingRequest",
    "Record",
    "RecordVersion",
    "RelyingParty",
    "RepairApplication",
    "Review",
    "SafetyRating",
    "Score",
    "ScoreRun",
    "SigninRequest",
    "Statement",
    "Subject",
    "WebhookEndpoint",
    "metadata",
]
