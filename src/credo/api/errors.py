"""Every error, mapped to an HTTP status once: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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


def install(app: FastAPI) -> None:
    """Register the handlers that turn errors into JSON answers."""

    @app.exception_handler(CredoError)
    async def credo_error(_request: Request, exc: CredoError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details),
            status_code=status_of(exc),
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
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
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return JSONResponse(
                error_body("malformed_json", "the request body is not valid JSON", details),
                status_code=400,
            )
        return JSONResponse(
            error_body("invalid_input", "the request does not match its schema", details),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            error_body(code, str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
