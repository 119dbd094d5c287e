"""Furnisher services: register, look up, authenticate (keys live in core.credentials)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.catalogue import get_catalogue
from credo.core import audit, credentials
from credo.core.types import free_text
from credo.errors import InvalidInput, Unauthenticated
from credo.furnishers.models import Furnisher

KIND = "furnisher"
NAME_MAX = 200  # characters: what KeyHolder.name holds
KEY_PREFIX = credentials.KINDS[KIND]


@dataclass(frozen=True)
class FurnisherAdded(audit.AuditEvent):
    type = "furnisher.added"
    furnisher_id: str
    name: str
    kind: str
    categories: list[str]


def check_categories(*, kind: str, categories: list[str]) -> list[str]:
    """The categories, checked against the catalogue and the furnisher kind."""
    catalogue = get_catalogue()
    if kind not in catalogue.furnisher_kinds:
        raise InvalidInput(
            f"furnisher kind {kind!r} is not one of {', '.join(catalogue.furnisher_kinds)}",
            details=[{"field": "kind", "value": kind}],
        )
    if not categories:
        raise InvalidInput(
            "a furnisher needs at least one category",
            details=[{"field": "categories", "value": categories}],
        )
    for category_id in categories:
        category = catalogue.get(category_id)
        if kind not in category.furnisher_kinds:
            raise InvalidInput(
                f"a {kind} may not furnish {category_id!r} "
                f"(furnished by {', '.join(category.furnisher_kinds)})",
                details=[{"field": "categories", "value": category_id}],
            )
    return sorted(set(categories))


def add(
    *, session: Session, name: str, kind: str, categories: list[str], actor: str = "operator"
) -> tuple[Furnisher, str]:
    """Register a furnisher; returns it with its API key (shown once, stored hashed)."""
    # the store holds 200 characters (PostgreSQL refused more with a DataError); no NUL
    name = free_text(name, field="name", most=NAME_MAX)
    checked = check_categories(kind=kind, categories=categories)
    furnisher = Furnisher(name=name, kind=kind, categories=checked)
    key = credentials.register_holder(
        session=session,
        kind=KIND,
        holder=furnisher,
        event=lambda furnisher_id: FurnisherAdded(furnisher_id, name, kind, checked),
        actor=actor,
    )
    return furnisher, key


def get(*, session: Session, furnisher_id: str) -> Furnisher:
    return credentials.get_holder(session=session, model=Furnisher, holder_id=furnisher_id)


def list_all(*, session: Session) -> list[Furnisher]:
    return list(session.execute(select(Furnisher).order_by(Furnisher.created_at)).scalars())


def authenticate(*, session: Session, token: str) -> Furnisher:
    """The active furnisher a live key belongs to, or Unauthenticated."""
    credential = credentials.verify(session=session, kind=KIND, token=token)
    furnisher = session.get(Furnisher, credential.holder)
    if furnisher is None or not furnisher.active:
        raise Unauthenticated("the furnisher key is missing, unknown or revoked")
    return furnisher


def issue_key(*, session: Session, furnisher_id: str, actor: str = "operator") -> str:
    """Another key for an existing furnisher (to rotate: issue, switch, revoke the old one)."""
    furnisher = get(session=session, furnisher_id=furnisher_id)
    return credentials.issue(session=session, kind=KIND, holder=furnisher.id, actor=actor).text
