"""Record envelopes as Pydantic schemas: what the API documents, accepts and answers.

Types here are the envelope's shape only; every rule (catalogue, identifiers, dates,
amounts, never-collected names) is checked by ``validation.Validator`` for the API and
bulk files alike. Extra keys pass through so the validator can name them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class SubjectRef(BaseModel):
    model_config = ConfigDict(extra="allow")

    scheme: str = Field(examples=["cn_ric"])
    id: str = Field(examples=["11010519491231002X"])
    name: str | None = Field(default=None, examples=["Wang Fang"])


class RecordIn(BaseModel):
    """One furnished record (DESIGN.md envelope)."""

    model_config = ConfigDict(extra="allow")

    external_id: str = Field(examples=["bank7-000123"], description="The furnisher's own id")
    category: str = Field(examples=["loan.repayment"], description="A catalogue category id")
    subject: SubjectRef
    occurred_on: str = Field(examples=["2026-03-01"], description="ISO date, not in the future")
    amount: Any = Field(
        default=None,
        examples=["1200.00"],
        description="Decimal string (or number), not negative, at most 2 decimals",
        json_schema_extra={"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]},
    )
    currency: str | None = Field(default=None, examples=["CNY"])
    legal_basis: str | None = Field(default=None)
    fields: dict[str, Any] = Field(
        default_factory=dict, examples=[{"loan_id": "L-88", "days_late": 0}]
    )

    def envelope(self) -> dict[str, Any]:
        """The envelope as a plain dict (extra keys kept for the validator to refuse)."""
        data = self.model_dump(exclude_unset=True)
        data["subject"] = self.subject.model_dump(exclude_unset=True)
        return data


class RecordCorrection(RecordIn):
    """A correction: the full new content; ``external_id`` may be left out (it is in the path)."""

    external_id: str | None = Field(default=None)  # type: ignore[assignment]


class RecordBatch(BaseModel):
    records: list[RecordIn] = Field(description="Up to CREDO_MAX_BATCH envelopes, all or nothing")


class RecordResult(BaseModel):
    external_id: str
    status: Literal["accepted", "duplicate"]


class RecordResults(BaseModel):
    results: list[RecordResult]


class RecordOut(BaseModel):
    external_id: str
    category: str
    subject: dict[str, Any]
    occurred_on: str
    amount: str | None
    currency: str | None
    legal_basis: str | None
    fields: dict[str, Any]
    state: str
    version: int


class RecordVersionOut(BaseModel):
    version: int
    state: str
    reason: str
    superseded_at: str
    content: dict[str, Any]


class RecordDetail(RecordOut):
    changed: bool | None = None
    statement: str | None = Field(
        default=None, description="the subject's statement (right of reply) on this record"
    )
    history: list[RecordVersionOut] = Field(default_factory=list)
