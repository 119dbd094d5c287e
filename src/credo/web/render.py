"""Templates, forms, sign-in cookies and CSRF tokens shared by the web pages."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from credo.config import Settings
from credo.errors import InvalidInput
from credo.lists.rules import BENEFITS, GROUND_NAMES, removal_reason
from credo.notices.texts import ACTIVITY_NAMES

SUBJECT_COOKIE = "credo_subject"
OPERATOR_COOKIE = "credo_operator"
MAX_FORM = 64 * 1024

#: Headers on every page: no framing, no third-party anything, no caching of private pages.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
PRIVATE = {"Cache-Control": "no-store"}


def _svg(markup: str) -> Markup:
    """Mark a chart from ``web.charts`` (built from escaped parts) as safe HTML."""
    return Markup(markup)  # charts escape every text they embed


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("credo.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["svg"] = _svg
    env.filters["pretty"] = lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)
    env.filters["label"] = lambda v: str(v).replace("_", " ").replace(".", " ")
    env.filters["activity"] = lambda v: ACTIVITY_NAMES.get(str(v), str(v).replace("_", " "))
    env.filters["end_reason"] = removal_reason
    env.filters["benefit"] = lambda v: BENEFITS.get(str(v), str(v).replace("_", " "))
    env.filters["value"] = field_value
    env.filters["money"] = money
    env.filters["points"] = points
    return env


def money(amount: Any) -> str:
    """An amount as decimal text ("82000.00") with thousands separators ("82,000.00")."""
    try:
        return f"{Decimal(str(amount)):,.2f}"
    except InvalidOperation:
        return str(amount)


def points(number: Any) -> str:
    """A count of points in words: "1 point", "38 points"."""
    return f"{number} point" if number in (1, -1) else f"{number} points"


_CODE = re.compile(r"[a-z]+(?:_[a-z]+)+")


def field_value(value: Any) -> str:
    """A record field's value as a person reads it: yes/no for booleans, a listing ground in
    words, other codes (``written_off``) with spaces; anything else as it is."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "–"
    text = str(value)
    if text in GROUND_NAMES:
        return GROUND_NAMES[text]
    return text.replace("_", " ") if _CODE.fullmatch(text) else text


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    private: bool = False,
) -> HTMLResponse:
    """Render a template into an HTML response with the security headers."""
    html = environment().get_template(template).render(request=request, **context)
    headers = dict(SECURITY_HEADERS)
    if private:
        headers.update(PRIVATE)
    return HTMLResponse(html, status_code=status, headers=headers)


def redirect(url: str) -> RedirectResponse:
    """See other (303): the browser GETs the page after a form POST."""
    return RedirectResponse(url, status_code=303, headers=PRIVATE)


async def form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body as a dict (first value of each name)."""
    body = await request.body()
    if len(body) > MAX_FORM:
        raise InvalidInput("the form is too large", details=[{"field": "body", "value": len(body)}])
    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


def _mac(settings: Settings, purpose: str, value: str) -> str:
    key = settings.secret.get_secret_value().encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_token(settings: Settings, session_value: str) -> str:
    """The per-session CSRF token: an HMAC of the sign-in cookie (no server state)."""
    return _mac(settings, "csrf", session_value)[:40]


def check_csrf(settings: Settings, session_value: str, submitted: str | None) -> None:
    # bytes: compare_digest refuses str holding anything but ASCII (a TypeError, a 500)
    expected = csrf_token(settings, session_value).encode()
    if not submitted or not hmac.compare_digest(expected, submitted.encode()):
        raise InvalidInput(
            "the form's CSRF token is missing or wrong; reload the page and try again",
            code="csrf_failed",
            details=[{"field": "csrf", "value": None}],
        )


def operator_cookie(settings: Settings) -> str | None:
    """The operator session value: an HMAC of the operator key (the key never leaves the host)."""
    if settings.operator_key is None or not settings.operator_key.get_secret_value():
        return None
    return _mac(settings, "operator-session", settings.operator_key.get_secret_value())


def operator_key_ok(settings: Settings, key: str) -> bool:
    expected = settings.operator_key.get_secret_value() if settings.operator_key else ""
    return bool(expected) and hmac.compare_digest(key.encode(), expected.encode())


def set_cookie(request: Request, response: Any, name: str, value: str, path: str) -> None:
    """HttpOnly, SameSite=Strict, Secure over HTTPS, scoped to its area of the site."""
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=path,
        max_age=8 * 3600,
    )
