"""What checks read from other domains: the latest published score, lists, ledger grades.

Each reader fetches one thing with one indexed query. Ledgers are not part of credo yet:
``ledger_grade`` asks ``credo.ledgers.service.grade_for`` when it exists and otherwise
answers that the subject has no grade (so ledger conditions are not met).
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.lists.models import ListEntry
from credo.lists.service import in_force
from credo.scores.models import Score


def latest_score(session: Session, subject_id: int) -> int | None:
    """The subject's most recently published score, or None."""
    return session.execute(
        select(Score.score).where(Score.subject_id == subject_id).order_by(Score.id.desc()).limit(1)
    ).scalar_one_or_none()


def lists_on(session: Session, subject_id: int, on: dt.date) -> tuple[str, ...]:
    """Ids of the lists the subject is on (entries in force) on a day."""
    rows = session.execute(
        select(ListEntry.list_id).where(ListEntry.subject_id == subject_id, in_force(on)).distinct()
    ).scalars()
    return tuple(sorted(rows))


def ledger_grade(session: Session, subject_id: int, scheme: str, on: dt.date) -> str | None:
    """The subject's grade in a ledger scheme, or None where there is none (or no ledgers)."""
    try:
        ledgers: Any = importlib.import_module("credo.ledgers.service")
    except ModuleNotFoundError:
        return None
    grade_for = getattr(ledgers, "grade_for", None)
    if grade_for is None:
        return None
    grade = grade_for(session=session, subject_id=subject_id, scheme=scheme, on=on)
    return None if grade is None else str(grade)
