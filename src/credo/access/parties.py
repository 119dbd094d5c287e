"""Relying parties and their programs: register, authenticate, define benefits and rules."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.access import rules
from credo.access.events import PartyAdded, ProgramAdded
from credo.access.models import Program, RelyingParty
from credo.core import audit, clock, credentials
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
    if session.execute(select(RelyingParty.id).where(RelyingParty.name == name)).first():
        raise Conflict(
            f"a relying party named {name!r} exists", details=[{"field": "name", "value": name}]
        )
    party = RelyingParty(
        id="rp_" + secrets.token_hex(6),
        name=name,
        activities=checked_activities,
        purposes=checked_purposes,
        active=True,
        created_at=clock.now(),
    )
    session.add(party)
    session.flush()
    event = PartyAdded(party.id, name, checked_activities, checked_purposes)
    audit.append(session, event, actor=actor)
    key = credentials.issue(session=session, kind=KIND, holder=party.id, actor=actor)
    return party, key.text


def list_all(*, session: Session) -> list[RelyingParty]:
    return list(session.execute(select(RelyingParty).order_by(RelyingParty.created_at)).scalars())


def get(*, session: Session, party_id: str) -> RelyingParty:
    party = session.get(RelyingParty, party_id)
    if party is None:
        raise NotFound(
            f"relying party {party_id!r} does not exist",
            details=[{"field": "party", "value": party_id}],
        )
    return party


def authenticate(*, session: Session, token: str) -> RelyingParty:
    """The active relying party a live key belongs to, or Unauthenticated."""
    credential = credentials.verify(session=session, kind=KIND, token=token)
    party = session.get(RelyingParty, credential.holder)
    if party is None or not party.active:
        raise Unauthenticated("the relying-party key is missing, unknown or revoked")
    return party


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
