"""The store: SQLAlchemy engine and sessions; SQLite in WAL mode with synchronous=FULL.

An acknowledged write survives power loss on SQLite because every commit is fsynced
(``synchronous=FULL``) and WAL keeps readers off the writer's back. PostgreSQL is reached
through psycopg 3 with its own durable defaults.
"""

from __future__ import annotations

import datetime as dt
import os
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import (
    DateTime,
    Engine,
    FromClause,
    MetaData,
    Table,
    TypeDecorator,
    create_engine,
    event,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table; constraint names are stable for Alembic."""

    metadata = MetaData(naming_convention=NAMING)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: A server store's pool: connections kept, and opened beyond them under load (SQLAlchemy's
#: defaults, named so admission control can read them).
SERVER_POOL = (5, 10)
#: A SQLite file's pool: as many connections as the API's worker threads, so none is opened
#: (and its pragmas run) per request under load.
SQLITE_POOL = (20, 20)
_pool_limits: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()


def make_engine(url: str) -> Engine:
    """An engine for a store URL; SQLite files get WAL and synchronous=FULL on every connection."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        memory = path in ("", ":memory:") or "mode=memory" in url
        if memory:
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=StaticPool
            )
        else:
            folder = os.path.dirname(os.path.abspath(path))
            os.makedirs(folder, exist_ok=True)
            size, overflow = SQLITE_POOL
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False},
                pool_size=size,
                max_overflow=overflow,
            )
            _pool_limits[engine] = size + overflow
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    size, overflow = SERVER_POOL
    engine = create_engine(url, pool_pre_ping=True, pool_size=size, max_overflow=overflow)
    _pool_limits[engine] = size + overflow
    return engine


def pool_connections(engine: Engine) -> int | None:
    """How many connections the engine's pool may hold at once (kept and overflow), as
    ``make_engine`` configured it; the kept ones only for an engine made elsewhere; None for
    the one shared connection of an in-memory store, which never makes a caller wait."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return None
    return _pool_limits.get(engine, pool.size())


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to an engine; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any error."""
    with factory() as session, session.begin():
        yield session


def insert_rows(session: Session, table: FromClause, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows at driver speed inside the session's transaction.

    SQLite gets one ``executemany`` of plain tuples (values converted once by each column's
    own bind processor); PostgreSQL gets ``COPY ... FROM STDIN``. Both are several times
    faster than ORM bulk inserts and store exactly what the ORM would.
    """
    if not rows:
        return
    assert isinstance(table, Table), table
    columns = [c for c in table.columns if c.name in rows[0]]
    connection = session.connection()
    dialect = connection.dialect
    raw = connection.connection.driver_connection
    names = ", ".join(c.name for c in columns)
    assert raw is not None
    if dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c.name] for c in columns])
        return
    processors = [c.type.bind_processor(dialect) for c in columns]
    pairs = list(zip(columns, processors, strict=True))
    params = [
        tuple(row[c.name] if p is None or row[c.name] is None else p(row[c.name]) for c, p in pairs)
        for row in rows
    ]
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", params)
    finally:
        cursor.close()


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every store.

    PostgreSQL keeps the offset; SQLite stores text without one and hands back naive
    values, which would then be answered without an offset (not RFC 3339). Naive values
    read back are UTC, because credo only ever writes UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


_Row = TypeVar("_Row", bound=Base)


def of_subject(
    session: Session, model: type[_Row], subject_id: int, order_by: Any = None
) -> list[_Row]:
    """A subject's rows of a table with a ``subject_id`` (disputes, proofs, reviews,
    consents), in ``order_by`` (default: id) order."""
    column: Any = model
    query = select(model).where(column.subject_id == subject_id)
    order = column.id if order_by is None else order_by
    return list(session.execute(query.order_by(order)).scalars())
