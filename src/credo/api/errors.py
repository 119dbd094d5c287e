"""Every error, mapped to an HTTP status once: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from credo.errors import (
    Conflict,
    CredoError,
    Forbidden,
    InvalidInput,
    NotFound,
    TooLarge,
    Unauthenticated,
)
from credo.web.deps import bearer_key, client_address

STATUS: dict[type[CredoError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Unauthenticated: 401,
    Forbidden: 403,
    TooLarge: 413,
}


def status_of(exc: CredoError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


PREVIEW = 64  # characters of a bad value an error echoes; never the whole of a huge value
_SURROGATE = re.compile("[\ud800-\udfff]")


def preview(value: str) -> str:
    """At most :data:`PREVIEW` characters of ``value``, lone surrogates shown as U+FFFD."""
    short = value if len(value) <= PREVIEW else value[:PREVIEW] + f"… ({len(value)} characters)"
    return _SURROGATE.sub("\ufffd", short)


def _safe(value: Any) -> Any:
    """A detail value that renders as strict JSON and is short (see :func:`preview`)."""
    if isinstance(value, bool | None):
        return value
    if isinstance(value, int):
        return value if abs(value) < 10**15 else preview(str(value))
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return preview(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return preview(text)


def _clean(value: Any, depth: int = 0) -> Any:
    """``value`` with its shape kept but every part short and strict-JSON safe."""
    if isinstance(value, list | tuple) and depth < 4:
        return [_clean(item, depth + 1) for item in list(value)[:20]]
    if isinstance(value, dict) and depth < 4:
        return {preview(str(k)): _clean(v, depth + 1) for k, v in list(value.items())[:20]}
    return _safe(value)


def safe_details(details: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Error details (at most 1000) with every value made short and strict-JSON safe."""
    return [_clean(d) if isinstance(d, dict) else _safe(d) for d in details[:1000]]


def _answer(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]],
    headers: dict[str, str] | None = None,
) -> Response:
    """The one error answer: a page for a browser on a web page, JSON everywhere else."""
    from credo.web.errors import html_error, wants_html

    details = safe_details(details)
    if wants_html(request):
        response = html_error(request, status, code, message, details)
        response.headers.update(headers or {})
        return response
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def busy(
    request: Request, message: str, details: list[dict[str, Any]], retry_after: int
) -> Response:
    """503 ``busy`` with ``Retry-After`` (``api/admission.py`` answers it outside the
    routes): a page for a browser on a web page, JSON everywhere else."""
    return _answer(request, 503, "busy", message, details, {"Retry-After": str(retry_after)})


def too_large(request: Request, limit: int, got: int | None) -> Response:
    """413 ``too_large`` (``api/limits.py`` answers it before the app reads a body over
    ``CREDO_MAX_BODY``): a page for a browser on a web page (an over-size upload from a
    form), JSON everywhere else; the connection is closed (the rest is not read)."""
    return _answer(
        request,
        413,
        "too_large",
        f"the request body is over the limit of {limit} bytes (CREDO_MAX_BODY)",
        [{"field": "body", "value": got, "reason": f"at most {limit} bytes"}],
        {"Connection": "close"},
    )


def invalid(request: Request, message: str, details: list[dict[str, Any]]) -> Response:
    """422 ``invalid_input`` (``api/nul.py`` answers it outside the routes): a page for a
    browser on a web page, JSON everywhere else."""
    return _answer(request, 422, "invalid_input", message, details)


#: PostgreSQL's errors for a character its text cannot hold (U+0000 among them).
NUL_SQLSTATES = ("22021", "22P05")


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        details.append(
            {
                "field": preview(".".join(loc)) or "body",
                "value": _safe(err.get("input")),
                "reason": err.get("msg", "invalid"),
            }
        )
    return details


def _count_failure(request: Request) -> None:
    """A presented credential was refused: count it against the address and the key."""
    throttle = getattr(request.app.state, "throttle", None)
    authorization = request.headers.get("authorization")
    if throttle is not None and authorization:
        key = bearer_key(authorization, request.url.path)
        throttle.fail(client_address(request.scope), key)


def install(app: FastAPI) -> None:
    """Register the handlers that turn errors into answers (JSON, or HTML for web pages)."""

    @app.exception_handler(CredoError)
    async def credo_error(request: Request, exc: CredoError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        if isinstance(exc, Unauthenticated):
            _count_failure(request)
        message = _SURROGATE.sub("\ufffd", exc.message)
        if len(message) > 4 * PREVIEW + 200:
            message = message[: 4 * PREVIEW + 200] + "…"
        return _answer(request, status_of(exc), exc.code, message, exc.details, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = _validation_details(exc)
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return _answer(
                request, 400, "malformed_json", "the request body is not valid JSON", details
            )
        return _answer(
            request, 422, "invalid_input", "the request does not match its schema", details
        )

    async def store_refused(request: Request, exc: Exception) -> Response:
        """A NUL the store refuses in text (PostgreSQL; psycopg refuses it before sending):
        422, never a 500. ``api/nul.py`` refuses NUL before this, naming the field; this is
        the backstop for what reaches the store some other way. Any other data error is the
        server's (a COPY block it wrote wrong, say): raised again, a logged 500."""
        driver = getattr(exc, "orig", None) or exc
        text = str(driver)
        if getattr(driver, "sqlstate", None) not in NUL_SQLSTATES and "NUL" not in text:
            raise exc
        reason = text.strip().splitlines()
        return _answer(
            request,
            422,
            "invalid_input",
            "the store cannot hold a value of this request",
            [{"field": "body", "value": None, "reason": reason[0] if reason else "invalid"}],
        )

    app.add_exception_handler(DataError, store_refused)
    try:  # the checks' asynchronous readers use psycopg directly (access.hotpath)
        from psycopg import DataError as DriverDataError
    except ImportError:  # pragma: no cover - psycopg is a dependency
        pass
    else:
        app.add_exception_handler(DriverDataError, store_refused)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed", 429: "rate_limited"}.get(
            exc.status_code, "http_error"
        )
        return _answer(
            request, exc.status_code, code, str(exc.detail), [], getattr(exc, "headers", None)
        )
