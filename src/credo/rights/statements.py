"""Statements: a subject's right of reply, attached to one of its records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.core import audit, clock
from credo.errors import InvalidInput
from credo.rights.disputes import own_record
from credo.rights.models import Statement

MAX_STATEMENT = 500


@dataclass(frozen=True)
class StatementAttached(audit.AuditEvent):
    type = "statement.attached"
    statement_id: int
    record_id: int
    subject_id: int


def attach(*, session: Session, subject_id: int, record_id: int, text: str) -> Statement:
    """Attach (or replace) the subject's statement on one of its records."""
    text = text.strip()
    if not text or len(text) > MAX_STATEMENT:
        raise InvalidInput(
            f"a statement is 1-{MAX_STATEMENT} characters; this one has {len(text)}",
            details=[{"field": "text", "value": text[:80]}],
        )
    own_record(session=session, subject_id=subject_id, record_id=record_id)
    statement = session.execute(
        select(Statement).where(Statement.record_id == record_id)
    ).scalar_one_or_none()
    if statement is None:
        statement = Statement(
            record_id=record_id, subject_id=subject_id, text=text, created_at=clock.now()
        )
        session.add(statement)
    else:
        statement.text, statement.created_at = text, clock.now()
    session.flush()
    audit.append(
        session,
        StatementAttached(statement.id, record_id, subject_id),
        actor=f"subject:{subject_id}",
    )
    return statement


def for_records(*, session: Session, record_ids: list[int]) -> dict[int, str]:
    """Statements by record id, for every place a record is shown."""
    found: dict[int, str] = {}
    for start in range(0, len(record_ids), 900):
        rows = session.execute(
            select(Statement.record_id, Statement.text).where(
                Statement.record_id.in_(record_ids[start : start + 900])
            )
        )
        found.update({r: t for r, t in rows})
    return found
