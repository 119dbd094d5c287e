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
import hmac
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, select
from sqlalchemy.pool import QueuePool, StaticPool

from credo.access import checks, inquirylog, parties, rules
from credo.access.driver import Statement
from credo.access.models import Program, RelyingParty
from credo.core import clock, credentials
from credo.core.audit import AuditHead
from credo.core.credentials import Credential
from credo.errors import NotFound, Unauthenticated


@dataclass(frozen=True)
class Party:
    """What a check needs of a relying party (immutable, shared between requests)."""

    id: str
    activities: list[str]
    purposes: list[str]


_head = AuditHead.__table__
_HEAD = Statement(select(_head.c.seq, _head.c.hash).where(_head.c.id == 1))
_KEY = Statement(
    select(
        Credential.secret_hash,
        Credential.expires_at,
        Credential.revoked_at,
        RelyingParty.id,
        RelyingParty.activities,
        RelyingParty.purposes,
        RelyingParty.active,
    )
    .join(RelyingParty, RelyingParty.id == Credential.holder)
    .where(Credential.id == bindparam("key_id"), Credential.kind == bindparam("kind"))
)
_PROGRAM = Statement(
    select(Program.id, Program.party_id, Program.purpose, Program.conditions, Program.active)
    .where(Program.id == bindparam("program_id"))
)
_GATE = Statement(checks._GATE)
_FACTS = Statement(checks._FACTS)
_DUMMY_HASH = credentials.digest("no such key")
_UNKNOWN = f"the {credentials.LABELS[parties.KIND]} is missing, unknown or revoked"


@dataclass
class _Cache:
    version: tuple[int, str] = (-1, "")
    keys: dict[str, tuple[Any, ...] | None] = field(default_factory=dict)
    programs: dict[str, parties.ProgramView | None] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_caches: weakref.WeakKeyDictionary[Engine, _Cache] = weakref.WeakKeyDictionary()


def _cache(engine: Engine, raw: Any) -> _Cache:
    """The engine's cache, emptied if the audit head moved since it was filled."""
    head = _HEAD.rows(raw, engine.dialect, {})
    version = (head[0][0], head[0][1]) if head else (0, "")
    cache = _caches.get(engine)
    if cache is None:
        cache = _caches.setdefault(engine, _Cache())
    if cache.version != version:
        with cache.lock:
            if cache.version != version:
                cache.keys, cache.programs = {}, {}
                cache.version = version
    return cache


def _party(engine: Engine, raw: Any, cache: _Cache, token: str | None) -> Party:
    """``parties.authenticate`` on the cache: the secret compared every time in constant
    time, expiry judged against the clock every time."""
    parsed = credentials.parse(token, parties.KIND) if isinstance(token, str) else None
    if parsed is None:
        raise Unauthenticated(_UNKNOWN)
    key_id, secret = parsed
    if key_id not in cache.keys:
        rows = _KEY.rows(raw, engine.dialect, {"key_id": key_id, "kind": parties.KIND})
        cache.keys[key_id] = rows[0] if rows else None
    row = cache.keys[key_id]
    matches = hmac.compare_digest(credentials.digest(secret), row[0] if row else _DUMMY_HASH)
    if row is None or not matches or row[2] is not None or not row[6]:
        raise Unauthenticated(_UNKNOWN)
    expires = row[1]
    if expires is not None and expires.replace(tzinfo=expires.tzinfo or dt.UTC) <= clock.now():
        raise Unauthenticated(f"the {credentials.LABELS[parties.KIND]} is expired")
    return Party(id=row[3], activities=row[4], purposes=row[5])


def _program(
    engine: Engine, raw: Any, cache: _Cache, program_id: str
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
    is inserted and committed here; elsewhere the caller logs it (``inquirylog``)."""
    raw = _reader(engine).raw_connection()
    try:
        checked = _decide(engine, raw, token, scheme, value, program_id, limit)
        if checked is None or not isinstance(engine.pool, StaticPool):
            return None if checked is None else (checked, False)
        inquirylog.INSERT.rows(raw, engine.dialect, checked.inquiry)
        raw.commit()
        return checked, True
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
    found = program is not None and program.active and program.party_id == party.id
    if found and program is not None and rules.needs(program.conditions).ledgers:
        return None  # before the rate limit: the session path takes its own token
    limit(party.id)
    if not found or program is None:
        raise NotFound(
            f"no program {program_id!r}", details=[{"field": "program", "value": program_id}]
        )
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

