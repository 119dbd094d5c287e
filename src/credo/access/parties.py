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
from credo.core import audit, clock, credentials
from credo.core.audit import AuditHead
from credo.core.credentials import Credential
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
    name = name.strip()
    if not name:
        raise InvalidInput("party name is empty", details=[{"field": "name", "value": name}])
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
# is cached per engine and dropped whenever the audit chain's head moves: every change to a
# party, a key or a program appends an audit event in its own transaction, so a cache read
# at head N is exactly what the store held at N. Reading the head is one primary-key row;
# its hash as well as its number is the version, so a store emptied and refilled to the
# same length (tests, a restore) is not mistaken for the one cached.
_PARTY_COLUMNS = [c.key for c in RelyingParty.__table__.columns]
_head = AuditHead.__table__
_HEAD = select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)
_VERSION_KEY = "credo.access.version"


@dataclass(frozen=True)
class ProgramView:
    """A program as checks need it (immutable, safe to share between requests)."""

    id: str
    party_id: str
    purpose: str
    conditions: list[dict[str, Any]]
    active: bool


@dataclass
class _Cache:
    version: tuple[int, str] = (-1, "")
    parties: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    programs: dict[str, ProgramView | None] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_caches: weakref.WeakKeyDictionary[Engine, _Cache] = weakref.WeakKeyDictionary()


def _cache(session: Session) -> _Cache:
    """This engine's cache, emptied if the audit head moved since it was filled."""
    version = session.info.get(_VERSION_KEY)
    if version is None:  # once per unit of work
        head = session.connection().execute(_HEAD).first()
        version = (head.seq, head.hash) if head is not None else (0, "")
        session.info[_VERSION_KEY] = version
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    cache = _caches.get(engine)
    if cache is None:
        cache = _caches.setdefault(engine, _Cache())
    if cache.version != version:
        with cache.lock:
            if cache.version != version:
                cache.parties, cache.programs = {}, {}
                cache.version = version
    return cache


_PARTY = select(
    Credential.secret_hash,
    Credential.expires_at,
    Credential.revoked_at,
    *[c for c in RelyingParty.__table__.columns],
).join(RelyingParty, RelyingParty.id == Credential.holder).where(
    Credential.id == bindparam("key_id"), Credential.kind == bindparam("kind")
)
_DUMMY_HASH = credentials.digest("no such key")


def authenticate(*, session: Session, token: str) -> RelyingParty:
    """The active relying party a live key belongs to, or Unauthenticated.

    The party and its key come from the cache (a fresh, unattached copy each call); the
    presented secret is compared with the stored hash every time, in constant time, and
    expiry is judged against the clock every time.
    """
    kind = KIND
    parsed = credentials.parse(token, kind) if isinstance(token, str) else None
    if parsed is None:
        raise Unauthenticated(f"the {credentials.LABELS[kind]} is missing, unknown or revoked")
    key_id, secret = parsed
    cache = _cache(session)
    if key_id not in cache.parties:
        row = session.connection().execute(_PARTY, {"key_id": key_id, "kind": kind}).first()
        cache.parties[key_id] = None if row is None else dict(row._mapping)
    values = cache.parties[key_id]
    stored = values["secret_hash"] if values is not None else _DUMMY_HASH
    matches = hmac.compare_digest(credentials.digest(secret), stored)
    if values is None or not matches or values["revoked_at"] is not None or not values["active"]:
        raise Unauthenticated(f"the {credentials.LABELS[kind]} is missing, unknown or revoked")
    expires = values["expires_at"]
    if expires is not None and expires.replace(tzinfo=expires.tzinfo or dt.UTC) <= clock.now():
        raise Unauthenticated(f"the {credentials.LABELS[kind]} is expired")
    return RelyingParty(**{k: values[k] for k in _PARTY_COLUMNS})


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
    name, benefit = name.strip(), benefit.strip()
    if not name:
        raise InvalidInput("program name is empty", details=[{"field": "name", "value": name}])
    if not benefit:
        raise InvalidInput(
            "program benefit is empty", details=[{"field": "benefit", "value": benefit}]
        )
    if purpose not in rules.PURPOSES:
        raise InvalidInput(
            f"purpose {purpose!r} is not one of {', '.join(rules.PURPOSES)}",
            details=[{"field": "purpose", "value": purpose}],
        )
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
        raise NotFound(
            f"no program {program_id!r}", details=[{"field": "program", "value": program_id}]
        )
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
        raise NotFound(
            f"no program {program_id!r}", details=[{"field": "program", "value": program_id}]
        )
    cache = _cache(session)
    if program_id not in cache.programs:
        row = session.execute(
            select(Program.__table__).where(Program.id == program_id)
        ).first()
        cache.programs[program_id] = (
            None
            if row is None
            else ProgramView(
                id=row.id,
                party_id=row.party_id,
                purpose=row.purpose,
                conditions=row.conditions,
                active=row.active,
            )
        )
    program = cache.programs[program_id]
    if program is None or not program.active or program.party_id != party_id:
        raise NotFound(
            f"no program {program_id!r}", details=[{"field": "program", "value": program_id}]
        )
    return program
