"""Shared field types: ids as every store can hold them (the tables' INTEGER keys: 32-bit
signed on PostgreSQL, so from 1 to 2^31 - 1), the check of a person's free text (a
reason, a note) and of a date a person writes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import Field

from credo.errors import InvalidInput

MAX_ID = 2**31 - 1  # a larger id cannot be one credo issued (PostgreSQL refused to look)
RowId = Annotated[int, Field(ge=1, le=MAX_ID, description="An id credo issued")]


def free_text(value: str | None, *, field: str, most: int, shown: int = 100) -> str:
    """``value`` stripped, or InvalidInput naming ``field`` when it is empty or longer than
    ``most`` characters or holds a NUL character (the error shows its first ``shown``,
    a NUL written ``\\u0000``): PostgreSQL's text cannot hold U+0000."""
    text = (value or "").strip()
    if "\x00" in text:
        raise InvalidInput(
            f"{field} may not hold the NUL character (U+0000)",
            details=[{"field": field, "value": text[:shown].replace("\x00", "\\u0000")}],
        )
    if not text or len(text) > most:
        raise InvalidInput(
            f"{field} must be 1-{most} characters",
            details=[{"field": field, "value": text[:shown]}],
        )
    return text


WRITTEN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # a date as a person writes one


def written_date(value: str, *, field: str) -> dt.date:
    """A date written ``YYYY-MM-DD`` and nothing else, or InvalidInput naming ``field``
    (``date.fromisoformat`` alone also takes 20261201 and 2026-W49-2, which the API's
    bodies refuse)."""
    try:
        if WRITTEN_DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidInput(
        f"{field} must be a date written YYYY-MM-DD",
        details=[{"field": field, "value": value[:40]}],
    )
