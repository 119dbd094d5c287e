"""What every request/decision workflow shares (a review, a dispute, a rating appeal): the
request a decision is about must exist and still be open, and the outcome must be one its
kind allows. The callers word their own errors; these raise them the same way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from credo.errors import Conflict, InvalidInput, NotFound


class _Stated(Protocol):
    state: Any


R = TypeVar("R", bound=_Stated)


def open_request(row: R | None, *, field: str, value: Any, missing: str, decided: str) -> R:
    """``row`` when it is still open: NotFound (``missing``) when there is none, Conflict
    (``decided``, whose ``{state}`` is the row's state) when it was decided already; both
    name ``field`` and ``value``."""
    details = [{"field": field, "value": value}]
    if row is None:
        raise NotFound(missing, details=details)
    if row.state != "open":
        raise Conflict(decided.format(state=row.state), details=details)
    return row


def one_of(value: Any, allowed: Iterable[str], *, field: str) -> None:
    """InvalidInput naming ``field`` when ``value`` is not one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise InvalidInput(
            f"{field} {value!r} is not one of {', '.join(allowed)}",
            details=[{"field": field, "value": value}],
        )
