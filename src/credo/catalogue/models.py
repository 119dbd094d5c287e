"""The catalogue's shapes: a category and its typed fields (plain frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
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
        return _as_dict(self)


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
        return _as_dict(self)


def _as_dict(spec: Any) -> dict[str, Any]:
    """A spec as JSON wants it, field by field in declared order (see ``_plain``)."""
    return {f.name: _plain(getattr(spec, f.name)) for f in fields(spec)}


def _plain(value: Any) -> Any:
    """Tuples as lists and nested specs as dicts; everything else as it is."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if is_dataclass(value):
        return _as_dict(value)
    return value
