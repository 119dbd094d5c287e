"""Typed audit events of the lists domain: every entry and repair change is one of these."""

from __future__ import annotations

from dataclasses import dataclass

from credo.core import audit


@dataclass(frozen=True)
class _EntryEvent(audit.AuditEvent):
    """Every list event names the entry, its list and the subject it is about."""

    entry_id: int
    list_id: str
    subject_id: int


@dataclass(frozen=True)
class ListEntered(_EntryEvent):
    """A subject entered a list (state active) or got a pending listing (state pending)."""

    type = "list.entered"
    rule_id: str
    ref: str
    state: str
    starts_on: str
    scheduled_end: str | None
    record_ids: list[int]


@dataclass(frozen=True)
class ListRemoved(_EntryEvent):
    type = "list.removed"
    ended_on: str
    reason: str
    immediate: bool


@dataclass(frozen=True)
class ListRefusedMinor(_EntryEvent):
    """A listing of a person under 18 on the listing date was refused."""

    type = "list.refused_minor"
    ref: str
    listing_on: str


@dataclass(frozen=True)
class ListRefused(_EntryEvent):
    """A listing was refused for another reason (for example no prior warning)."""

    type = "list.refused"
    ref: str
    reason: str


@dataclass(frozen=True)
class ListChanged(_EntryEvent):
    """An entry's records, term or state changed without entering or leaving the list."""

    type = "list.changed"
    state: str
    scheduled_end: str | None
    record_ids: list[int]
    term: str | None = None


@dataclass(frozen=True)
class _RepairEvent(audit.AuditEvent):
    """Every repair event names the application, its entry and the applicant."""

    repair_id: int
    entry_id: int
    subject_id: int


@dataclass(frozen=True)
class RepairApplied(_RepairEvent):
    type = "repair.applied"
    decide_by: str


@dataclass(frozen=True)
class RepairDecided(_RepairEvent):
    type = "repair.decided"
    approved: bool
    reason: str
