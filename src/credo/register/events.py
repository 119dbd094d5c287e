"""Typed audit events of the register domain."""

from __future__ import annotations

from dataclasses import dataclass

from credo.core import audit


@dataclass(frozen=True)
class RegisterPublished(audit.AuditEvent):
    """Grades and safety ratings were recomputed and published."""

    type = "register.published"
    as_of: str
    policy_version: int
    policy_digest: str
    organisations: int
    ratings: int


@dataclass(frozen=True)
class ReplyPublished(audit.AuditEvent):
    """An organisation published (or withdrew, ``text`` empty) its reply beside a rating."""

    type = "register.reply"
    subject_id: int
    domain: str
    text: str


@dataclass(frozen=True)
class RatingRequested(audit.AuditEvent):
    """An organisation appealed a rating or asked to be re-rated."""

    type = "register.requested"
    request_id: int
    subject_id: int
    domain: str
    kind: str


@dataclass(frozen=True)
class RatingRequestDecided(audit.AuditEvent):
    """The operator decided an appeal or closed a re-rating request."""

    type = "register.decided"
    request_id: int
    outcome: str
    rating: int | None
