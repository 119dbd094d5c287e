"""Retention: every record expires a fixed time after the conduct ended (a sweep in refresh).

Every category is swept on its own retention (``card.utilisation`` after 2 years,
``payment.transfer`` after 2, ``bill.payment`` after 3, ...); a negative record expires after
the smaller of its category's retention and ``CREDO_RETENTION_YEARS``. The conduct ends on the
record's ``occurred_on``, or for a judgment or penalty on the date it was fulfilled or paid when
credo holds that. An expired record is kept in history with state ``expired`` and an audit
event saying why, and the subject's report lists it as removed. Features never read further
back than this either (``batch.features.lookback_years``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.catalogue import get_catalogue
from credo.core import audit, clock
from credo.records import service as records
from credo.records.models import Record

LIVE = ("active", "corrected")
# categories whose conduct ends when a later record closes the same case
CLOSED_BY = {
    "court.judgment": ("court.fulfilment", "case_number"),
    "court.listing": ("court.delisting", "case_number"),
    "penalty.imposed": ("penalty.paid", "decision_number"),
}


@dataclass(frozen=True)
class RecordExpired(audit.AuditEvent):
    type = "record.expired"
    record_id: int
    category: str
    conduct_ended: str
    reason: str


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _conduct_end(session: Session, record: Record) -> dt.date:
    rule = CLOSED_BY.get(record.category)
    if rule is None:
        return record.occurred_on
    closing, key = rule
    ref = json.loads(record.fields).get(key)
    closers = session.execute(
        select(Record.occurred_on, Record.fields).where(
            Record.subject_id == record.subject_id,
            Record.category == closing,
            Record.state.in_(LIVE),
        )
    ).all()
    dates = [d for d, f in closers if json.loads(f).get(key) == ref]
    return max([record.occurred_on, *dates])


def retention_years(category_years: int, polarity: str, max_years: int) -> int:
    """Years a record of a category is kept: its own retention, capped for negative records."""
    return min(category_years, max_years) if polarity == "negative" else category_years


def sweep(*, session: Session, max_years: int, today: dt.date | None = None) -> list[Record]:
    """Expire records of every category past its retention; returns the records expired."""
    today = today or clock.today()
    catalogue = get_catalogue()
    expired = []
    for category in catalogue.categories.values():
        years = retention_years(category.retention_years, category.polarity, max_years)
        cutoff = _years_before(today, years)
        candidates = (
            session.execute(
                select(Record).where(
                    Record.category == category.id,
                    Record.state.in_(LIVE),
                    Record.occurred_on <= cutoff,
                )
            )
            .scalars()
            .all()
        )
        for record in candidates:
            ended = _conduct_end(session, record)
            if ended > cutoff:
                continue
            reason = (
                f"{category.polarity} {category.id} record kept {years} years after the conduct "
                f"ended on {ended.isoformat()}"
            )
            records.expire(session=session, record=record)
            audit.append(
                session,
                RecordExpired(record.id, category.id, ended.isoformat(), reason),
                actor="system:retention",
            )
            expired.append(record)
    return expired
