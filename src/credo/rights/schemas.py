"""Schemas of the subject-rights endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from credo.core.types import RowId
from credo.records.schemas import RecordCorrection


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class DisputeAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class StatementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_id: RowId
    text: str


class StatementOut(BaseModel):
    id: int
    record_id: RowId
    text: str
    created_at: dt.datetime


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class ReviewDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class ProofDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["accepted", "rejected"]
    note: str = Field(default="", max_length=2000)
