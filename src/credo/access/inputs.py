"""What checks read from other domains: the latest published score, lists, ledger grades.

Each reader fetches one thing with one indexed query. A ledger grade counts only while the
subject's ``ledger:<scheme>`` consent is live: consents are access's, so the look-up is
here and ``credo.ledgers`` is asked for the grade only after it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.access import consents
from credo.core import clock
from credo.ledgers import service as ledgers
from credo.lists.models import ListEntry
from credo.lists.service import in_force
from credo.scores import service as scores


def latest_score(session: Session, subject_id: int) -> int | None:
    """The subject's most recently published score, or None (``scores.service``'s query)."""
    row = scores.latest_or_none(session=session, subject_id=subject_id)
    return None if row is None else row.score


def lists_on(session: Session, subject_id: int, on: dt.date) -> tuple[str, ...]:
    """Ids of the lists the subject is on (entries in force) on a day."""
    rows = session.execute(
        select(ListEntry.list_id).where(ListEntry.subject_id == subject_id, in_force(on)).distinct()
    ).scalars()
    return tuple(sorted(rows))


def ledger_grade(session: Session, subject_id: int, scheme: str, on: dt.date) -> str | None:
    """The subject's grade in a ledger scheme, or None (no live consent, or no ledger)."""
    scope = ledgers.SCOPE_PREFIX + scheme
    if not consents.has_live(session=session, subject_id=subject_id, scope=scope, on=on):
        return None
    return ledgers.grade_for(session=session, subject_id=subject_id, scheme=scheme, on=on)


def ledger_schemes(session: Session, subject_id: int, on: dt.date | None = None) -> set[str]:
    """Schemes in which the subject has a live ledger consent on a day (default today)."""
    day = on or clock.today()
    return {
        c.scope.removeprefix(ledgers.SCOPE_PREFIX)
        for c in consents.of_subject(session=session, subject_id=subject_id)
        if c.scope.startswith(ledgers.SCOPE_PREFIX) and consents.state(c, day) == "live"
    }


def public_ledger_grades(session: Session, subject_id: int) -> list[dict[str, Any]]:
    """An organisation's grades in the schemes it has a live consent for (persons: none)."""
    schemes = ledger_schemes(session, subject_id)
    grades = ledgers.public_grades(session=session, subject_id=subject_id)
    return [g for g in grades if g["scheme"] in schemes]
