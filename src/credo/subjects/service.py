"""Subject services: resolve identifiers to subjects, creating them on first sight."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from credo.config import get_settings
from credo.core import clock
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


def resolve_many(
    *, session: Session, identities: Iterable[tuple[Identity, str | None]]
) -> dict[tuple[str, str], int]:
    """Subject ids for (identity, name) pairs, inserting the unknown ones in one statement."""
    wanted: dict[tuple[str, str], tuple[Identity, str | None]] = {}
    for identity, name in identities:
        wanted.setdefault((identity.scheme, identity.key), (identity, name))
    found: dict[tuple[str, str], int] = {}
    pairs = list(wanted)
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        rows = session.execute(
            select(Subject.scheme, Subject.lookup_key, Subject.id).where(
                tuple_(Subject.scheme, Subject.lookup_key).in_(chunk)
            )
        )
        found.update({(s, k): i for s, k, i in rows})
    missing = [wanted[p] for p in pairs if p not in found]
    if missing:
        now = clock.now()
        session.execute(
            insert(Subject),
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
        keys = [(i.scheme, i.key) for i, _ in missing]
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = session.execute(
                select(Subject.scheme, Subject.lookup_key, Subject.id).where(
                    tuple_(Subject.scheme, Subject.lookup_key).in_(chunk)
                )
            )
            found.update({(s, k): i for s, k, i in rows})
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
