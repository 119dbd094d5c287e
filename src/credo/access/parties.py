"""Relying parties and their programs: register, authenticate, define benefits and rules."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session

from credo.access import rules
from credo.access.events import PartyAdded, ProgramAdded
from credo.access.models import Program, RelyingParty
from credo.core import audit, clock, credentials, decisions
from credo.core.audit import AuditHead
from credo.core.credentials import Credential
from credo.core.types import free_text
from credo.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated

KIND = "relying_party"
KEY_PREFIX = credentials.KINDS[KIND]


def add(
    *,
    session: Session,
    name: str,
    activities: list[str],
    purposes: list[str],
    actor: str = "operator",
) -> tuple[RelyingParty, str]:
    """Register a relying party; returns it with its API key (shown once, stored hashed)."""
    name = free_text(name, field="name", most=rules.NAME_MAX)
    checked_activities = rules.check_choices("activities", activities, rules.ACTIVITIES)
    checked_purposes = rules.check_choices("purposes", purposes, rules.PURPOSES)
    if not checked_activities and not checked_purposes:
        raise InvalidInput(
            "a relying party needs at least one activity or purpose",
            details=[{"field": "purposes", "value": purposes}],
        )
    party = RelyingParty(name=name, activities=checked_activities, purposes=checked_purposes)
    key = credentials.register_holder(
        session=session,
        kind=KIND,
        holder=party,
        event=lambda party_id: PartyAdded(party_id, name, checked_activities, checked_purposes),
        actor=actor,
    )
    return party, key


def list_all(*, session: Session) -> list[RelyingParty]:
    return list(session.execute(select(RelyingParty).order_by(RelyingParty.created_at)).scalars())


def get(*, session: Session, party_id: str) -> RelyingParty:
    return credentials.get_holder(session=session, model=RelyingParty, holder_id=party_id)


# What checks read on every request and what changes rarely (parties, their keys, programs)
# is cached per engine at the audit chain's head: every change to a party, a key or a
# program appends an audit event in its own transaction, so a row read after the head was
# read at N is at least as new as N. Reading the head is one primary-key row; its hash as
# well as its number is the version, so a store emptied and refilled to the same length
# (tests, a restore) is not mistaken for the one cached. Both check paths (``authenticate``
# and ``program_view`` here, ``hotpath`` on the DBAPI connection) share these statements,
# this cache and the checks below; each supplies only its reads.
_PARTY_COLUMNS = [c.key for c in RelyingParty.__table__.columns]
_head = AuditHead.__table__
HEAD = select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)
KEY = select(
    Credential.secret_hash,
    Credential.expires_at,
    Credential.revoked_at,
    *[c for c in RelyingParty.__table__.columns],
).join(RelyingParty, RelyingParty.id == Credential.holder).where(
    Credential.id == bindparam("key_id"), Credential.kind == bindparam("kind")
)
PROGRAM = select(
    Program.id, Program.party_id, Program.purpose, Program.conditions, Program.active
).where(Program.id == bindparam("program_id"))
_VERSION_KEY = "credo.access.version"
_DUMMY_HASH = credentials.digest("no such key")
_UNKNOWN = f"the {credentials.LABELS[KIND]} is missing, unknown or revoked"
_ACTIVE = 3 + _PARTY_COLUMNS.index("active")


@dataclass(frozen=True)
class ProgramView:
    """A program as checks need it (immutable, safe to share between requests)."""

    id: str
    party_id: str
    purpose: str
    conditions: list[dict[str, Any]]
    active: bool


@dataclass
class VersionCache:
    """One engine's key rows (``KEY``'s) and programs at one audit head. Never emptied:
    when the head moves ``cache_at`` replaces the whole object, so a row read before the
    move and stored late lands in an object no later check reads."""

    version: tuple[int, str]
    keys: dict[str, tuple[Any, ...] | None] = field(default_factory=dict)
    programs: dict[str, ProgramView | None] = field(default_factory=dict)


_caches: weakref.WeakKeyDictionary[Engine, VersionCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_at(engine: Engine, version: tuple[int, str]) -> VersionCache:
    """The engine's cache for the head ``version`` (a new, empty one if it was another)."""
    cache = _caches.get(engine)
    if cache is None or cache.version != version:
        with _caches_lock:
            cache = _caches.get(engine)
            if cache is None or cache.version != version:
                cache = _caches[engine] = VersionCache(version)
    return cache


def version_of(head: Any) -> tuple[int, str]:
    """``HEAD``'s row (or None, an empty store) as a cache version."""
    return (head[0], head[1]) if head is not None else (0, "")


def _cache(session: Session) -> VersionCache:
    version = session.info.get(_VERSION_KEY)
    if version is None:  # once per unit of work
        version = version_of(session.connection().execute(HEAD).first())
        session.info[_VERSION_KEY] = version
    bind = session.get_bind()
    return cache_at(bind if isinstance(bind, Engine) else bind.engine, version)


def parse_key(token: object) -> tuple[str, str]:
    """A presented key as its id and secret, or Unauthenticated."""
    parsed = credentials.parse(token, KIND) if isinstance(token, str) else None
    if parsed is None:
        raise Unauthenticated(_UNKNOWN)
    return parsed


def verify_key(row: tuple[Any, ...] | None, secret: str) -> dict[str, Any]:
    """The party's columns if ``row`` (``KEY``'s, None for no such key) is a live key of an
    active party matching ``secret``, else Unauthenticated. The secret is compared with a
    hash in constant time even for an unknown key; expiry is judged against the clock."""
    matches = hmac.compare_digest(credentials.digest(secret), row[0] if row else _DUMMY_HASH)
    if row is None or not matches or row[2] is not None or not row[_ACTIVE]:
        raise Unauthenticated(_UNKNOWN)
    expires = row[1]
    if expires is not None and expires.replace(tzinfo=expires.tzinfo or dt.UTC) <= clock.now():
        raise Unauthenticated(f"the {credentials.LABELS[KIND]} is expired")
    return dict(zip(_PARTY_COLUMNS, row[3:], strict=True))


def is_own(program: ProgramView | Program | None, party_id: str) -> bool:
    """Whether ``program`` is an active program of the party (checks see nothing else)."""
    return program is not None and program.active and program.party_id == party_id


def no_program(program_id: object) -> NotFound:
    """The one answer for a program that is missing, inactive or another party's."""
    return NotFound(
        f"no program {program_id!r}", details=[{"field": "program", "value": program_id}]
    )


def authenticate(*, session: Session, token: str) -> RelyingParty:
    """The active relying party a live key belongs to, or Unauthenticated.

    The key row comes from the cache (the party a fresh, unattached copy each call); the
    presented secret is checked every time (``verify_key``).
    """
    key_id, secret = parse_key(token)
    cache = _cache(session)
    if key_id not in cache.keys:
        row = session.connection().execute(KEY, {"key_id": key_id, "kind": KIND}).first()
        cache.keys[key_id] = None if row is None else tuple(row)
    return RelyingParty(**verify_key(cache.keys[key_id], secret))


def issue_key(*, session: Session, party_id: str, actor: str = "operator") -> str:
    """Another key for an existing relying party (to rotate: issue, switch, revoke the old)."""
    party = get(session=session, party_id=party_id)
    return credentials.issue(session=session, kind=KIND, holder=party.id, actor=actor).text


def add_program(
    *,
    session: Session,
    party: RelyingParty,
    name: str,
    purpose: str,
    benefit: str,
    conditions: object,
    actor: str | None = None,
) -> Program:
    """Define a program for a party: its benefit and all-of conditions, validated as data."""
    name = free_text(name, field="name", most=rules.NAME_MAX)
    benefit = free_text(benefit, field="benefit", most=rules.BENEFIT_MAX)
    decisions.one_of(purpose, rules.PURPOSES, field="purpose")
    if purpose not in party.purposes:
        raise Forbidden(
            f"this relying party is not registered for purpose {purpose!r}",
            details=[{"field": "purpose", "value": purpose}],
        )
    checked = rules.validate_conditions(conditions)
    taken = session.execute(
        select(Program.id).where(Program.party_id == party.id, Program.name == name)
    ).first()
    if taken:
        raise Conflict(
            f"this party already has a program named {name!r}",
            details=[{"field": "name", "value": name}],
        )
    program = Program(
        id="prg_" + secrets.token_hex(6),
        party_id=party.id,
        name=name,
        purpose=purpose,
        benefit=benefit,
        conditions=checked,
        active=True,
        created_at=clock.now(),
    )
    session.add(program)
    session.flush()
    event = ProgramAdded(program.id, party.id, name, purpose, checked)
    audit.append(session, event, actor=actor or f"party:{party.id}")
    return program


def get_program(*, session: Session, program_id: str, party_id: str | None = None) -> Program:
    """A program; with ``party_id``, only that party's (anything else is NotFound alike)."""
    program = session.get(Program, program_id) if isinstance(program_id, str) else None
    if program is None or not program.active or (party_id and program.party_id != party_id):
        raise no_program(program_id)
    return program


def programs_of(*, session: Session, party_id: str) -> list[Program]:
    return list(
        session.execute(
            select(Program).where(Program.party_id == party_id).order_by(Program.created_at)
        ).scalars()
    )


def program_view(*, session: Session, program_id: str, party_id: str) -> ProgramView:
    """A party's active program, from the cache; anything else is NotFound alike."""
    if not isinstance(program_id, str):
        raise no_program(program_id)
    cache = _cache(session)
    if program_id not in cache.programs:
        row = session.execute(PROGRAM, {"program_id": program_id}).first()
        cache.programs[program_id] = None if row is None else ProgramView(*row)
    program = cache.programs[program_id]
    if program is None or not is_own(program, party_id):
        raise no_program(program_id)
    return program
