"""What later domains run when records change: the record workflow's registered hooks.

``records.service.store``, ``correct`` and ``delete`` (and bulk intake, per chunk), and
``rights.disputes.open_dispute`` (a disputed record other than a court order is no longer
used) call ``records_changed`` once, inside the caller's transaction, after the records
and their audit event are stored. Domains above records register here instead of every
caller wiring them: lists registers the rule "a fulfilment, delisting, deletion, dispute
or narrowing correction lifts what the record supported at once" when the ``credo.lists``
package is imported (which ``credo.models``, the API, the CLI and the loaders all do).

A hook may name the categories it acts on; a caller that knows every category among the
records it changed (bulk intake, per chunk) then skips the hooks none of them concern.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from sqlalchemy.orm import Session

RecordsChanged = Callable[[Session, str, list[str]], object]
"""``hook(session, furnisher_id, external_ids)``: the records a furnisher just changed."""

_hooks: list[RecordsChanged] = []
_categories: dict[RecordsChanged, frozenset[str]] = {}


def on_records_changed(
    hook: RecordsChanged, *, categories: Collection[str] | None = None
) -> RecordsChanged:
    """Register ``hook`` (once; registering it again changes nothing). ``categories``: the
    only categories whose records it acts on (None: any)."""
    if hook not in _hooks:
        _hooks.append(hook)
        if categories is not None:
            _categories[hook] = frozenset(categories)
    return hook


def registered() -> tuple[RecordsChanged, ...]:
    return tuple(_hooks)


def records_changed(
    *,
    session: Session,
    furnisher_id: str,
    external_ids: Sequence[str],
    categories: Collection[str] | None = None,
) -> None:
    """Run every registered hook for records a furnisher stored, corrected or deleted, or
    a subject just disputed.

    ``categories``, when the caller knows them, holds every category the changed records
    had and have (None: not known); a hook registered for other categories only is not run.
    """
    if not external_ids:
        return
    for hook in _hooks:
        wanted = _categories.get(hook)
        if wanted is not None and categories is not None and wanted.isdisjoint(categories):
            continue
        hook(session, furnisher_id, list(external_ids))
