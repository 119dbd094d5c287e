"""Schemas of the subject-rights endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from credo.core.types import RowId
from credo.records.schemas import RecordCorrection


class _Body(BaseModel):
    """A request body of the rights endpoints: an unknown field is refused (422 naming it)."""

    model_config = ConfigDict(extra="forbid")


class DisputeIn(_Body):
    record_id: RowId
    reason: str = Field(max_length=2000)


class DisputeOut(BaseModel):
    id: int
    record_id: RowId
    state: str
    reason: str
    opened_at: dt.datetime
    deadline: dt.date
    resolved_at: dt.datetime | None
    note: str | None


class DisputeAnswer(_Body):
    outcome: Literal["verified", "corrected", "deleted"]
    correction: RecordCorrection | None = None
    note: str | None = Field(default=None, max_length=2000)


class FurnisherDispute(BaseModel):
    id: int
    external_id: str
    category: str
    reason: str
    deadline: dt.date
    record: dict[str, Any]


class StatementIn(_Body):
    record_id: RowId
    text: str


class StatementOut(BaseModel):
    id: int
    record_id: RowId
    text: str
    created_at: dt.datetime


class ReviewIn(_Body):
    decision_id: str
    reason: str = Field(max_length=2000)


class ReviewOut(BaseModel):
    id: int
    decision_id: str
    state: str
    reason: str
    requested_at: str
    decided_at: str | None
    outcome_note: str | None


class ReviewDecision(_Body):
    outcome: Literal["upheld", "overturned"]
    note: str = Field(max_length=2000)


class ProofOut(BaseModel):
    id: int
    record_id: RowId
    note: str
    filename: str
    media_type: str
    size: int
    sha256: str
    state: str
    submitted_at: str
    deadline: str
    queue: Literal["furnisher", "operator"]
    decided_at: str | None
    decision_note: str | None
    fulfilment_record_id: int | None


class ProofDecision(_Body):
    outcome: Literal["accepted", "rejected"]
    note: str = Field(default="", max_length=2000)


# --- the subject's report: one typed shape for the API, the CLI, the portal and the print ---

_ANY = ConfigDict(extra="allow")


class ReportSubject(BaseModel):
    kind: str
    scheme: str
    id: str
    name: str | None


class ReportScore(BaseModel):
    """The latest published score: band, five dimensions, reasons, what would raise it."""

    score: int
    band: str
    as_of: str
    dimensions: dict[str, int | None]
    reasons: list[dict[str, Any]] = Field(description="Why it is not higher (scoring's reasons).")
    to_raise: list[dict[str, Any]] = Field(
        description="What would raise it: the model's counterfactual (scorecard.what_would_raise)."
    )


class ReportScorePoint(BaseModel):
    as_of: str
    score: int
    band: str
    withdrawn_on: str | None = None  # overturned on human review: not the published score


class ReportRecordVersion(BaseModel):
    version: int
    state: str
    reason: str | None
    superseded_at: str | None
    content: dict[str, Any]


class ReportRecord(BaseModel):
    """A held record as its furnisher sent it (the envelope), with its history and statement."""

    model_config = _ANY

    record_id: int
    external_id: str
    category: str
    occurred_on: str
    state: str
    furnisher: str
    received_at: str | None
    statement: str | None
    history: list[ReportRecordVersion]


class ReportRemoved(BaseModel):
    record_id: int
    external_id: str
    category: str
    furnisher: str
    state: str
    why: str


class ReportConsent(BaseModel):
    id: str
    scope: str
    party_id: str | None
    party: str | None = Field(default=None, description="The relying party's name.")
    granted_at: str | None
    expires_on: str | None
    state: str


class ReportDispute(BaseModel):
    id: int
    record_id: int
    state: str
    reason: str
    deadline: str | None
    resolved_at: str | None
    note: str | None


class SubjectReport(BaseModel):
    """Everything credo holds on a subject and everything it did with it (``rights.report``)."""

    subject: ReportSubject
    as_of: str
    score: ReportScore | None
    score_history: list[ReportScorePoint]
    score_held_for_review: bool
    records: list[ReportRecord]
    removed: list[ReportRemoved]
    lists: list[dict[str, Any]]
    pending_listings: list[dict[str, Any]]
    ledgers: list[dict[str, Any]]
    inquiries: list[dict[str, Any]]
    consents: list[ReportConsent]
    disputes: list[ReportDispute]
    reviews: list[dict[str, Any]]
    repairs: list[dict[str, Any]] = Field(
        default_factory=list, description="Credit-repair applications awaiting a decision."
    )
    statements: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Every statement the subject wrote; detached: its record moved to "
        "someone else (never shown for them).",
    )
    proofs: list[dict[str, Any]] = Field(
        default_factory=list, description="Proofs of fulfilment sent, their queue and outcome."
    )
    contact: dict[str, Any] | None = None
