"""Server-side sign-in sessions for the operator console and the subject portal.

A sign-in issues a fresh credential (``core.credentials``, kind ``operator_session`` or
``subject_session``): a random id and secret per sign-in, only the secret's hash stored,
an expiry of :data:`SESSION_HOURS`. The cookie holds that credential, never the operator
key or the subject's own token; signing out revokes it, so an old cookie stops working.

Sign-in forms carry a login-CSRF token: the form's GET sets a random ``credo_signin``
cookie (SameSite=Strict, so a cross-site post never carries it) and a hidden field with an
HMAC of it; the POST must bring both. Failed sign-ins count against the address and the
key in ``app.state.throttle`` (``api/limits.py``), as refused API keys do.

Both areas' sign-in routes come from :func:`signin_routes`, and every signed-in form post
(the console's decisions, the portal's disputes, statements, consents and rating answers)
from :func:`form_post`: the holder's CSRF-checked form, one domain call, a redirect.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from credo.config import Settings
from credo.core import clock, credentials
from credo.errors import InvalidInput, NotFound, Unauthenticated
from credo.subjects.models import Subject
from credo.subjects.tokens import KIND as TOKEN
from credo.web.deps import SessionDep, SettingsDep, client_address, retry_after
from credo.web.render import (
    OPERATOR_COOKIE,
    SUBJECT_COOKIE,
    check_csrf,
    csrf_token,
    form,
    operator_cookie,
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
    request: Request,
    settings: Settings,
    context: dict[str, Any],
    *,
    status: int = 200,
    template: str = "signin.html",
) -> HTMLResponse:
    """A sign-in page (the form, or the e-mailed link's button) with a login-CSRF field;
    sets the pre-sign-in cookie if missing."""
    area = str(context.get("area", "me"))
    value = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)
    context = {**context, "signin_csrf": csrf_token(settings, f"signin:{value}")}
    response = page(request, template, context, status=status, private=True)
    if request.cookies.get(SIGNIN_COOKIE) != value:
        set_cookie(request, response, SIGNIN_COOKIE, value, f"/{area}")
    return response


def check_signin_csrf(request: Request, settings: Settings, submitted: str | None) -> None:
    """Refuse a sign-in post without this browser's pre-sign-in cookie and its token."""
    value = request.cookies.get(SIGNIN_COOKIE, "")
    expected = csrf_token(settings, f"signin:{value}")
    if not value or not submitted or not secrets.compare_digest(
        expected.encode(), submitted.encode()  # bytes: a str must be ASCII (else a 500)
    ):
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
    """The subject whose live portal session is in the cookie, or None. A session opened with
    a subject token (holder ``<subject id>:<token id>``) lives only while that token does:
    revoking the token (``credo subjects revoke-token``) ends it at once."""
    owner = holder(session=session, kind=SUBJECT, cookie=request.cookies.get(SUBJECT_COOKIE))
    if owner is None:
        return None
    subject_id, _, token_id = owner.partition(":")
    if token_id:
        token = session.get(credentials.Credential, token_id)
        if token is None or token.kind != TOKEN or not credentials.is_live(token, clock.now()):
            return None
    return session.get(Subject, int(subject_id))


def operator_signed_in(request: Request, session: Session, settings: Settings) -> bool:
    """Whether the cookie is a live operator session while an operator key is set."""
    cookie = request.cookies.get(OPERATOR_COOKIE)
    live = holder(session=session, kind=OPERATOR, cookie=cookie) is not None
    return live and operator_cookie(settings) is not None


async def _checked_form(request: Request, settings: Settings, cookie: str) -> dict[str, str]:
    data = await form(request)
    check_csrf(settings, request.cookies.get(cookie, ""), data.get("csrf"))
    return data


async def authorised(
    request: Request, session: Session, settings: Settings
) -> tuple[Subject, dict[str, str]]:
    """The signed-in subject and its form, CSRF-checked (Unauthenticated if signed out)."""
    subject = signed_in(request, session)
    if subject is None:
        raise Unauthenticated("sign in with your subject token first")
    return subject, await _checked_form(request, settings, SUBJECT_COOKIE)


async def operator_form(
    request: Request, session: Session, settings: Settings
) -> tuple[str, dict[str, str]]:
    """The operator and its form, CSRF-checked (Unauthenticated if signed out)."""
    if not operator_signed_in(request, session, settings):
        raise Unauthenticated("sign in with the operator key first")
    return "operator", await _checked_form(request, settings, OPERATOR_COOKIE)


def form_context(request: Request, settings: Settings, cookie: str) -> dict[str, str]:
    """What every signed-in page's forms need: the CSRF token and which change was just done."""
    return {
        "csrf": csrf_token(settings, request.cookies.get(cookie, "")),
        "done": request.query_params.get("done", ""),
    }


# --- the routes both areas share ---------------------------------------------------------

Who = TypeVar("Who")


@dataclass(frozen=True)
class Post(Generic[Who]):
    """A signed-in form post: the unit of work, the settings, who posted and the form."""

    session: Session
    settings: Settings
    who: Who
    data: dict[str, str]


Holder = Callable[[Request, Session, Settings], Awaitable[tuple[Any, dict[str, str]]]]
Action = TypeVar("Action", bound=Callable[..., object])


def form_post(
    router: APIRouter, path: str, holder_of: Holder, done: str
) -> Callable[[Action], Action]:
    """Register ``POST path`` for a signed-in form (a decorator).

    ``holder_of`` proves the caller and reads its CSRF-checked form; the decorated function
    makes the one domain call from the :class:`Post` and the path parameters; the browser is
    then sent on to ``done`` (303).
    """

    def register(action: Action) -> Action:
        async def endpoint(
            request: Request, session: SessionDep, settings: SettingsDep
        ) -> Response:
            who, data = await holder_of(request, session, settings)
            # in a worker thread, as a sync route's work: a decision waiting on a row lock
            # (another decision of the same request) must not stop the event loop, which
            # the lock's holder needs to reach its commit
            post = Post(session, settings, who, data)
            await run_in_threadpool(action, post, **request.path_params)
            return redirect(done)

        endpoint.__doc__ = action.__doc__
        router.add_api_route(
            path, endpoint, methods=["POST"], response_model=None, name=action.__name__
        )
        return action

    return register


def signin_routes(
    router: APIRouter,
    *,
    kind: str,
    key_of: Callable[[dict[str, str]], str | None],
    check: Callable[[dict[str, str], Session, Settings], tuple[str, str]],
    actor: str,
) -> None:
    """An area's ``GET``/``POST /signin`` and ``POST /signout``: the same pages and throttle for
    both areas; ``check`` proves a sign-in form (the holder and the new session's actor, or
    Unauthenticated saying why), ``actor`` names who signs out in the audit log."""
    area = COOKIES[kind][1].lstrip("/")

    def signin_form(request: Request, settings: SettingsDep) -> HTMLResponse:
        return signin_page(request, settings, {"area": area, "error": None})

    async def signin(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
        """Check the form, then start a server-side session (a fresh random cookie per sign-in,
        stored hashed, ended by sign-out); the key or token never goes into the cookie."""
        return await sign_in(
            request,
            session=session,
            settings=settings,
            kind=kind,
            key_of=key_of,
            check=lambda data: check(data, session, settings),
        )

    async def signout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
        """End the session: it is revoked in the store, so the old cookie stops working."""
        return await sign_out(request, session=session, settings=settings, kind=kind, actor=actor)

    router.add_api_route("/signin", signin_form, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/signin", signin, methods=["POST"], response_model=None)
    router.add_api_route("/signout", signout, methods=["POST"], response_model=None)
