"""The catalogue's shapes: a category and its typed fields (plain frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

FieldType = Literal["string", "integer", "decimal", "date", "boolean", "email"]
Dimension = Literal["history", "capacity", "compliance", "payments", "identity", "none"]
SubjectKind = Literal["person", "organisation"]

FIELD_TYPES: tuple[str, ...] = ("string", "integer", "decimal", "date", "boolean", "email")
DIMENSIONS: tuple[str, ...] = ("history", "capacity", "compliance", "payments", "identity", "none")
POLARITIES: tuple[str, ...] = ("positive", "negative", "mixed", "neutral")
AMOUNT_RULES: tuple[str, ...] = ("required", "optional", "none")


@dataclass(frozen=True)
class FieldSpec:
    """One typed field of a category."""

    name: str
    type: FieldType
    required: bool
    choices: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    identifier_scheme: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "choices": list(self.choices) if self.choices is not None else None,
            "min": self.min,
            "max": self.max,
            "max_length": self.max_length,
            "identifier_scheme": self.identifier_scheme,
        }


@dataclass(frozen=True)
class Category:
    """One record category: who furnishes it, about whom, what it feeds, how long it is kept."""

    id: str
    description: str
    furnisher_kinds: tuple[str, ...]
    subject_kinds: tuple[SubjectKind, ...]
    dimension: Dimension
    polarity: str
    amount: str
    retention_years: int
    public: bool
    legal_basis_required: bool
    fields: tuple[FieldSpec, ...]

    @cached_property
    def field_map(self) -> dict[str, FieldSpec]:
        return {f.name: f for f in self.fields}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "furnisher_kinds": list(self.furnisher_kinds),
            "subject_kinds": list(self.subject_kinds),
            "dimension": self.dimension,
            "polarity": self.polarity,
            "amount": self.amount,
            "retention_years": self.retention_years,
            "public": self.public,
            "legal_basis_required": self.legal_basis_required,
            "fields": [f.to_dict() for f in self.fields],
        }
