"""Typed audit events of the lists domain: every entry and repair change is one of these."""

from __future__ import annotations

from dataclasses import dataclass

from credo.core import audit


@dataclass(frozen=True)
class ListEntered(audit.AuditEvent):
    """A subject entered a list (state active) or got a pending listing (state pending)."""

    type = "list.entered"
    entry_id: int
    list_id: str
    subject_id: int
    rule_id: str
    ref: str
    state: str
    starts_on: str
    scheduled_end: str | None
    record_ids: list[int]


@dataclass(frozen=True)
class ListRemoved(audit.AuditEvent):
    type = "list.removed"
    entry_id: int
    list_id: str
    subject_id: int
    ended_on: str
    reason: str
    immediate: bool


@dataclass(frozen=True)
class ListRefusedMinor(audit.AuditEvent):
    """A listing of a person under 18 on the listing date was refused."""

    type = "list.refused_minor"
    entry_id: int
    list_id: str
    subject_id: int
    ref: str
    listing_on: str


@dataclass(frozen=True)
class ListRefused(audit.AuditEvent):
    """A listing was refused for another reason (for example no prior warning)."""

    type = "list.refused"
    entry_id: int
    list_id: str
    subject_id: int
    ref: str
    reason: str


@dataclass(frozen=True)
class ListChanged(audit.AuditEvent):
    """An entry's records, term or state changed without entering or leaving the list."""

    type = "list.changed"
    entry_id: int
    list_id: str
    subject_id: int
    state: str
    scheduled_end: str | None
    record_ids: list[int]
    term: str | None = None


@dataclass(frozen=True)
class RepairApplied(audit.AuditEvent):
    type = "repair.applied"
    repair_id: int
    entry_id: int
    subject_id: int
    decide_by: str


@dataclass(frozen=True)
class RepairDecided(audit.AuditEvent):
    type = "repair.decided"
    repair_id: int
    entry_id: int
    subject_id: int
    approved: bool
    reason: str
