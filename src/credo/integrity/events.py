"""Typed audit events of the integrity review: a flag raised, a flag decided."""

from __future__ import annotations

from dataclasses import dataclass

from credo.core import audit


@dataclass(frozen=True)
class FlagRaised(audit.AuditEvent):
    """A detector raised a flag; the subjects' new scores are held until it is decided."""

    type = "integrity.flag_raised"
    flag_id: int
    detector: str
    subject_ids: tuple[int, ...]
    fingerprint: str
    evidence_digest: str


@dataclass(frozen=True)
class FlagDecided(audit.AuditEvent):
    """The operator cleared (releases the hold) or confirmed (keeps it) a flag."""

    type = "integrity.flag_decided"
    flag_id: int
    decision: str
    previous_state: str
    state: str
    note: str | None
