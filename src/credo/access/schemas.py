"""Request and response bodies of the access endpoints; responses are allow-lists per role."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from credo.access.rules import BENEFIT_MAX, NAME_MAX
from credo.core.types import WRITTEN_DATE


class Strict(BaseModel):
    """Request bodies refuse unknown fields (a mass-assignment attempt is a 422)."""

    model_config = ConfigDict(extra="forbid")




def _written_date(value: Any) -> Any:
    """A date only as ``YYYY-MM-DD`` text (or a date): pydantic alone also takes a number of
    seconds ("1796083200", 1796083200) or a date-time at midnight as a date."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str) and WRITTEN_DATE.fullmatch(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_written_date)]


class SubjectRef(Strict):
    scheme: str = Field(max_length=32, examples=["cn_ric"])
    id: str = Field(max_length=64, examples=["11010519491231002X"])


class ProgramIn(Strict):
    name: str = Field(max_length=NAME_MAX, examples=["Deposit-free car rental"])
    purpose: str = Field(max_length=32, examples=["deposit_free_rental"])
    benefit: str = Field(max_length=BENEFIT_MAX, examples=["Rent a car without a deposit"])
    conditions: list[dict[str, Any]] = Field(
        description="All must hold; each is one of score_at_least, not_on_list, on_list, "
        "ledger_grade_at_least.",
        examples=[[{"score_at_least": 600}, {"not_on_list": "defaulter"}]],
    )


class ProgramOut(BaseModel):
    id: str
    name: str
    purpose: str
    benefit: str
    conditions: list[dict[str, Any]]
    created_at: dt.datetime


class ProgramList(BaseModel):
    programs: list[ProgramOut]


class EligibilityIn(Strict):
    subject: SubjectRef
    program: str = Field(max_length=32, examples=["prg_0123456789ab"])


class EligibilityOut(BaseModel):
    """All a relying party learns: yes or no, a reason category, and how to ask for review."""

    eligible: bool
    decision_id: str
    reason: str
    review: str


class RestrictionIn(Strict):
    subject: SubjectRef
    activity: str = Field(max_length=32, examples=["air_travel"])


class RestrictionOut(BaseModel):
    restricted: bool
    decision_id: str
    reason: str


class ConsentIn(Strict):
    """Either a program (with an expiry) or a ``ledger:<scheme>`` opt-in scope."""

    program: str | None = Field(default=None, max_length=32)
    scope: str | None = Field(default=None, max_length=80, examples=["ledger:rongcheng"])
    expires_on: IsoDate | None = None


class ConsentOut(BaseModel):
    id: str
    scope: str
    program: str | None
    program_name: str | None
    benefit: str | None
    party: str | None
    granted_at: dt.datetime
    expires_on: dt.date | None
    state: str
    ended_at: dt.datetime | None


class ConsentList(BaseModel):
    consents: list[ConsentOut]
