"""Statements: a subject's right of reply, attached to one of its records.

A statement belongs to a (record, subject) pair. When a furnisher's correction moves the
record to another subject, the statement is detached: it is never shown for the new
subject (nor can the new subject overwrite it), and its author still sees it, as detached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.core import audit, clock
from credo.errors import InvalidInput
from credo.lists import service as lists
from credo.lists.models import ListEntry
from credo.records.models import Record
from credo.records.service import own_record
from credo.rights.models import Statement

MAX_STATEMENT = 500


@dataclass(frozen=True)
class _StatementEvent(audit.AuditEvent):
    """Every statement event names the statement, its record and its author."""

    statement_id: int
    record_id: int
    subject_id: int


@dataclass(frozen=True)
class StatementAttached(_StatementEvent):
    type = "statement.attached"


@dataclass(frozen=True)
class StatementDetached(_StatementEvent):
    type = "statement.detached"
    new_subject_id: int


def attach(*, session: Session, subject_id: int, record_id: int, text: str) -> Statement:
    """Attach (or replace) the subject's own statement on one of its records."""
    text = text.strip()
    if not text or len(text) > MAX_STATEMENT:
        raise InvalidInput(
            f"a statement is 1-{MAX_STATEMENT} characters; this one has {len(text)}",
            details=[{"field": "text", "value": text[:80]}],
        )
    own_record(session=session, subject_id=subject_id, record_id=record_id)
    statement = session.execute(
        select(Statement).where(
            Statement.record_id == record_id, Statement.subject_id == subject_id
        )
    ).scalar_one_or_none()
    if statement is None:
        statement = Statement(
            record_id=record_id, subject_id=subject_id, text=text, created_at=clock.now()
        )
        session.add(statement)
    else:
        statement.text, statement.created_at, statement.detached_at = text, clock.now(), None
    session.flush()
    audit.append(
        session,
        StatementAttached(statement.id, record_id, subject_id),
        actor=f"subject:{subject_id}",
    )
    return statement


def detach(
    *, session: Session, record: Record, from_subject_id: int, actor: str
) -> list[Statement]:
    """Detach the statements of subjects other than the record's current one (after a move)."""
    found = list(
        session.execute(
            select(Statement).where(
                Statement.record_id == record.id,
                Statement.subject_id != record.subject_id,
                Statement.detached_at.is_(None),
            )
        ).scalars()
    )
    now = clock.now()
    for statement in found:
        statement.detached_at = now
        session.flush()
        audit.append(
            session,
            StatementDetached(statement.id, record.id, statement.subject_id, record.subject_id),
            actor=actor,
        )
    return found


def for_records(*, session: Session, record_ids: Sequence[int]) -> dict[int, str]:
    """Attached statements by record id (only the record's current subject's own statement)."""
    found: dict[int, str] = {}
    ids = list(record_ids)
    for start in range(0, len(ids), 900):
        rows = session.execute(
            select(Statement.record_id, Statement.text)
            .join(Record, Record.id == Statement.record_id)
            .where(
                Statement.record_id.in_(ids[start : start + 900]),
                Statement.subject_id == Record.subject_id,
                Statement.detached_at.is_(None),
            )
        )
        found.update({r: t for r, t in rows})
    return found


def of_author(*, session: Session, subject_id: int) -> list[dict[str, Any]]:
    """Every statement the subject wrote, attached or detached (for its own report)."""
    rows = session.execute(
        select(Statement, Record.subject_id)
        .join(Record, Record.id == Statement.record_id)
        .where(Statement.subject_id == subject_id)
        .order_by(Statement.id)
    ).all()
    return [
        {
            "id": s.id,
            "record_id": s.record_id,
            "text": s.text,
            "created_at": _iso(s.created_at),
            "detached": s.detached_at is not None or owner != subject_id,
            "detached_at": _iso(s.detached_at),
        }
        for s, owner in rows
    ]


def described_entries(*, session: Session, entries: Iterable[ListEntry]) -> list[dict[str, Any]]:
    """List entries that explain themselves (``lists.describe``), each cited record with the
    subject's statement on it: what the portal, the report and ``GET /v1/me/lists`` show."""
    described = [lists.describe(session=session, entry=e) for e in entries]
    ids = [r["id"] for e in described for r in e.get("records", [])]
    said = for_records(session=session, record_ids=ids) if ids else {}
    for entry in described:
        for record in entry.get("records", []):
            record["statement"] = said.get(record["id"])
    return described


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
