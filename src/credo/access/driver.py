"""Core statements run on a DBAPI connection: compiled once per dialect, with their
columns' bind and result processors, without SQLAlchemy's per-execution work.

Through Core a statement costs about three times the driver's own work; the check's hot
path (``hotpath``) and the inquiry writer (``inquirylog``) run a handful of fixed
statements thousands of times a second, so they compile them once here.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import ClauseElement, Engine, Select


def sqlite_locked(error: sqlite3.OperationalError) -> bool:
    """Whether a SQLite error says another connection holds the lock (busy or locked),
    as opposed to any other failure."""
    return error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


_Form = tuple[str, Sequence[str] | None, dict[str, Any], dict[str, Any], list[Any]]


class Statement:
    """A Core statement compiled once per dialect, run on a DBAPI connection with its
    columns' bind and result processors (so values match what Core would give)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._forms: dict[str, _Form] = {}

    def _form(self, dialect: Any) -> _Form:
        form = self._forms.get(dialect.name)
        if form is None:
            compiled: Any = self.statement.compile(dialect=dialect)
            binds = {
                name: processor
                for name, bind in compiled.binds.items()
                if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))
                is not None
            }
            # the statement with any IN list of fixed values expanded, and those values
            given = {name: None for name, bind in compiled.binds.items() if bind.required}
            expanded = compiled.construct_expanded_state(given)
            statement = self.statement
            columns = list(statement.selected_columns) if isinstance(statement, Select) else []
            results = [
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in columns
            ]
            names = expanded.positiontup if dialect.positional else None
            fixed = dict(expanded.parameters)
            form = self._forms[dialect.name] = (expanded.statement, names, fixed, binds, results)
        return form

    def _params(self, form: _Form, values: Mapping[str, Any]) -> Any:
        _sql, names, fixed, binds, _results = form
        params = {**fixed, **values}
        for name, processor in binds.items():
            if params.get(name) is not None:
                params[name] = processor(params[name])
        return tuple(params[n] for n in names) if names is not None else params

    def rows(self, raw: Any, dialect: Any, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run once; the rows it returns (none for a statement without columns)."""
        form = self._form(dialect)
        cursor = raw.cursor()
        try:
            cursor.execute(form[0], self._params(form, values))
            rows = cursor.fetchall() if form[4] else []
        finally:
            cursor.close()
        return self._processed(form, rows)

    async def rows_async(
        self, connection: Any, dialect: Any, values: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        """``rows`` on an asynchronous driver connection (psycopg's ``AsyncConnection``)."""
        form = self._form(dialect)
        async with connection.cursor() as cursor:
            await cursor.execute(form[0], self._params(form, values))
            rows = await cursor.fetchall() if form[4] else []
        return self._processed(form, rows)

    @staticmethod
    def _processed(form: _Form, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        results = form[4]
        if any(results):
            return [
                tuple(v if p is None else p(v) for p, v in zip(results, row, strict=True))
                for row in rows
            ]
        return [tuple(row) for row in rows]

    async def commit_many_async(
        self, connection: Any, dialect: Any, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """Run a statement that returns nothing once per row, all in one transaction that is
        committed when this returns, in one round trip: on an autocommit psycopg
        ``AsyncConnection``, one row is one statement (its own transaction); more are sent
        as ``BEGIN``, the rows, ``COMMIT`` in one pipeline. A failure rolls back every row."""
        form = self._form(dialect)
        params = [self._params(form, r) for r in rows]
        async with connection.cursor() as cursor:
            if len(params) == 1:
                await cursor.execute(form[0], params[0])
                return
            try:
                async with connection.pipeline():
                    await cursor.execute("BEGIN")
                    await cursor.executemany(form[0], params)
                    await cursor.execute("COMMIT")
            except BaseException:
                if not (connection.broken or connection.closed):
                    await cursor.execute("ROLLBACK")  # a failed row left the block open
                raise

    def execute_many(self, raw: Any, dialect: Any, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement that returns nothing once per row (one ``executemany``)."""
        form = self._form(dialect)
        cursor = raw.cursor()
        try:
            cursor.executemany(form[0], [self._params(form, r) for r in rows])
        finally:
            cursor.close()


def asynchronous(engine: Engine) -> bool:
    """Whether the check path reads and logs on the event loop, on asynchronous driver
    connections (``connect_async``): a PostgreSQL store through psycopg. SQLite's reads are
    local and run on the loop through the ordinary connection."""
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"


async def connect_async(engine: Engine, *, autocommit: bool) -> Any:
    """A psycopg ``AsyncConnection`` to ``engine``'s store, with the arguments (and type
    adapters) its dialect gives its own connections."""
    import psycopg

    args, params = engine.dialect.create_connect_args(engine.url)
    return await psycopg.AsyncConnection.connect(*args, autocommit=autocommit, **params)


class _Closes(Protocol):
    async def close(self) -> None: ...

    def abandon(self) -> None: ...


_T = TypeVar("_T", bound=_Closes)
_per_loop: list[PerLoop[Any]] = []


class PerLoop(Generic[_T]):
    """One object per running event loop and engine (asynchronous connections belong to
    the loop that opened them), made on first use by ``make``; ``close_loop`` closes every
    one of the running loop's at its app's shutdown."""

    def __init__(self, make: Callable[[Engine], _T]) -> None:
        self._make = make
        self._made: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, weakref.WeakKeyDictionary[Engine, _T]
        ] = weakref.WeakKeyDictionary()
        _per_loop.append(self)

    def of(self, engine: Engine) -> _T:
        loop = asyncio.get_running_loop()
        made = self._made.get(loop)
        if made is None:
            made = self._made[loop] = weakref.WeakKeyDictionary()
            # a loop that ends without its app's shutdown (a test client used without
            # ``with``): its connections are ended without it when it is collected
            weakref.finalize(loop, _abandon, made)
        found = made.get(engine)
        if found is None:
            found = made[engine] = self._make(engine)
        return found


def _abandon(made: weakref.WeakKeyDictionary[Engine, Any]) -> None:
    for found in list(made.values()):
        found.abandon()


def abandon(connection: Any) -> None:
    """End an asynchronous connection without its loop (libpq's ``PQfinish``)."""
    if not connection.closed:
        connection.pgconn.finish()


async def close_loop() -> None:
    """Close the running loop's objects of every ``PerLoop`` (at an app's shutdown)."""
    loop = asyncio.get_running_loop()
    for per_loop in _per_loop:
        for found in list((per_loop._made.pop(loop, None) or {}).values()):
            await found.close()
