"""Typed audit events of the access domain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credo.core import audit


@dataclass(frozen=True)
class PartyAdded(audit.AuditEvent):
    type = "party.added"
    party_id: str
    name: str
    activities: list[str]
    purposes: list[str]


@dataclass(frozen=True)
class ProgramAdded(audit.AuditEvent):
    type = "program.added"
    program_id: str
    party_id: str
    name: str
    purpose: str
    conditions: list[dict[str, Any]]


@dataclass(frozen=True)
class ConsentGranted(audit.AuditEvent):
    type = "consent.granted"
    consent_id: str
    subject_id: int
    scope: str
    party_id: str | None
    expires_on: str | None


@dataclass(frozen=True)
class ConsentEnded(audit.AuditEvent):
    type = "consent.ended"
    consent_id: str
    subject_id: int
    scope: str
    reason: str
