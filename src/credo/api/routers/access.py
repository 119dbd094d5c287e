"""Relying-party and subject endpoints of the access domain: programs, checks, consents."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from credo.access import checks, consents, hotpath, inquirylog, parties, rules
from credo.access.models import Consent, Program, RelyingParty
from credo.access.ratelimit import Limiter, held, retry_after
from credo.access.schemas import (
    ConsentIn,
    ConsentList,
    ConsentOut,
    EligibilityIn,
    EligibilityOut,
    ProgramIn,
    ProgramList,
    ProgramOut,
    RestrictionIn,
    RestrictionOut,
)
from credo.api.deps import SessionDep, SubjectDep, bearer
from credo.api.schemas import ERROR_RESPONSES, ErrorBody
from credo.core import clock
from credo.errors import Unauthenticated
from credo.web.deps import unit_of_work

RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorBody, "description": "Too many requests for this key; see Retry-After"}
}
party_router = APIRouter(
    prefix="/v1", tags=["relying party"], responses={**ERROR_RESPONSES, **RATE_LIMITED}
)
me_router = APIRouter(prefix="/v1/me", tags=["subject"], responses=ERROR_RESPONSES)


def limiter(state: Any) -> Limiter:
    """The per-key token buckets every process of this store shares (CREDO_PARTY_RATE/_BURST)."""
    settings = state.settings
    return held(state, "access_limiter", settings.party_rate, settings.party_burst)


def _authorize(
    state: Any, session: Session, token: str | None, limit: Callable[[str], None] | None = None
) -> RelyingParty:
    """The relying party a key names, within its rate (``limit``, ``_limit`` by default);
    other roles' credentials are 401."""
    if not token:
        raise Unauthenticated("an Authorization: Bearer relying-party key is required")
    party = parties.authenticate(session=session, token=token)
    if limit is None:
        _limit(state, party.id)
    else:
        limit(party.id)
    return party


def _limit(state: Any, party_id: str) -> None:
    """Spend one of the party's tokens, or refuse with 429 and Retry-After."""
    wait = limiter(state).take(party_id)
    if wait:
        raise HTTPException(
            429,
            f"rate limit for this key exceeded; retry in {retry_after(wait)} s",
            headers={"Retry-After": retry_after(wait)},
        )


def _bearer(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """The presented token of a ``Bearer`` credential (None for anything else)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        return None
    return credentials.credentials or None


def get_party(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> RelyingParty:
    """The relying party a key names, within its rate; other roles' credentials are 401."""
    return _authorize(request.app.state, session, _bearer(credentials))


Decide = Callable[[Session, RelyingParty], checks.Checked]


def _decide(
    state: Any, token: str | None, decide: Decide, limit: Callable[[str], None] | None = None
) -> tuple[checks.Checked, bool]:
    """A check's unit of work in one call (as ``get_session``: one commit after success, a
    rollback on error): authentication and rate limit, the decision, and its inquiry when
    it must be written in this unit (``inquirylog.in_session``; the flag says so). The
    session's connection is taken and given back within this call, so a request never
    holds one while it waits for a thread (that starved the pool, docs/access.md)."""
    with unit_of_work(state.factory) as session:
        checked = decide(session, _authorize(state, session, token, limit))
        logged = inquirylog.in_session(session)
        if logged:
            inquirylog.write(session, checked.inquiry)
    return checked, logged


def _slots(state: Any) -> asyncio.Semaphore:
    """How many session-path checks may hold a store connection at once on a server store
    (``_session_checks``). The rest wait on the loop, holding neither a thread nor a
    connection (more at once only opened and closed overflow connections, about a third of
    a check's CPU on PostgreSQL)."""
    slots: asyncio.Semaphore | None = getattr(state, "check_slots", None)
    if slots is None:
        slots = state.check_slots = asyncio.Semaphore(_session_checks(state.engine))
    return slots


def _session_checks(engine: Any) -> int:
    """The pool's kept connections; half of them where eligibility checks read on the
    loop's own connections (``hotpath.on_loop``: only restriction checks and programs with
    ledger conditions take the pool there)."""
    pool = engine.pool
    kept = max(1, pool.size()) if isinstance(pool, QueuePool) else 8
    return max(1, kept // 2) if hotpath.on_loop(engine) else kept


def reserved(engine: Any) -> int:
    """Store connections of the engine's pool held outside the app's admission
    (``api/admission.py``): one on the event loop (a check on SQLite, the public 304 path),
    and the session-path checks' ``_slots`` on a server store. Eligibility checks on the
    loop (``hotpath.on_loop``) read and log on connections of their own, outside the pool
    (docs/access.md, connections per worker)."""
    return 1 if engine.dialect.name == "sqlite" else 1 + _session_checks(engine)


async def _answer(
    state: Any,
    work: Callable[[], tuple[checks.Checked, bool]],
    decided: tuple[checks.Checked, bool] | None = None,
) -> checks.Decision:
    """Answer ``decided`` (an eligibility check ``hotpath.decide`` made on the loop: on
    SQLite on the pool's connection, on PostgreSQL through psycopg on the loop's own
    asynchronous connections), or decide with ``work`` on the session path (restriction
    checks, programs with ledger conditions, another server driver): on SQLite on the loop
    itself (a few local indexed reads), on a server store in a worker thread, since a round
    trip over the network must not stall the loop, and no more at once than ``_slots``.
    Then answer once the inquiry is durable: awaited on the loop, grouped with concurrent
    ones, so no thread waits for the commit."""
    engine = state.engine
    if decided is not None:  # already decided on the loop (``hotpath.decide``)
        checked, logged = decided
    elif engine.dialect.name == "sqlite":
        checked, logged = work()
    else:
        async with _slots(state):
            checked, logged = await run_in_threadpool(work)
    if not logged:
        await inquirylog.write_async(engine, checked.inquiry)
    return checked.decision


PartyDep = Annotated[RelyingParty, Depends(get_party)]


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive UTC; answer aware datetimes on every store."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def _program_out(program: Program) -> ProgramOut:
    return ProgramOut(
        id=program.id,
        name=program.name,
        purpose=program.purpose,
        benefit=program.benefit,
        conditions=program.conditions,
        created_at=_utc(program.created_at),
    )


@party_router.post(
    "/programs",
    response_model=ProgramOut,
    status_code=201,
    summary="Define a program: a benefit and its all-of conditions",
)
def create_program(body: ProgramIn, party: PartyDep, session: SessionDep) -> ProgramOut:
    """Conditions are data (no code): unknown names, lists, grades or scores outside 350–950
    are refused naming the field and the value."""
    program = parties.add_program(
        session=session,
        party=party,
        name=body.name,
        purpose=body.purpose,
        benefit=body.benefit,
        conditions=body.conditions,
    )
    return _program_out(program)


@party_router.get("/programs", response_model=ProgramList, summary="Your programs")
def list_programs(party: PartyDep, session: SessionDep) -> ProgramList:
    return ProgramList(
        programs=[_program_out(p) for p in parties.programs_of(session=session, party_id=party.id)]
    )


@party_router.get(
    "/programs/{program_id}",
    response_model=ProgramOut,
    summary="One of your programs",
)
def read_program(program_id: str, party: PartyDep, session: SessionDep) -> ProgramOut:
    program = parties.get_program(session=session, program_id=program_id, party_id=party.id)
    return _program_out(program)


@party_router.post(
    "/checks/eligibility",
    response_model=EligibilityOut,
    summary="Is this subject eligible for your program? (needs the subject's consent)",
)
async def check_eligibility(
    body: EligibilityIn,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> EligibilityOut:
    """The answer and a reason category, never the score or the file; logged as an inquiry."""
    return await answer_eligibility(request.app.state, _bearer(credentials), body)


async def answer_eligibility(state: Any, token: str | None, body: EligibilityIn) -> EligibilityOut:
    scheme, value, program = body.subject.scheme, body.subject.id, body.program

    def decide(session: Session, party: RelyingParty) -> checks.Checked:
        return checks.decide_eligibility(
            session=session, party=party, scheme=scheme, value=value, program_id=program
        )

    taken: list[str] = []

    def limit(party_id: str) -> None:  # once a check, whichever path decides it
        if party_id not in taken:
            _limit(state, party_id)
            taken.append(party_id)

    def work() -> tuple[checks.Checked, bool]:
        if not token:
            raise Unauthenticated("an Authorization: Bearer relying-party key is required")
        return _decide(state, token, decide, limit)

    decided = None
    if token:  # on the loop, without a thread hop; None: the session path decides
        decided = await hotpath.decide(state.engine, token, scheme, value, program, limit)
    decision = await _answer(state, work, decided)
    return EligibilityOut(
        eligible=decision.answer,
        decision_id=decision.decision_id,
        reason=decision.reason,
        review=rules.REVIEW,
    )


@party_router.post(
    "/checks/restriction",
    response_model=RestrictionOut,
    summary="Is this activity restricted for the subject (a court order or a penalty)?",
)
async def check_restriction(
    body: RestrictionIn,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> RestrictionOut:
    """Legally mandated: no consent needed, for activities the party enforces; logged."""
    return await answer_restriction(request.app.state, _bearer(credentials), body)


async def answer_restriction(state: Any, token: str | None, body: RestrictionIn) -> RestrictionOut:
    def decide(session: Session, party: RelyingParty) -> checks.Checked:
        return checks.decide_restriction(
            session=session,
            party=party,
            scheme=body.subject.scheme,
            value=body.subject.id,
            activity=body.activity,
        )

    decision = await _answer(state, lambda: _decide(state, token, decide))
    return RestrictionOut(
        restricted=decision.answer, decision_id=decision.decision_id, reason=decision.reason
    )


def _consent_out(session: SessionDep, consent: Consent) -> ConsentOut:
    program = party = None
    if consent.scope.startswith(consents.PROGRAM + ":"):
        program = session.get(Program, consent.scope.partition(":")[2])
    if consent.party_id is not None:
        party = session.get(RelyingParty, consent.party_id)
    return ConsentOut(
        id=consent.id,
        scope=consent.scope,
        program=program.id if program else None,
        program_name=program.name if program else None,
        benefit=program.benefit if program else None,
        party=party.name if party else None,
        granted_at=_utc(consent.granted_at),
        expires_on=consent.expires_on,
        state=consents.state(consent, clock.today()),
        ended_at=_utc(consent.revoked_at),
    )


@me_router.post("/consents", response_model=ConsentOut, status_code=201, summary="Grant a consent")
def grant_consent(body: ConsentIn, subject: SubjectDep, session: SessionDep) -> ConsentOut:
    """A program (its party may then check you until ``expires_on``) or a ``ledger:<scheme>``
    opt-in; a live consent to the same scope is replaced."""
    consent = consents.grant(
        session=session,
        subject_id=subject.id,
        program_id=body.program,
        scope=body.scope,
        expires_on=body.expires_on,
    )
    return _consent_out(session, consent)


@me_router.get("/consents", response_model=ConsentList, summary="Your consents")
def list_consents(subject: SubjectDep, session: SessionDep) -> ConsentList:
    return ConsentList(
        consents=[
            _consent_out(session, c)
            for c in consents.of_subject(session=session, subject_id=subject.id)
        ]
    )


@me_router.delete(
    "/consents/{consent_id}", response_model=ConsentOut, summary="Revoke a consent now"
)
def revoke_consent(consent_id: str, subject: SubjectDep, session: SessionDep) -> ConsentOut:
    """Checks relying on it are refused from this moment; revoking twice changes nothing."""
    consent = consents.revoke(session=session, subject_id=subject.id, consent_id=consent_id)
    return _consent_out(session, consent)


router = APIRouter()
router.include_router(party_router)
router.include_router(me_router)
