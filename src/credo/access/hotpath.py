"""An eligibility check on the DBAPI connection: the same decision, without the ORM.

Through a ``Session`` and Core, a check's SQLAlchemy work (the unit of work, four statement
executions, an ORM party built per request) cost about three times the reads themselves.
Here the statements are compiled once per dialect and run on a pooled DBAPI connection;
the party's key and the programs are cached by the audit head as ``parties`` caches them
(every change to a party, a key or a program appends an audit event, so a cache read at
head N is what the store held at N; the head is read on every check). The decision is
``checks.decide_eligibility_from``'s, so both paths decide alike; programs with ledger
conditions take the session path (``decide`` answers None).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import QueuePool

from credo.access import checks, inquirylog, parties, rules
from credo.access.driver import Statement


@dataclass(frozen=True)
class Party:
    """What a check needs of a relying party (immutable, shared between requests)."""

    id: str
    activities: list[str]
    purposes: list[str]


_HEAD = Statement(parties.HEAD)
_KEY = Statement(parties.KEY)
_PROGRAM = Statement(parties.PROGRAM)
_GATE = Statement(checks.GATE)
_FACTS = Statement(checks.FACTS)


def _cache(engine: Engine, raw: Any) -> parties.VersionCache:
    """The engine's cache at the audit head read now (``parties.cache_at``)."""
    head = _HEAD.rows(raw, engine.dialect, {})
    return parties.cache_at(engine, parties.version_of(head[0] if head else None))


def _party(engine: Engine, raw: Any, cache: parties.VersionCache, token: str | None) -> Party:
    """``parties.authenticate`` on the raw connection: only the read is this path's."""
    key_id, secret = parties.parse_key(token)
    if key_id not in cache.keys:
        rows = _KEY.rows(raw, engine.dialect, {"key_id": key_id, "kind": parties.KIND})
        cache.keys[key_id] = rows[0] if rows else None
    values = parties.verify_key(cache.keys[key_id], secret)
    return Party(id=values["id"], activities=values["activities"], purposes=values["purposes"])


def _program(
    engine: Engine, raw: Any, cache: parties.VersionCache, program_id: str
) -> parties.ProgramView | None:
    if program_id not in cache.programs:
        rows = _PROGRAM.rows(raw, engine.dialect, {"program_id": program_id})
        cache.programs[program_id] = parties.ProgramView(*rows[0]) if rows else None
    return cache.programs[program_id]


def decide(
    engine: Engine,
    token: str | None,
    scheme: str,
    value: str,
    program_id: str,
    limit: Callable[[str], None],
) -> tuple[checks.Checked, bool] | None:
    """Authenticate, rate-limit (``limit`` raises), decide; None where the session path
    must decide instead (a program with ledger conditions). Raises what the session path
    raises, with the same messages. The flag says whether the inquiry is already logged:
    on an in-memory store (one shared connection, which the group writer cannot reach) it
    is logged on this connection by ``inquirylog.write_on``, which commits it; elsewhere the
    caller logs it (``inquirylog.write_async``). Nothing here commits."""
    raw = _reader(engine).raw_connection()
    try:
        checked = _decide(engine, raw, token, scheme, value, program_id, limit)
        if checked is None:
            return None
        return checked, inquirylog.write_on(engine, raw, checked.inquiry)
    except engine.dialect.loaded_dbapi.Error as error:
        if engine.dialect.is_disconnect(error, raw, None):
            raw.invalidate()  # the next check opens a fresh one
        raise
    finally:
        raw.close()


_readers: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_readers_lock = threading.Lock()


def _reader(engine: Engine) -> Engine:
    """Where the hot path reads: the store's own pool on SQLite; on a server store a pool of
    its own in autocommit, without the pre-ping (a check's reads need no transaction, and
    the ping and the rollback on return were two of its five round trips). A connection
    that has gone bad fails one check and is dropped (``decide``)."""
    if engine.dialect.name == "sqlite":
        return engine
    reader = _readers.get(engine)
    if reader is None:
        with _readers_lock:
            reader = _readers.get(engine)
            if reader is None:
                size = engine.pool.size() if isinstance(engine.pool, QueuePool) else 5
                reader = _readers[engine] = create_engine(
                    engine.url,
                    isolation_level="AUTOCOMMIT",
                    pool_size=max(1, size),
                    max_overflow=size,
                    pool_pre_ping=False,
                )
    return reader


def _decide(
    engine: Engine,
    raw: Any,
    token: str | None,
    scheme: str,
    value: str,
    program_id: str,
    limit: Callable[[str], None],
) -> checks.Checked | None:
    cache = _cache(engine, raw)
    party = _party(engine, raw, cache, token)
    program = _program(engine, raw, cache, program_id) if isinstance(program_id, str) else None
    found = parties.is_own(program, party.id)
    if found and program is not None and rules.needs(program.conditions).ledgers:
        return None  # before the rate limit: the session path takes its own token
    limit(party.id)
    if not found or program is None:
        raise parties.no_program(program_id)
    dialect = engine.dialect

    def gate(params: dict[str, Any]) -> tuple[int, str | None]:
        sid, consent = _GATE.rows(raw, dialect, params)[0]
        return sid, consent

    def facts(subject_id: int, on: dt.date) -> tuple[int | None, tuple[str, ...]]:
        return checks.facts_of(_FACTS.rows(raw, dialect, {"sid": subject_id, "on": on}))

    return checks.decide_eligibility_from(
        party=party,
        program=program,
        scheme=scheme,
        value=value,
        gate=gate,
        facts=facts,
        grade=_no_grades,
    )


def _no_grades(_subject_id: int, _scheme: str, _on: dt.date) -> str | None:
    raise AssertionError("programs with ledger conditions take the session path")

