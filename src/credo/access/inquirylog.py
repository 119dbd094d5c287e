"""Group commit of inquiries: concurrent checks share one transaction (one fsync) and each
caller returns only once its own inquiry is durable.

A writer thread per engine takes whatever inquiries are waiting, inserts them with one
``executemany`` in one transaction and commits, then wakes their callers; while it commits,
the next group gathers. A caller waits in its thread (``write``) or, on an event loop,
awaits (``write_async``: no thread is held while the group commits; the writer wakes each
loop once per group). On a server store an awaited inquiry goes to the loop's own writer
instead (``LoopGroupCommit``: the same groups on an asynchronous connection, in a task, so
the process runs no thread for a check). A failed group is retried row by row so one bad
row fails only its own request. In-memory stores (one shared connection, tests) write in
the caller's session instead, inside its unit of work.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, bindparam, event, insert
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from credo.access import driver
from credo.access.driver import Statement
from credo.access.models import Inquiry
from credo.core.db import make_engine

_INSERT = insert(Inquiry)
# the writer's insert on its DBAPI connection: every column but the generated id
INSERT = Statement(
    insert(Inquiry).values({c.key: bindparam(c.key) for c in Inquiry.__table__.c if c.key != "id"})
)
_WROTE = "credo.access.wrote"


@event.listens_for(Session, "after_flush")
def _wrote(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    session.info.pop(_WROTE, None)


class _Waiter:
    __slots__ = ("done", "error", "future", "row")

    def __init__(
        self, row: Mapping[str, Any], future: asyncio.Future[None] | None = None
    ) -> None:
        self.row = row
        self.future = future  # awaited on its loop; else ``done`` is waited on in a thread
        self.done = threading.Event() if future is None else None
        self.error: BaseException | None = None


def _settle(waiters: list[_Waiter]) -> None:
    """On a loop: resolve the futures of a committed group (a cancelled one is left)."""
    for waiter in waiters:
        future = waiter.future
        if future is not None and not future.done():
            if waiter.error is None:
                future.set_result(None)
            else:
                future.set_exception(waiter.error)


# How long a thread waiting for the GIL lets the running one go on (CPython's default is
# 5 ms). The writer thread takes the GIL back after every step of its insert and after the
# fsync; with the event loop busy serving checks each of those waited up to 5 ms, so an
# answer waited ~10 ms for a 0.5 ms commit (bench_checks --trace). 0.5 ms makes it wait
# about as long as the commit.
SWITCH_INTERVAL = 0.0005


#: How often a SQLite writer asks again for the file's write lock, at first and at most
#: (seconds), and for how long in all.
LOCK_POLL = (0.0001, 0.002)
LOCK_TIMEOUT = 30.0


def _lock_file(connection: sqlite3.Connection) -> None:
    """Begin the writer's transaction holding the SQLite file's write lock, asking again
    every 0.1 ms at first (at most every 2 ms) while another process holds it.
    SQLite's own busy handler sleeps 1, 2, 5, 10 ... ms between tries: with two API
    processes each committing a group every millisecond or so (the lock held ~0.3 ms),
    a writer that lost the race slept through several of the other's commits and its
    checks waited with it (bench_checks, 2 workers: p99 22 ms, half the throughput)."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    wait, longest = LOCK_POLL
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not driver.sqlite_locked(error) or time.monotonic() > deadline:
                raise
        time.sleep(wait)
        wait = min(wait * 2, longest)


def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA busy_timeout=0")  # after make_engine's pragmas


class GroupCommit:
    """One engine's inquiry writer."""

    def __init__(self, engine: Engine) -> None:
        # its own connection, outside the request pool: callers wait holding theirs
        self.engine = make_engine(engine.url.render_as_string(hide_password=False))
        if self.engine.dialect.name == "sqlite":  # it waits for the write lock itself
            event.listen(self.engine, "connect", _no_busy_wait)
        if sys.getswitchinterval() > SWITCH_INTERVAL:  # the process serves checks
            sys.setswitchinterval(SWITCH_INTERVAL)
        self._pending: list[_Waiter] = []
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="credo-inquiries", daemon=True)
        self._thread.start()

    def write(self, row: Mapping[str, Any]) -> None:
        """Insert one inquiry; returns once it is committed (raises what its insert raised)."""
        waiter = _Waiter(row)
        self._add(waiter)
        assert waiter.done is not None
        waiter.done.wait()
        if waiter.error is not None:
            raise waiter.error

    async def write_async(self, row: Mapping[str, Any]) -> None:
        """As ``write``, awaited on the running loop instead of blocking a thread."""
        future = asyncio.get_running_loop().create_future()
        self._add(_Waiter(row, future))
        await future

    def _add(self, waiter: _Waiter) -> None:
        with self._ready:
            self._pending.append(waiter)
            self._ready.notify()

    def _insert(self, rows: list[Mapping[str, Any]]) -> None:
        """One transaction inserting ``rows`` on the writer's DBAPI connection, committed."""
        raw = self.engine.raw_connection()
        try:
            try:
                if self.engine.dialect.name == "sqlite":
                    _lock_file(raw.dbapi_connection)  # type: ignore[arg-type]
                INSERT.execute_many(raw, self.engine.dialect, rows)
                raw.commit()
            except BaseException:
                raw.rollback()
                raise
        finally:
            raw.close()

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._pending:
                    self._ready.wait()
                group, self._pending = self._pending, []
            try:
                self._insert([w.row for w in group])
            except Exception:  # retried alone below; errors go to each caller
                for waiter in group:
                    try:
                        self._insert([waiter.row])
                    except Exception as error:
                        waiter.error = error
            loops: dict[asyncio.AbstractEventLoop, list[_Waiter]] = {}
            for waiter in group:
                if waiter.done is not None:
                    waiter.done.set()
                elif waiter.future is not None:
                    loops.setdefault(waiter.future.get_loop(), []).append(waiter)
            for loop, waiters in loops.items():
                # a loop that has closed has no one waiting any more
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle, waiters)


_writers: dict[Engine, GroupCommit] = {}
_lock = threading.Lock()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _writer(engine: Engine) -> GroupCommit:
    writer = _writers.get(engine)
    if writer is None:
        with _lock:
            writer = _writers.get(engine) or _writers.setdefault(engine, GroupCommit(engine))
    return writer


def in_session(session: Session) -> bool:
    """Whether an inquiry must be written in the session's own unit of work: where another
    connection could not see or wait for that unit's own writes (an in-memory store, or a
    session that has written)."""
    return isinstance(_engine(session).pool, StaticPool) or _has_written(session)


def write(session: Session, row: Mapping[str, Any]) -> None:
    """Log one inquiry durably: grouped with concurrent ones, or in the session's own unit
    of work where ``in_session`` says so (then it is durable when that unit commits)."""
    if in_session(session):
        session.connection().execute(_INSERT, [row])
        return
    _writer(_engine(session)).write(row)


def write_on(engine: Engine, raw: Any, row: Mapping[str, Any]) -> bool:
    """For a check decided on a DBAPI connection (``hotpath``): on an in-memory store, whose
    one shared connection the group writer cannot reach, log the inquiry on ``raw`` and
    commit it there (its own unit of work, as the writer's group is); True if so. Elsewhere
    False, and the caller logs it in a group (``write_async``)."""
    if not isinstance(engine.pool, StaticPool):
        return False
    INSERT.rows(raw, engine.dialect, row)
    raw.commit()
    return True


async def write_async(engine: Engine, row: Mapping[str, Any]) -> None:
    """Log one inquiry durably in a group, awaited on the running loop (for a session that
    ``in_session`` does not hold to its own unit of work): on a server store by the loop's
    own writer (``LoopGroupCommit``), elsewhere by the engine's writer thread."""
    if driver.asynchronous(engine):
        await _loop_writers.of(engine).write(row)
        return
    await _writer(engine).write_async(row)


class LoopGroupCommit:
    """One event loop's inquiry writer for a server store (``driver.asynchronous``): the
    group commit of ``GroupCommit`` on one asynchronous connection of the loop, in a task
    instead of a thread. The first inquiry starts a group at once; those that arrive while
    it commits form the next. Each caller's future resolves once its group is committed
    (a failed group is retried row by row, so one bad row fails only its own request)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pending: list[tuple[Mapping[str, Any], asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self._connection: Any = None

    async def write(self, row: Mapping[str, Any]) -> None:
        """Insert one inquiry; returns once it is committed (raises what its insert raised)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((row, future))
        if self._task is None:
            self._task = loop.create_task(self._run())
        await future

    async def _run(self) -> None:
        try:
            while self._pending:
                group, self._pending = self._pending, []
                errors: list[BaseException | None]
                try:
                    await self._insert([row for row, _ in group])
                    errors = [None] * len(group)
                except Exception:  # retried alone; errors go to each caller
                    errors = []
                    for row, _ in group:
                        try:
                            await self._insert([row])
                            errors.append(None)
                        except Exception as error:
                            errors.append(error)
                for (_, future), failed in zip(group, errors, strict=True):
                    if future.done():  # its request was cancelled
                        continue
                    if failed is None:
                        future.set_result(None)
                    else:
                        future.set_exception(failed)
        finally:
            self._task = None

    async def _insert(self, rows: list[Mapping[str, Any]]) -> None:
        """One transaction inserting ``rows``, committed, in one round trip."""
        if self._connection is None or self._connection.closed:
            self._connection = await driver.connect_async(self.engine, autocommit=True)
        connection = self._connection
        try:
            await INSERT.commit_many_async(connection, self.engine.dialect, rows)
        except BaseException:
            if connection.broken or connection.closed:
                self._connection = None
                await connection.close()
            raise

    async def close(self) -> None:
        """Let the group in flight finish, then close the connection."""
        if self._task is not None:
            await asyncio.shield(self._task)
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    def abandon(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            driver.abandon(connection)


_loop_writers = driver.PerLoop(LoopGroupCommit)


def _has_written(session: Session) -> bool:
    if session.info.get(_WROTE) or session.new or session.dirty or session.deleted:
        return True
    if session.in_transaction():
        raw = session.connection().connection.driver_connection
        return bool(getattr(raw, "in_transaction", False)) and _engine(session).name == "sqlite"
    return False
