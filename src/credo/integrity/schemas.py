"""Integrity API schemas: the operator's queue and decisions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class SubjectRef(BaseModel):
    scheme: str
    id: str = Field(description="Display id: masked for persons, the clear USCC otherwise.")


class FlagOut(BaseModel):
    """A flag in the operator's queue."""

    id: int
    detector: str
    state: Literal["open", "confirmed", "cleared"]
    strength: float
    subjects: list[SubjectRef]
    evidence: dict[str, Any]
    raised_at: str
    decided_at: str | None
    decided_by: str | None
    note: str | None


class FlagList(BaseModel):
    total: int
    flags: list[FlagOut]


class DecisionIn(BaseModel):
    """The operator's decision: clear releases the hold, confirm keeps it."""

    decision: Literal["clear", "confirm"]
    note: str | None = Field(default=None, max_length=2000)
