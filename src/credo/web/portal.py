"""The subject portal ``/me``: sign in with a subject token, read, dispute, consent, print."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from credo.config import Settings
from credo.errors import CredoError, InvalidInput, Unauthenticated
from credo.rights import disputes, proofs, statements
from credo.subjects import tokens
from credo.subjects.models import Subject
from credo.web import charts, sessions, views
from credo.web.deps import SessionDep, SettingsDep
from credo.web.render import SUBJECT_COOKIE, check_csrf, csrf_token, page, redirect
from credo.web.sessions import authorised as _authorised
from credo.web.sessions import signed_in as signed_in

router = APIRouter(prefix="/me", include_in_schema=False)


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
    context["csrf"] = csrf_token(settings, request.cookies.get(SUBJECT_COOKIE, ""))
    context["done"] = request.query_params.get("done", "")
    context["detached_statements"] = [
        s
        for s in statements.of_author(session=session, subject_id=subject.id)
        if s["detached"]
    ]
    context["proofs"] = [
        proofs.describe(p) for p in proofs.for_subject(session=session, subject_id=subject.id)
    ]
    from credo.web.register import portal_section

    context["register"] = portal_section(session=session, subject=subject)
    return context


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, settings: SettingsDep) -> HTMLResponse:
    return sessions.signin_page(request, settings, {"area": "me", "error": None})


@router.post("/signin", response_model=None)
async def signin(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Check the token, then start a server-side session (web/sessions.py) in an HttpOnly,
    SameSite=Strict cookie scoped to /me; the token itself never goes into the cookie."""

    def check(data: dict[str, str]) -> tuple[str, str]:
        subject = tokens.authenticate(session=session, token=data.get("token", "").strip())
        return str(subject.id), f"subject:{subject.id}"

    return await sessions.sign_in(
        request,
        session=session,
        settings=settings,
        kind=sessions.SUBJECT,
        key_of=lambda data: sessions.token_key(data.get("token", "").strip()),
        check=check,
    )


@router.post("/signout", response_model=None)
async def signout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """End the session: it is revoked in the store, so the old cookie stops working."""
    return await sessions.sign_out(
        request, session=session, settings=settings, kind=sessions.SUBJECT, actor="subject:web"
    )


@router.get("", response_class=HTMLResponse, response_model=None)
def me(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The subject's score, records, disputes, inquiries, consents and list entries."""
    subject = signed_in(request, session)
    if subject is None:
        return redirect("/me/signin")
    return page(request, "me.html", _context(request, session, settings, subject), private=True)


@router.get("/report", response_class=HTMLResponse, response_model=None)
def report(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The same file as one printable page (print stylesheet, no forms)."""
    subject = signed_in(request, session)
    if subject is None:
        return redirect("/me/signin")
    context = _context(request, session, settings, subject)
    return page(request, "report.html", context, private=True)


def _int(data: dict[str, str], name: str) -> int:
    try:
        return int(data.get(name, ""))
    except ValueError as exc:
        raise InvalidInput(
            f"{name} must be a whole number", details=[{"field": name, "value": data.get(name)}]
        ) from exc


@router.post("/disputes", response_model=None)
async def dispute(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Open a dispute through ``rights.disputes.open_dispute``; the record shows it pending."""
    subject, data = await _authorised(request, session, settings)
    disputes.open_dispute(
        session=session,
        subject_id=subject.id,
        record_id=_int(data, "record_id"),
        reason=data.get("reason", ""),
        days=settings.dispute_days,
    )
    return redirect("/me?done=dispute#records")


@router.post("/statements", response_model=None)
async def statement(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Attach the subject's statement (right of reply) through ``rights.statements.attach``."""
    subject, data = await _authorised(request, session, settings)
    statements.attach(
        session=session,
        subject_id=subject.id,
        record_id=_int(data, "record_id"),
        text=data.get("text", ""),
    )
    return redirect("/me?done=statement#records")


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
        content = await document.read(settings.proof_max_bytes + 1)
        proofs.submit(
            session=session,
            subject_id=subject.id,
            record_id=_int({"record_id": _text(data, "record_id")}, "record_id"),
            note=_text(data, "note"),
            filename=document.filename or "document",
            media_type=document.content_type or "",
            data=content,
            max_bytes=settings.proof_max_bytes,
        )
    return redirect("/me?done=proof#records")


def _text(data: object, name: str) -> str:
    value = data.get(name) if hasattr(data, "get") else None
    return value if isinstance(value, str) else ""


@router.post("/consents", response_model=None)
async def grant(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    subject, data = await _authorised(request, session, settings)
    from credo.access import consents

    expires = data.get("expires_on") or None
    try:
        expires_on = dt.date.fromisoformat(expires) if expires else None
    except ValueError as exc:
        raise InvalidInput(
            "expires_on must be a date (YYYY-MM-DD)",
            details=[{"field": "expires_on", "value": expires}],
        ) from exc
    consents.grant(
        session=session,
        subject_id=subject.id,
        program_id=data.get("program_id", ""),
        expires_on=expires_on,
    )
    return redirect("/me?done=consent#consents")


@router.post("/consents/{consent_id}/revoke", response_model=None)
async def revoke(
    request: Request, consent_id: str, session: SessionDep, settings: SettingsDep
) -> Response:
    subject, _data = await _authorised(request, session, settings)
    from credo.access import consents

    consents.revoke(session=session, subject_id=subject.id, consent_id=consent_id)
    return redirect("/me?done=revoked#consents")


__all__ = ["CredoError", "router"]
