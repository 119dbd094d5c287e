"""What later domains run when records change: the record workflow's registered hooks.

``records.service.store``, ``correct`` and ``delete`` (and bulk intake, per chunk) call
``records_changed`` once, inside the caller's transaction, after the records and their
audit event are stored. Domains above records register here instead of every caller wiring
them: lists registers the rule "a fulfilment, delisting or deletion lifts the restriction
at once" when the ``credo.lists`` package is imported (which ``credo.models``, the API, the
CLI and the loaders all do).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

RecordsChanged = Callable[[Session, str, list[str]], object]
"""``hook(session, furnisher_id, external_ids)``: the records a furnisher just changed."""

_hooks: list[RecordsChanged] = []


def on_records_changed(hook: RecordsChanged) -> RecordsChanged:
    """Register ``hook`` (once; registering it again changes nothing)."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def registered() -> tuple[RecordsChanged, ...]:
    return tuple(_hooks)


def records_changed(*, session: Session, furnisher_id: str, external_ids: Sequence[str]) -> None:
    """Run every registered hook for records a furnisher stored, corrected or deleted."""
    if not external_ids:
        return
    for hook in _hooks:
        hook(session, furnisher_id, list(external_ids))
