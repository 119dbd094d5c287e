"""Subject services: resolve identifiers to subjects, creating them on first sight."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from credo.config import get_settings
from credo.core import clock
from credo.core.copy import bound_once, copy_block, copy_text, executemany
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


def _day(processor: Any, value: dt.date) -> Any:
    """A date as bound on SQLite: the Date type's processor, else the driver's ISO text."""
    return value.isoformat() if processor is None else processor(value)


# One column list for every subjects INSERT. The statements themselves stay three because
# each is the fast form for its path, built once at import (no cost per batch): SQLite's
# ``executemany`` of ready tuples (both resolve_many and resolve_columns), PostgreSQL's
# ``INSERT ... SELECT`` from a COPY-filled staging table (resolve_columns: a file's rows,
# three round trips whatever their number), and SQLAlchemy's ``on_conflict_do_nothing``
# for resolve_many elsewhere (a few pairs per call, where a staging table and COPY would
# cost more round trips than they save). tests/subjects/test_resolve_equivalence.py
# checks that both ways give the same ids and store the same subjects.
_FIELDS = ("kind", "scheme", "lookup_key", "display_id", "name", "birth_date")
_INSERT_INTO = f"INSERT INTO subjects ({', '.join(_FIELDS)}, created_at)"
_INSERT_SQLITE = (
    f"{_INSERT_INTO} VALUES ({', '.join('?' for _ in _FIELDS)}, ?)"
    " ON CONFLICT (scheme, lookup_key) DO NOTHING"
)


def _insert_new(session: Session, rows: list[tuple[Identity, str | None]]) -> None:
    """Insert subjects, skipping any (scheme, key) already stored: one statement."""
    table = Subject.__table__
    now = clock.now()
    session.flush()  # subjects added to the session count as held
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        statement = pg_insert(Subject).on_conflict_do_nothing(
            index_elements=[table.c.scheme, table.c.lookup_key]
        )
        session.execute(
            statement,
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
                for i, name in rows
            ],
        )
        return
    # SQLite: the values the column types would bind, the timestamp converted once
    day = table.c.birth_date.type.bind_processor(dialect)
    created = bound_once(table.c.created_at, dialect, now)
    params = [
        (
            i.kind,
            i.scheme,
            i.key,
            i.display,
            name,
            None if i.birth_date is None else _day(day, i.birth_date),
            created,
        )
        for i, name in rows
    ]
    executemany(session, _INSERT_SQLITE, params)


def _lookup_all(
    session: Session, scheme: str, keys: list[str], found: dict[tuple[str, str], int]
) -> None:
    """Ids of stored subjects by key: on SQLite one statement over a JSON array of keys."""
    connection = session.connection()
    raw = connection.connection.driver_connection
    assert raw is not None
    if connection.dialect.name == "postgresql":  # an index look-up per key, never a scan
        with raw.cursor() as pg:
            pg.execute(
                "SELECT s.lookup_key, s.id FROM unnest(%s::text[]) AS u(k)"
                " JOIN subjects s ON s.scheme = %s AND s.lookup_key = u.k",
                (keys, scheme),
            )
            found.update({(scheme, k): i for k, i in pg.fetchall()})
        return
    if connection.dialect.name != "sqlite":
        _lookup(session, scheme, keys, found)
        return
    cursor = raw.cursor()
    try:
        rows = cursor.execute(
            "SELECT lookup_key, id FROM subjects WHERE scheme = ?"
            " AND lookup_key IN (SELECT value FROM json_each(?))",
            (scheme, json.dumps(keys)),
        )
        found.update({(scheme, k): i for k, i in rows})
    finally:
        cursor.close()


def resolve_many(
    *,
    session: Session,
    identities: Iterable[tuple[Identity, str | None]],
    cache: dict[tuple[str, str], int] | None = None,
) -> dict[tuple[str, str], int]:
    """Subject ids for (identity, name) pairs, inserting the unknown ones.

    One ``INSERT ... ON CONFLICT DO NOTHING`` of every pair not in ``cache`` (a held subject
    keeps its name and creation time), then one look-up of their ids. ``cache``
    (scheme, key) -> id may be carried across calls in one intake run; ids are never
    reused, so a cached id stays right.
    """
    found = cache if cache is not None else {}
    wanted: dict[tuple[str, str], tuple[Identity, str | None]] = {}
    for identity, name in identities:
        pair = (identity.scheme, identity.key)
        if pair not in found and pair not in wanted:
            wanted[pair] = (identity, name)
    if not wanted:
        return found
    _insert_new(session, list(wanted.values()))
    by_scheme: dict[str, list[str]] = {}
    for scheme, key in wanted:
        by_scheme.setdefault(scheme, []).append(key)
    for scheme, keys in by_scheme.items():
        _lookup_all(session, scheme, keys, found)
    return found


IDENTITY_COLUMNS = ("scheme", "lookup_key", "kind", "display_id", "name", "birth_date")
"""The columns :func:`resolve_columns` reads: text, but ``birth_date`` (date32)."""

_PROBE = dt.date(2024, 1, 2)
_STAGE = "credo_new_subjects"


MAX_KNOWN = 200_000  # pairs SubjectIds keeps as columns (then starts its columns afresh)


class SubjectIds(dict[tuple[str, str], int]):
    """Subject ids by (scheme, key) carried across one intake run's chunks (a ``cache`` for
    :func:`resolve_many` and :func:`resolve_columns`). What :func:`resolve_columns` learns
    is also kept as Arrow columns, ``scheme\x1fkey`` and id, so that each chunk's rows find
    their ids with one hash look-up: no Python object per row or per pair already known.
    Ids are never reused, so a kept id stays right. Only the columns are bounded
    (:data:`MAX_KNOWN` pairs, then started afresh: a pair no longer in them is found in the
    dict, or read again); the dict holds every subject the run met, as a plain ``cache``
    did: about 100 bytes a subject."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.pairs = pa.array([], pa.string())
        self.ids = pa.array([], pa.int64())

    def learn(self, found: dict[tuple[str, str], int]) -> None:
        self.update(found)
        if len(self.pairs) + len(found) > MAX_KNOWN:
            self.pairs, self.ids = pa.array([], pa.string()), pa.array([], pa.int64())
        added = pa.array([f"{scheme}\x1f{key}" for scheme, key in found], pa.string())
        self.pairs = pa.concat_arrays([self.pairs, added])
        self.ids = pa.concat_arrays([self.ids, pa.array(list(found.values()), pa.int64())])


def resolve_columns(
    *, session: Session, rows: pa.Table, cache: dict[tuple[str, str], int]
) -> pa.Array:
    """:func:`resolve_many` for Arrow columns: the subject id of each row (int64).

    ``rows`` has :data:`IDENTITY_COLUMNS`, one row per record, identities already validated.
    The identity mapping is an Arrow join: rows whose pair a :class:`SubjectIds` cache
    holds as columns take its id; of the others, the distinct (scheme, key) pairs and their
    first row (whose name a new subject gets, as in :func:`resolve_many`), the ids of those
    not in ``cache`` inserted and read in one statement each, then taken back per row.
    """
    rows = rows.combine_chunks()
    pairs = pc.binary_join_element_wise(
        rows["scheme"].combine_chunks(), rows["lookup_key"].combine_chunks(), "\x1f"
    )
    known = cache if isinstance(cache, SubjectIds) else SubjectIds()
    at = pc.index_in(pairs, value_set=known.pairs)
    ids = known.ids.take(at)
    if at.null_count:
        unknown = pc.indices_nonzero(pc.is_null(at))
        missing = pairs.take(unknown)
        distinct = pc.unique(missing)
        heads = rows.take(unknown.take(pc.index_in(distinct, value_set=missing)))  # first rows
        keys = list(zip(heads["scheme"].to_pylist(), heads["lookup_key"].to_pylist(), strict=True))
        learnt = {k: cache[k] for k in keys if k in cache}
        todo = [i for i, k in enumerate(keys) if k not in learnt]
        if todo:
            learnt.update(_insert_columns(session, heads.take(pa.array(todo, pa.int64()))))
            by_scheme: dict[str, list[str]] = {}
            for i in todo:
                if (
                    keys[i] not in learnt
                ):  # held before (SQLite), or stored meanwhile by another run
                    by_scheme.setdefault(keys[i][0], []).append(keys[i][1])
            for scheme, wanted in by_scheme.items():
                _lookup_all(session, scheme, wanted, learnt)
        cache.update(learnt)
        known.learn({k: learnt[k] for k in keys})
        found = pa.array([learnt[k] for k in keys], pa.int64())
        ids = pc.replace_with_mask(ids, pc.is_null(at), found.take(pc.index_in(missing, distinct)))
    return ids


def _insert_columns(session: Session, rows: pa.Table) -> dict[tuple[str, str], int]:
    """Insert new subjects from Arrow columns, skipping any (scheme, key) already stored;
    the ids it learnt on the way (PostgreSQL: every row's; SQLite: none, look them up).

    SQLite: one ``executemany`` of tuples zipped from the columns. PostgreSQL: one ``COPY``
    of a pre-formatted block into a temporary table, then one statement that inserts them
    in the rows' order (``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING``) and
    reads the ids of those already held.
    """
    table = Subject.__table__
    now = clock.now()
    session.flush()  # subjects added to the session count as held
    connection = session.connection()
    dialect = connection.dialect
    birth = rows["birth_date"]
    if dialect.name == "postgresql":
        return _stage(session, rows, now)
    if dialect.name != "sqlite":
        _insert_new(session, [(_identity(r), r["name"]) for r in rows.to_pylist()])
        return {}
    day = table.c.birth_date.type.bind_processor(dialect)
    created = bound_once(table.c.created_at, dialect, now)
    if _day(day, _PROBE) == _PROBE.isoformat():  # ISO text: Arrow writes it so
        births = pc.cast(birth, pa.string()).to_pylist()
    else:
        births = [None if b is None else _day(day, b) for b in birth.to_pylist()]
    params = zip(
        *(rows[c].to_pylist() for c in _FIELDS[:-1]),  # then birth_date, converted above
        births,
        repeat(created),
        strict=False,
    )
    executemany(session, _INSERT_SQLITE, params)
    return {}


def _stage(session: Session, rows: pa.Table, now: dt.datetime) -> dict[tuple[str, str], int]:
    """PostgreSQL: new subjects through a staging table, three round trips in all."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:  # no parameters: one round trip for both statements
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (ord integer, kind text,"
            " scheme text, lookup_key text, display_id text, name text, birth_date date)"
            f" ON COMMIT DELETE ROWS; TRUNCATE {_STAGE}"  # a whole-file transaction reuses it
        )
    order = pa.array(range(rows.num_rows), pa.int64())
    copy_block(
        session,
        f"COPY {_STAGE} (ord, {', '.join(_FIELDS)}) FROM STDIN",
        copy_text([order, *(rows[c] for c in _FIELDS)]),
        rows.num_rows,
    )
    with raw.cursor() as cursor:  # one snapshot: the join sees only subjects held before
        cursor.execute(
            f"WITH added AS ({_INSERT_INTO} SELECT {', '.join(_FIELDS)},"
            f" %s FROM {_STAGE} ORDER BY ord ON CONFLICT (scheme, lookup_key)"
            " DO NOTHING RETURNING scheme, lookup_key, id)"
            " SELECT scheme, lookup_key, id FROM added UNION ALL"
            f" SELECT s.scheme, s.lookup_key, s.id FROM {_STAGE} t JOIN subjects s"
            " ON s.scheme = t.scheme AND s.lookup_key = t.lookup_key",
            (now,),
        )
        return {(scheme, key): id_ for scheme, key, id_ in cursor.fetchall()}


def _identity(row: dict[str, Any]) -> Identity:
    return Identity(
        row["scheme"], row["kind"], row["lookup_key"], row["display_id"], row["birth_date"]
    )


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
