"""Server-side sign-in sessions for the operator console and the subject portal.

A sign-in issues a fresh credential (``core.credentials``, kind ``operator_session`` or
``subject_session``): a random id and secret per sign-in, only the secret's hash stored,
an expiry of :data:`SESSION_HOURS`. The cookie holds that credential, never the operator
key or the subject's own token; signing out revokes it, so an old cookie stops working.

Sign-in forms carry a login-CSRF token: the form's GET sets a random ``credo_signin``
cookie (SameSite=Strict, so a cross-site post never carries it) and a hidden field with an
HMAC of it; the POST must bring both. Failed sign-ins count against the address and the
key in ``app.state.throttle`` (``api/limits.py``), as refused API keys do.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from credo.config import Settings
from credo.core import credentials
from credo.errors import InvalidInput, NotFound, Unauthenticated
from credo.subjects.models import Subject
from credo.web.deps import client_address, retry_after
from credo.web.render import (
    OPERATOR_COOKIE,
    SUBJECT_COOKIE,
    check_csrf,
    csrf_token,
    form,
    page,
    redirect,
    set_cookie,
)

OPERATOR = "operator_session"
SUBJECT = "subject_session"
SESSION_HOURS = 8
SIGNIN_COOKIE = "credo_signin"


def start(*, session: Session, kind: str, holder: str, actor: str) -> str:
    """A new session for ``holder``; returns the cookie value (shown to the browser only)."""
    issued = credentials.issue(
        session=session,
        kind=kind,
        holder=holder,
        ttl=dt.timedelta(hours=SESSION_HOURS),
        actor=actor,
    )
    return issued.text


COOKIES = {OPERATOR: (OPERATOR_COOKIE, "/admin"), SUBJECT: (SUBJECT_COOKIE, "/me")}
"""Each kind of session's cookie name and the area it is scoped to (and lands in)."""


def begin(request: Request, *, session: Session, kind: str, holder: str, actor: str) -> Response:
    """Start a session and answer with a redirect into its area that sets its cookie."""
    cookie = start(session=session, kind=kind, holder=holder, actor=actor)
    name, area = COOKIES[kind]
    response = redirect(area)
    set_cookie(request, response, name, cookie, area)
    return response


async def sign_in(
    request: Request,
    *,
    session: Session,
    settings: Settings,
    kind: str,
    key_of: Callable[[dict[str, str]], str | None],
    check: Callable[[dict[str, str]], tuple[str, str]],
) -> Response:
    """A sign-in post of either area: the login-CSRF check, the throttle (per address and per
    ``key_of`` the form), then ``check`` the form: the holder and the actor of the new session,
    or Unauthenticated saying why (counted as a failure, the page answers 401)."""
    data = await form(request)
    check_signin_csrf(request, settings, data.get("csrf"))
    area = COOKIES[kind][1].lstrip("/")
    key = key_of(data)
    wait = throttled(request, key)
    if wait:
        return too_many(request, settings, area, wait)
    try:
        holder, actor = check(data)
    except Unauthenticated as exc:
        failed(request, key)
        return signin_page(request, settings, {"area": area, "error": exc.message}, status=401)
    return begin(request, session=session, kind=kind, holder=holder, actor=actor)


async def sign_out(
    request: Request, *, session: Session, settings: Settings, kind: str, actor: str
) -> Response:
    """End the session in the cookie (a CSRF-checked form): it is revoked in the store, so the
    old cookie stops working; the answer clears the cookie and goes home."""
    data = await form(request)
    name, area = COOKIES[kind]
    cookie = request.cookies.get(name, "")
    check_csrf(settings, cookie, data.get("csrf"))
    end(session=session, kind=kind, cookie=cookie, actor=actor)
    response = redirect("/")
    response.delete_cookie(name, path=area)
    return response


def holder(*, session: Session, kind: str, cookie: str | None) -> str | None:
    """Whose live session the cookie is, or None (missing, unknown, expired, signed out)."""
    if not cookie:
        return None
    try:
        return credentials.verify(session=session, kind=kind, token=cookie).holder
    except Unauthenticated:
        return None


def end(*, session: Session, kind: str, cookie: str | None, actor: str) -> None:
    """Sign out: revoke the cookie's session (nothing happens for an unknown cookie)."""
    parsed = credentials.parse(cookie, kind) if cookie else None
    if parsed is None:
        return
    try:
        credentials.revoke(session=session, credential_id=parsed[0], kinds=[kind], actor=actor)
    except NotFound:
        return


def signin_page(
    request: Request, settings: Settings, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """The sign-in page with a login-CSRF field; sets the pre-sign-in cookie if missing."""
    area = str(context.get("area", "me"))
    value = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)
    context = {**context, "signin_csrf": csrf_token(settings, f"signin:{value}")}
    response = page(request, "signin.html", context, status=status, private=True)
    if request.cookies.get(SIGNIN_COOKIE) != value:
        set_cookie(request, response, SIGNIN_COOKIE, value, f"/{area}")
    return response


def check_signin_csrf(request: Request, settings: Settings, submitted: str | None) -> None:
    """Refuse a sign-in post without this browser's pre-sign-in cookie and its token."""
    value = request.cookies.get(SIGNIN_COOKIE, "")
    expected = csrf_token(settings, f"signin:{value}")
    if not value or not submitted or not secrets.compare_digest(expected, submitted):
        raise InvalidInput(
            "the sign-in form's CSRF token is missing or wrong; reload the sign-in page and "
            "try again",
            code="csrf_failed",
            details=[{"field": "csrf", "value": None}],
        )


def throttled(request: Request, key: str | None) -> float:
    """Seconds this address (or key) must wait before another sign-in attempt, or 0.0."""
    throttle = getattr(request.app.state, "throttle", None)
    if throttle is None:
        return 0.0
    wait: float = throttle.wait(client_address(request.scope), key)
    return wait


def failed(request: Request, key: str | None) -> None:
    """Count a failed sign-in against the address and the key."""
    throttle = getattr(request.app.state, "throttle", None)
    if throttle is not None:
        throttle.fail(client_address(request.scope), key)


def too_many(
    request: Request, settings: Settings, area: str, wait: float
) -> Response:
    """The sign-in page answering 429 with Retry-After."""
    message = f"too many failed sign-ins; try again in {retry_after(wait)} seconds"
    response = signin_page(request, settings, {"area": area, "error": message}, status=429)
    response.headers["Retry-After"] = retry_after(wait)
    return response


def token_key(token: str) -> str | None:
    """The throttle key of a presented token: its public id."""
    head, dot, _ = token.partition(".")
    return f"key:{head[:64]}" if dot and head else None


def signed_in(request: Request, session: Session) -> Subject | None:
    """The subject whose live portal session is in the cookie, or None."""
    owner = holder(session=session, kind=SUBJECT, cookie=request.cookies.get(SUBJECT_COOKIE))
    return session.get(Subject, int(owner)) if owner is not None else None


async def authorised(
    request: Request, session: Session, settings: Settings
) -> tuple[Subject, dict[str, str]]:
    """The signed-in subject and its form, CSRF-checked (Unauthenticated if signed out)."""
    subject = signed_in(request, session)
    if subject is None:
        raise Unauthenticated("sign in with your subject token first")
    data = await form(request)
    check_csrf(settings, request.cookies.get(SUBJECT_COOKIE, ""), data.get("csrf"))
    return subject, data
