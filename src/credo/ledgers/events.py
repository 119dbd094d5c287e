"""Typed audit events of the ledgers domain."""

from __future__ import annotations

from dataclasses import dataclass

from credo.core import audit


@dataclass(frozen=True)
class _PolicyEvent(audit.AuditEvent):
    """Every policy event names the scheme and the version of its policy."""

    scheme: str
    version: int


@dataclass(frozen=True)
class PolicyInstalled(_PolicyEvent):
    """A scheme's policy version was installed (it is in force from the next computation)."""

    type = "ledger.policy_installed"
    digest: str
    file: str
    rules: list[str]


@dataclass(frozen=True)
class LedgerComputed(_PolicyEvent):
    """A scheme's ledgers were recomputed from scratch and published."""

    type = "ledger.computed"
    as_of: str
    subjects: int
    entries: int
    removed: int
    history: int
    digest: str


@dataclass(frozen=True)
class LedgerDeleted(audit.AuditEvent):
    """A subject's ledger in a scheme was deleted (consent withdrawn or ended)."""

    type = "ledger.deleted"
    scheme: str
    subject_id: int
    reason: str
    entries: int
