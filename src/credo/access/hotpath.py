"""An eligibility check on the DBAPI connection: the same decision, without the ORM.

Through a ``Session`` and Core, a check's SQLAlchemy work (the unit of work, four statement
executions, an ORM party built per request) cost about three times the reads themselves.
Here the statements are compiled once per dialect and run on a pooled DBAPI connection;
the party's key and the programs are cached by the audit head as ``parties`` caches them
(every change to a party, a key or a program appends an audit event). The decision is
``checks.decide_eligibility_from``'s, so both paths decide alike; programs with ledger
conditions take the session path (``decide`` answers None).

One round trip a check: ``CHECK`` reads the audit head, the gate (subject and consent) and
the facts (score and lists) in one statement, so in one snapshot. The key and the program
come from the cache of the last head a check saw; the decision stands only if ``CHECK``
read that same head (nothing audited was committed between the cache's rows and the
reads), else it is made again on the cache of the new head. A refusal by the cache (an
unknown or revoked key, no such program) is confirmed by reading the head first, and so is
one made before ``CHECK`` runs (the rate limit, an invalid identifier): at a new head the key
is authorized again, so a revoked key is 401 before anything else. A check that sees the
head move ``MOVES`` times (audited writes landing all along) answers None. The facts
are read for the gate's subject only when it consents (for anyone else for the id -1), so a
refused check does the same work for a known and an unknown subject.

``decide`` runs on the event loop: on SQLite through the pool's connection (local reads),
on PostgreSQL on an asynchronous psycopg connection of that loop (``AsyncReaders``),
instead of in a worker thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import BindParameter, Engine, and_, case, select, true
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql import visitors
from sqlalchemy.util import await_, greenlet_spawn

from credo.access import checks, driver, inquirylog, parties, rules
from credo.access.driver import Statement, connect_async
from credo.errors import CredoError


@dataclass(frozen=True)
class Party:
    """What a check needs of a relying party (immutable, shared between requests)."""

    id: str
    activities: list[str]
    purposes: list[str]


def _one_statement() -> Any:
    """``parties.HEAD``, ``checks.GATE`` and ``checks.FACTS`` as one statement: the gate
    once (a materialized CTE: evaluated in place, SQLite would skip the consent probe for
    an unknown subject where the facts' subject is chosen, and time would tell them
    apart), the facts for its subject when it consents, else for -1."""
    gate = checks.GATE.cte("gate").prefix_with("MATERIALIZED")
    consenting = (
        select(case((and_(gate.c.sid != -1, gate.c.consent_id.is_not(None)), gate.c.sid), else_=-1))
        .correlate(None)
        .scalar_subquery()
    )

    def subject(element: Any, **_kw: Any) -> Any:
        if isinstance(element, BindParameter) and element.key == "sid":
            return consenting
        return None

    source: Any = checks.FACTS
    facts = visitors.replacement_traverse(source, {}, subject).subquery("facts")
    head = parties.HEAD.subquery("head")
    return select(
        head.c.seq, head.c.hash, gate.c.sid, gate.c.consent_id, facts.c.score, facts.c.list_id
    ).select_from(gate.outerjoin(head, true()).join(facts, true()))


_HEAD = Statement(parties.HEAD)
_KEY = Statement(parties.KEY)
_PROGRAM = Statement(parties.PROGRAM)
CHECK = Statement(_one_statement())


class AsyncReader:
    """An asynchronous driver connection, read through ``await_`` inside ``greenlet_spawn``
    (so the one synchronous decision runs on the loop and yields to it at each read)."""

    __slots__ = ("connection",)

    def __init__(self, connection: Any) -> None:
        self.connection = connection


def _rows(raw: Any, dialect: Any, statement: Statement, values: dict[str, Any]) -> list[Any]:
    if isinstance(raw, AsyncReader):
        rows: list[Any] = await_(statement.rows_async(raw.connection, dialect, values))
        return rows
    return statement.rows(raw, dialect, values)


def _cache(engine: Engine, raw: Any) -> parties.VersionCache:
    """The engine's cache at the audit head read now (``parties.cache_at``)."""
    head = _rows(raw, engine.dialect, _HEAD, {})
    cache = parties.cache_at(engine, parties.version_of(head[0] if head else None))
    _last[engine] = cache
    return cache


# the cache of the last head a check on the engine saw (``CHECK`` confirms it or moves on)
_last: weakref.WeakKeyDictionary[Engine, parties.VersionCache] = weakref.WeakKeyDictionary()


def _party(engine: Engine, raw: Any, cache: parties.VersionCache, token: str | None) -> Party:
    """``parties.authenticate`` on the raw connection: only the read is this path's."""
    key_id, secret = parties.parse_key(token)
    if key_id not in cache.keys:
        rows = _rows(raw, engine.dialect, _KEY, {"key_id": key_id, "kind": parties.KIND})
        cache.keys[key_id] = rows[0] if rows else None
    values = parties.verify_key(cache.keys[key_id], secret)
    return Party(id=values["id"], activities=values["activities"], purposes=values["purposes"])


def _program(
    engine: Engine, raw: Any, cache: parties.VersionCache, program_id: str
) -> parties.ProgramView | None:
    if program_id not in cache.programs:
        rows = _rows(raw, engine.dialect, _PROGRAM, {"program_id": program_id})
        cache.programs[program_id] = parties.ProgramView(*rows[0]) if rows else None
    return cache.programs[program_id]


_Ask = tuple[str | None, str, str, str, Callable[[str], None]]


async def decide(
    engine: Engine,
    token: str | None,
    scheme: str,
    value: str,
    program_id: str,
    limit: Callable[[str], None],
) -> tuple[checks.Checked, bool] | None:
    """Authenticate, rate-limit (``limit`` raises), decide, on the running loop; None
    where the session path must decide instead (a program with ledger conditions, or a
    server store without an asynchronous driver). Raises what the session path raises,
    with the same messages. On SQLite the reads are local and run on the loop itself; on
    PostgreSQL (``on_loop``) on one of the loop's asynchronous connections, so no worker
    thread is held and the loop serves other requests while the statement is on the wire.
    The flag says whether the inquiry is already logged: on an in-memory store (one shared
    connection, which the group writer cannot reach) it is logged on this connection by
    ``inquirylog.write_on``, which commits it; elsewhere the caller logs it
    (``inquirylog.write_async``). Nothing here commits."""
    ask: _Ask = (token, scheme, value, program_id, limit)
    if engine.dialect.name == "sqlite":
        return _on_reader(engine, ask)
    if not on_loop(engine):
        return None
    checked = await _on_loop(engine, ask)
    return None if checked is None else (checked, False)


def on_loop(engine: Engine) -> bool:
    """Whether ``decide`` reads on the loop's own asynchronous connections (a PostgreSQL
    store through psycopg)."""
    return driver.asynchronous(engine)


def _on_reader(engine: Engine, ask: _Ask) -> tuple[checks.Checked, bool] | None:
    raw = engine.raw_connection()  # SQLite: the store's own pool, local reads
    try:
        checked = _decide(engine, raw, ask)
        if checked is None:
            return None
        return checked, inquirylog.write_on(engine, raw, checked.inquiry)
    except engine.dialect.loaded_dbapi.Error as error:
        if engine.dialect.is_disconnect(error, raw, None):
            raw.invalidate()  # the next check opens a fresh one
        raise
    finally:
        raw.close()


async def _on_loop(engine: Engine, ask: _Ask) -> checks.Checked | None:
    """``_decide`` on one of the loop's connections; read again once on a fresh connection
    if that one was broken (the server restarted, the backend was terminated: the idle ones
    went with it), taking the rate limit once. The reads are idempotent."""
    token, scheme, value, program_id, limit = ask
    taken: list[str] = []

    def once(party_id: str) -> None:
        if not taken:
            limit(party_id)
            taken.append(party_id)

    readers = _async_readers.of(engine)
    for last in (False, True):
        connection = await readers.take()
        keep = False
        try:
            reader = AsyncReader(connection)
            checked = await greenlet_spawn(
                _decide, engine, reader, (token, scheme, value, program_id, once)
            )
            keep = True
            return checked
        except engine.dialect.loaded_dbapi.Error:
            keep = not (connection.closed or connection.broken)  # a failed one is dropped
            if keep or last:
                raise
            await readers.close()  # the idle ones, likely broken alike
        except BaseException:
            keep = True
            raise
        finally:
            await readers.give(connection, keep)
    raise AssertionError("unreachable")


class AsyncReaders:
    """One event loop's asynchronous connections to a server store, in autocommit: at most
    the store pool's kept connections at once (the others wait on the loop), kept idle
    between checks; ``driver.close_loop`` closes them at the app's shutdown."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        size = engine.pool.size() if isinstance(engine.pool, QueuePool) else 5
        self._slots = asyncio.Semaphore(max(1, size))
        self._idle: list[Any] = []

    async def take(self) -> Any:
        await self._slots.acquire()
        try:
            if self._idle:
                return self._idle.pop()
            return await connect_async(self._engine, autocommit=True)
        except BaseException:
            self._slots.release()
            raise

    async def give(self, connection: Any, keep: bool) -> None:
        try:
            if keep and not connection.closed:
                self._idle.append(connection)
            else:
                await connection.close()
        finally:
            self._slots.release()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()

    def abandon(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            driver.abandon(connection)


_async_readers = driver.PerLoop(AsyncReaders)


class _Moved(Exception):
    """``CHECK`` read another audit head than the cache's: decide again at ``version``."""

    def __init__(self, version: tuple[int, str]) -> None:
        super().__init__(version)
        self.version = version


class _Unsettled(Exception):
    """The audit head moved ``MOVES`` times during one check (audited writes keep landing):
    the session path decides instead (``decide`` answers None)."""


MOVES = 3  # head moves a check follows before it leaves the decision to the session path


def _authorized(
    engine: Engine, raw: Any, cache: parties.VersionCache, token: str | None, program_id: str
) -> tuple[parties.VersionCache, Party, parties.ProgramView | None]:
    """The party and its program (None: not one of its active programs) from ``cache``; a
    refusal (raised, or no program) only once the head read now is the cache's."""
    for _ in range(MOVES):
        refusal: CredoError | None = None
        try:
            party = _party(engine, raw, cache, token)
            program = None
            if isinstance(program_id, str):
                program = _program(engine, raw, cache, program_id)
            if parties.is_own(program, party.id):
                return cache, party, program
        except CredoError as error:
            refusal = error
        now = _cache(engine, raw)
        if now.version == cache.version:
            if refusal is not None:
                raise refusal
            return cache, party, None
        cache = now
    raise _Unsettled


def _decide(engine: Engine, raw: Any, ask: _Ask) -> checks.Checked | None:
    """The check decided on ``raw``; None where the session path decides (``decide``)."""
    try:
        return _settled(engine, raw, *ask)
    except _Unsettled:
        return None


def _settled(
    engine: Engine,
    raw: Any,
    token: str | None,
    scheme: str,
    value: str,
    program_id: str,
    limit: Callable[[str], None],
) -> checks.Checked | None:
    cache = _last.get(engine) or _cache(engine, raw)
    limited = False
    for _ in range(MOVES):
        cache, party, program = _authorized(engine, raw, cache, token, program_id)
        if program is not None and rules.needs(program.conditions).ledgers:
            return None  # before the rate limit: the session path takes its own token
        if program is None:  # confirmed at the head; charged, as the session path charges
            if not limited:
                limit(party.id)
            raise parties.no_program(program_id)
        if not limited:  # once: a check decided again does not take it again
            try:
                limit(party.id)
            except Exception as refusal:  # the rate limit's (429)
                _refuse(engine, raw, cache, token, program_id, refusal)
            limited = True
        try:
            checked = _at_head(engine, raw, cache.version, party, program, scheme, value)
        except _Moved as moved:  # decided again at the new head
            cache = parties.cache_at(engine, moved.version)
            _last[engine] = cache
            continue
        except _Early as early:
            _refuse(engine, raw, cache, token, program_id, early.refusal)
        _last[engine] = cache
        return checked
    raise _Unsettled


def _refuse(
    engine: Engine,
    raw: Any,
    cache: parties.VersionCache,
    token: str | None,
    program_id: str,
    refusal: BaseException,
) -> NoReturn:
    """A refusal made before ``CHECK`` read the head (the rate limit, an invalid
    identifier) rests on the cache alone, so it is a cache refusal: it stands once the head
    read now is the cache's; at another head the key and the program are authorized again
    first, so a key revoked (a party or program ended) since is refused as such (401, 404),
    as the session path refuses it. One more round trip, on such refusals only."""
    now = _cache(engine, raw)
    if now.version != cache.version:
        _, _, program = _authorized(engine, raw, now, token, program_id)
        if program is None:
            raise parties.no_program(program_id)
    raise refusal


class _Early(Exception):
    """The decision refused before ``CHECK`` ran (``refusal``): see ``_refuse``."""

    def __init__(self, refusal: CredoError) -> None:
        super().__init__(refusal)
        self.refusal = refusal


def _at_head(
    engine: Engine,
    raw: Any,
    version: tuple[int, str],
    party: Party,
    program: parties.ProgramView,
    scheme: str,
    value: str,
) -> checks.Checked:
    """The decision on ``CHECK``'s one read, if it read the head ``version`` (else _Moved)."""
    read: list[Any] = []

    def gate(params: dict[str, Any]) -> tuple[int, str | None]:
        rows = _rows(raw, engine.dialect, CHECK, {**params, "on": params["today"]})
        head = parties.version_of(rows[0][:2] if rows[0][0] is not None else None)
        if head != version:
            raise _Moved(head)
        read.extend(rows)
        return rows[0][2], rows[0][3]

    def facts(subject_id: int, _on: dt.date) -> tuple[int | None, tuple[str, ...]]:
        assert read and read[0][2] == subject_id, "the facts are read for the gate's subject"
        return checks.facts_of([row[4:] for row in read])

    try:
        return checks.decide_eligibility_from(
            party=party,
            program=program,
            scheme=scheme,
            value=value,
            gate=gate,
            facts=facts,
            grade=_no_grades,
        )
    except CredoError as refusal:
        if not read:  # refused before the one read (an invalid identifier)
            raise _Early(refusal) from refusal
        raise


def _no_grades(_subject_id: int, _scheme: str, _on: dt.date) -> str | None:
    raise AssertionError("programs with ledger conditions take the session path")
