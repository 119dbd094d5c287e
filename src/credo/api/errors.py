"""Every error, mapped to an HTTP status once: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
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


def _safe(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | None):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


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

    if wants_html(request):
        response = html_error(request, status, code, message, details)
        response.headers.update(headers or {})
        return response
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        details.append(
            {
                "field": ".".join(loc) or "body",
                "value": _safe(err.get("input")),
                "reason": err.get("msg", "invalid"),
            }
        )
    return details


def install(app: FastAPI) -> None:
    """Register the handlers that turn errors into answers (JSON, or HTML for web pages)."""

    @app.exception_handler(CredoError)
    async def credo_error(request: Request, exc: CredoError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        return _answer(request, status_of(exc), exc.code, exc.message, exc.details, headers)

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

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed", 429: "rate_limited"}.get(
            exc.status_code, "http_error"
        )
        return _answer(
            request, exc.status_code, code, str(exc.detail), [], getattr(exc, "headers", None)
        )
