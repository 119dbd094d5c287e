"""The registry's clock: real time by default, frozen or moved by tests and simulations."""

from __future__ import annotations

import datetime as dt

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time in UTC (or the frozen time)."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """The current date in UTC (or the frozen date)."""
    return now().date()


def freeze(at: dt.datetime | dt.date | None) -> None:
    """Freeze the clock at a moment (a date means its midnight UTC); None lets it run again."""
    global _frozen
    if isinstance(at, dt.date) and not isinstance(at, dt.datetime):
        at = dt.datetime(at.year, at.month, at.day, tzinfo=dt.UTC)
    _frozen = at


def as_of(day: dt.date | None, *, field: str = "as_of") -> dt.date:
    """The day work is done as of: today when None; a later day is refused (InvalidInput
    naming ``field``): lists, grades and flags written as of a future day would end terms,
    publish grades and hold scores ahead of time, and tell people so."""
    from credo.errors import InvalidInput

    today_ = today()
    if day is None:
        return today_
    if day > today_:
        raise InvalidInput(
            f"{field} {day.isoformat()} is in the future (today is {today_.isoformat()}); "
            "nothing was written",
            details=[{"field": field, "value": day.isoformat()}],
        )
    return day
