"""API schemas of the lists domain (requests and answers)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from credo.core.types import RowId
from credo.lists.repairs import MAX_STATEMENT


class RecordCited(BaseModel):
    id: int
    furnisher_id: str
    external_id: str
    category: str
    occurred_on: str
    statement: str | None = Field(
        default=None, description="the subject's statement (right of reply) on this record"
    )


class EntryOut(BaseModel):
    """A list entry that explains itself: records, rule, start, scheduled end, how to end it."""

    model_config = ConfigDict(populate_by_name=True)

    id: int
    list_id: str = Field(alias="list")
    list_title: str
    rule: str
    ref: str
    state: Literal["pending", "active", "ended", "refused"]
    tier: str | None
    starts_on: str
    scheduled_end: str | None = Field(description="null: no fixed term")
    ended_on: str | None
    removal_reason: str | None
    basis: dict[str, Any]
    record_ids: list[int]
    records: list[RecordCited]
    restricts: list[str]
    benefits: list[str]
    how_to_end: str
    repair_from: str | None


class EntryEffect(BaseModel):
    """What an entry in force does to the subject (``lists.service._effects``): the list
    and entry behind it and the day it ends."""

    model_config = ConfigDict(populate_by_name=True)

    list_id: str = Field(alias="list")
    entry_id: RowId
    ends_on: str | None


class Restriction(EntryEffect):
    activity: str


class Benefit(EntryEffect):
    benefit: str


class MyLists(BaseModel):
    """The subject's own entries, pending listings (warnings), restrictions and benefits today."""

    entries: list[EntryOut]
    warnings: list[EntryOut]
    restrictions: list[Restriction]
    benefits: list[Benefit]


class RepairIn(BaseModel):
    entry_id: RowId
    statement: str = Field(
        min_length=1,
        max_length=MAX_STATEMENT,
        description="What was corrected: the violation fixed, penalty paid.",
    )


class RepairOut(BaseModel):
    id: int
    entry_id: RowId
    subject_id: int
    applied_on: str
    statement: str
    decide_by: str = Field(description="The operator decides by this date (working days).")
    overdue: bool
    state: Literal["applied", "approved", "rejected"]
    decided_on: str | None
    decided_by: str | None
    reason: str | None


class RepairList(BaseModel):
    repairs: list[RepairOut]


class RepairDecision(BaseModel):
    decision: Literal["approve", "reject"]
    reason: str = Field(default="", max_length=2000)


class ListEntries(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    list_id: str = Field(alias="list")
    title: str
    total: int
    entries: list[EntryOut]
