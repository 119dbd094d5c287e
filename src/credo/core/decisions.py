"""What every request/decision workflow shares (a review, a dispute, a proof, a rating
appeal, a credit repair): a new request is stored with its audit event; the request a
decision is about must exist and still be open, and the outcome must be one its kind
allows. The callers word their own errors; these raise them the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from credo.core import audit
from credo.errors import Conflict, InvalidInput, NotFound


class _Stated(Protocol):
    state: Any


R = TypeVar("R", bound=_Stated)
T = TypeVar("T")


def filed(session: Session, row: T, event: Callable[[T], audit.AuditEvent], *, actor: str) -> T:
    """Store a new request (flushed, so it has its id) and append the audit event ``event``
    makes of it, in the caller's transaction; the row."""
    session.add(row)
    session.flush()
    audit.append(session, event(row), actor=actor)
    return row


def open_request(
    row: R | None,
    *,
    field: str,
    value: Any,
    missing: str,
    decided: str,
    open_state: str = "open",
    code: str | None = None,
) -> R:
    """``row`` when it is still open (in ``open_state``): NotFound (``missing``) when there
    is none, Conflict (``decided``, whose ``{state}`` is the row's state; ``code`` if given)
    when it was decided already; both name ``field`` and ``value``."""
    details = [{"field": field, "value": value}]
    if row is None:
        raise NotFound(missing, details=details)
    if row.state != open_state:
        raise Conflict(decided.format(state=row.state), code=code, details=details)
    return row


def one_of(value: Any, allowed: Iterable[str], *, field: str) -> None:
    """InvalidInput naming ``field`` when ``value`` is not one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise InvalidInput(
            f"{field} {value!r} is not one of {', '.join(allowed)}",
            details=[{"field": field, "value": value}],
        )
