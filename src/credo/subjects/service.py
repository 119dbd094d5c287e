"""Subject services: resolve identifiers to subjects, creating them on first sight."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.config import get_settings
from credo.core import clock
from credo.core.db import insert_rows
from credo.errors import NotFound
from credo.subjects.identifiers import get_scheme, lookup_key, mask, ric_birth_date
from credo.subjects.models import Subject


@dataclass(frozen=True)
class Identity:
    """A validated identifier: scheme, the key it is stored under, and what may be shown."""

    scheme: str
    kind: str
    key: str
    display: str
    birth_date: dt.date | None


def identify(scheme_name: str, value: str, *, secret: bytes | None = None) -> Identity:
    """Validate an identifier and derive its stored key (InvalidInput if it is not valid)."""
    scheme = get_scheme(scheme_name)
    normal = scheme.normalise(value)
    secret = secret if secret is not None else get_settings().secret.get_secret_value().encode()
    key = lookup_key(scheme, normal, secret)
    display = mask(normal) if scheme.hashed else normal
    birth = ric_birth_date(normal) if scheme_name == "cn_ric" else None
    return Identity(scheme_name, scheme.kind, key, display, birth)


def _lookup(
    session: Session, scheme: str, keys: list[str], found: dict[tuple[str, str], int]
) -> None:
    table = Subject.__table__
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        rows = session.execute(
            select(table.c.lookup_key, table.c.id).where(
                table.c.scheme == scheme, table.c.lookup_key.in_(chunk)
            )
        )
        found.update({(scheme, k): i for k, i in rows})


def resolve_many(
    *,
    session: Session,
    identities: Iterable[tuple[Identity, str | None]],
    cache: dict[tuple[str, str], int] | None = None,
) -> dict[tuple[str, str], int]:
    """Subject ids for (identity, name) pairs, inserting the unknown ones in one statement.

    ``cache`` (scheme, key) -> id may be carried across calls in one intake run; ids are
    never reused, so a cached id stays right.
    """
    found = cache if cache is not None else {}
    wanted: dict[tuple[str, str], tuple[Identity, str | None]] = {}
    for identity, name in identities:
        pair = (identity.scheme, identity.key)
        if pair not in found:
            wanted.setdefault(pair, (identity, name))
    by_scheme: dict[str, list[str]] = {}
    for scheme, key in wanted:
        by_scheme.setdefault(scheme, []).append(key)
    for scheme, keys in by_scheme.items():
        _lookup(session, scheme, keys, found)
    missing = [wanted[p] for p in wanted if p not in found]
    if missing:
        now = clock.now()
        insert_rows(
            session,
            Subject.__table__,
            [
                {
                    "kind": i.kind,
                    "scheme": i.scheme,
                    "lookup_key": i.key,
                    "display_id": i.display,
                    "name": name,
                    "birth_date": i.birth_date,
                    "created_at": now,
                }
                for i, name in missing
            ],
        )
        by_scheme = {}
        for identity, _ in missing:
            by_scheme.setdefault(identity.scheme, []).append(identity.key)
        for scheme, keys in by_scheme.items():
            _lookup(session, scheme, keys, found)
    return found


def find(*, session: Session, scheme: str, value: str) -> Subject:
    """The subject an identifier names, or NotFound (an invalid identifier is InvalidInput)."""
    identity = identify(scheme, value)
    subject = session.execute(
        select(Subject).where(Subject.scheme == scheme, Subject.lookup_key == identity.key)
    ).scalar_one_or_none()
    if subject is None:
        raise NotFound(
            f"no subject {identity.display} in scheme {scheme}",
            details=[{"field": "subject.id", "value": identity.display}],
        )
    return subject
