"""Contact details: the e-mail an identity-verification furnisher confirmed for a subject.

credo keeps no contact table of its own: the address is the ``contact_email`` field of the
subject's latest live ``identity.verification`` record. It is held only to notify, shown
in the report with that record, follows the record's corrections, and is gone when the
record is deleted or expires.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.records.models import Record

CATEGORY = "identity.verification"
FIELD = "contact_email"
LIVE = ("active", "corrected")


def email_of(*, session: Session, subject_id: int) -> str | None:
    """The confirmed e-mail address of a subject, or None."""
    rows = session.execute(
        select(Record.fields)
        .where(
            Record.subject_id == subject_id,
            Record.category == CATEGORY,
            Record.state.in_(LIVE),
        )
        .order_by(Record.occurred_on.desc(), Record.id.desc())
    ).scalars()
    for fields in rows:
        value = json.loads(fields).get(FIELD)
        if value:
            return str(value)
    return None


def emails_of(*, session: Session, subject_ids: list[int]) -> dict[int, str | None]:
    """``email_of`` for many subjects in one query per 500 (the worker, per claimed batch)."""
    found: dict[int, str | None] = dict.fromkeys(subject_ids)
    for start in range(0, len(subject_ids), 500):
        chunk = subject_ids[start : start + 500]
        rows = session.execute(
            select(Record.subject_id, Record.fields)
            .where(
                Record.subject_id.in_(chunk),
                Record.category == CATEGORY,
                Record.state.in_(LIVE),
            )
            .order_by(Record.subject_id, Record.occurred_on.desc(), Record.id.desc())
        )
        for subject_id, fields in rows:
            if found.get(subject_id) is None:
                value = json.loads(fields).get(FIELD)
                if value:
                    found[subject_id] = str(value)
    return found
