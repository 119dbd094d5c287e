"""The subject portal ``/me``: sign in with a subject token, read, dispute, consent, print."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from credo.access import consents
from credo.config import Settings
from credo.core import credentials
from credo.core.types import MAX_ID, free_text, written_date
from credo.errors import CredoError, InvalidInput, Unauthenticated
from credo.lists import repairs
from credo.rights import disputes, proofs, reviews, statements
from credo.subjects import tokens
from credo.subjects.models import Subject
from credo.web import charts, sessions, views
from credo.web.deps import SessionDep, SettingsDep
from credo.web.render import SUBJECT_COOKIE, check_csrf, page, redirect
from credo.web.sessions import Action, Post, authorised
from credo.web.sessions import signed_in as signed_in

router = APIRouter(prefix="/me", include_in_schema=False)
MAX_REPAIR = repairs.MAX_STATEMENT  # what POST /v1/me/repairs takes


def _charts(context: dict[str, object]) -> dict[str, str]:
    score = context.get("score")
    if not isinstance(score, dict) or score.get("latest") is None:
        return {}
    latest = score["latest"]
    return {
        "gauge": charts.gauge(latest.score),
        "radar": charts.radar(score["dimensions"]),
        "history": charts.line(score["history"]),
    }


def _context(request: Request, session: Session, settings: Settings, subject: Subject) -> dict:
    context = views.portal(session=session, subject=subject)
    context["charts"] = _charts(context)
    context |= sessions.form_context(request, settings, SUBJECT_COOKIE)
    context["detached_statements"] = [
        s for s in statements.of_author(session=session, subject_id=subject.id) if s["detached"]
    ]
    context["proofs"] = [
        proofs.describe(p) for p in proofs.for_subject(session=session, subject_id=subject.id)
    ]
    from credo.web.register import portal_section

    context["register"] = portal_section(session=session, subject=subject)
    return context


def _check_token(data: dict[str, str], session: Session, _settings: Settings) -> tuple[str, str]:
    """The session's holder names the subject and the token it signed in with, so that the
    session ends when that token is revoked or expires (``sessions.signed_in``)."""
    token = data.get("token", "").strip()
    subject = tokens.authenticate(session=session, token=token)
    parsed = credentials.parse(token, tokens.KIND)
    assert parsed is not None  # authenticate took it
    return f"{subject.id}:{parsed[0]}", f"subject:{subject.id}"


sessions.signin_routes(
    router,
    kind=sessions.SUBJECT,
    key_of=lambda data: sessions.token_key(data.get("token", "").strip()),
    check=_check_token,
    actor="subject:web",
)


def _file(request: Request, session: Session, settings: Settings, template: str) -> Response:
    """The signed-in subject's file in ``template`` (else the sign-in page)."""
    subject = signed_in(request, session)
    if subject is None:
        return redirect("/me/signin")
    return page(request, template, _context(request, session, settings, subject), private=True)


@router.get("", response_class=HTMLResponse, response_model=None)
def me(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The subject's score, records, disputes, inquiries, consents and list entries."""
    return _file(request, session, settings, "me.html")


@router.get("/report", response_class=HTMLResponse, response_model=None)
def report(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The same file as one printable page (print stylesheet, no forms)."""
    return _file(request, session, settings, "report.html")


_ID_DIGITS = re.compile(r"[0-9]{1,19}")


def _int(data: dict[str, str], name: str) -> int:
    """An id credo issued (1..MAX_ID) from ASCII digits, else InvalidInput naming ``name``
    and the value (``int()`` alone takes "1_2", other scripts' digits and any length)."""
    value = data.get(name, "")
    text = value if isinstance(value, str) else ""
    if _ID_DIGITS.fullmatch(text) and 1 <= (number := int(text)) <= MAX_ID:
        return number
    raise InvalidInput(
        f"{name} must be a whole number from 1 to {MAX_ID}",
        details=[{"field": name, "value": text if len(text) <= 64 else f"{text[:64]}…"}],
    )


def _change(path: str, done: str) -> Callable[[Action], Action]:
    return sessions.form_post(router, path, authorised, f"/me?done={done}")


@_change("/disputes", "dispute#records")
def dispute(post: Post[Subject]) -> None:
    """Open a dispute through ``rights.disputes.open_dispute``; the record shows it pending."""
    disputes.open_dispute(
        session=post.session,
        subject_id=post.who.id,
        record_id=_int(post.data, "record_id"),
        reason=post.data.get("reason", ""),
        days=post.settings.dispute_days,
    )


@_change("/statements", "statement#records")
def statement(post: Post[Subject]) -> None:
    """Attach the subject's statement (right of reply) through ``rights.statements.attach``."""
    record_id, text = _int(post.data, "record_id"), post.data.get("text", "")
    statements.attach(session=post.session, subject_id=post.who.id, record_id=record_id, text=text)


@router.post("/proofs", response_model=None)
async def proof(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Send proof of fulfilment (multipart: document and note) through ``rights.proofs``."""
    subject = signed_in(request, session)
    if subject is None:
        raise Unauthenticated("sign in with your subject token first")
    async with request.form(max_files=1, max_fields=8) as data:
        check_csrf(settings, request.cookies.get(SUBJECT_COOKIE, ""), _text(data, "csrf"))
        document = data.get("document")
        if not isinstance(document, UploadFile):
            raise InvalidInput(
                "choose a document to send", details=[{"field": "document", "value": None}]
            )
        most = settings.proof_max_bytes
        content = await document.read(most + 1)  # reading stops past the limit
        proofs.submit(
            session=session,
            subject_id=subject.id,
            record_id=_int({"record_id": _text(data, "record_id")}, "record_id"),
            note=_text(data, "note"),
            filename=document.filename or "document",
            media_type=document.content_type or "",
            data=content,
            max_bytes=most,
            size=document.size,  # its real size, told when over the limit
        )
    return redirect("/me?done=proof#records")


def _text(data: object, name: str) -> str:
    value = data.get(name) if hasattr(data, "get") else None
    return value if isinstance(value, str) else ""


@_change("/repairs", "repair#lists")
def repair(post: Post[Subject]) -> None:
    """Apply for credit repair of a list entry (``lists.repairs.apply``), as its how-to-end
    text tells the organisation to do in its file."""
    statement = free_text(post.data.get("statement"), field="statement", most=MAX_REPAIR)
    repairs.apply(
        session=post.session,
        subject_id=post.who.id,
        entry_id=_int(post.data, "entry_id"),
        statement=statement,
    )


_DECISION_ID = re.compile(r"[A-Za-z0-9_:.-]{1,64}")


@_change("/reviews", "review#inquiries")
def review(post: Post[Subject]) -> None:
    """Ask for human review of an adverse decision (``rights.reviews.request``)."""
    decision_id = post.data.get("decision_id", "")
    if not _DECISION_ID.fullmatch(decision_id):
        raise InvalidInput(
            "decision_id must be the id of a decision about you (1-64 letters, digits, _ : . -)",
            details=[{"field": "decision_id", "value": decision_id[:64]}],
        )
    reviews.request(
        session=post.session,
        subject_id=post.who.id,
        decision_id=decision_id,
        reason=post.data.get("reason", ""),
    )


@_change("/consents", "consent#consents")
def grant(post: Post[Subject]) -> None:
    """Consent to a program until the chosen date (``access.consents.grant``)."""
    expires = post.data.get("expires_on") or None
    expires_on = written_date(expires, field="expires_on") if expires else None
    program_id = post.data.get("program_id", "")
    consents.grant(
        session=post.session, subject_id=post.who.id, program_id=program_id, expires_on=expires_on
    )


@_change("/consents/{consent_id}/revoke", "revoked#consents")
def revoke(post: Post[Subject], consent_id: str) -> None:
    """End a consent now (``access.consents.revoke``)."""
    consents.revoke(session=post.session, subject_id=post.who.id, consent_id=consent_id)


__all__ = ["CredoError", "router"]
