"""The HTML side of credo's errors: the same code and message as the JSON body, as a page.

``api/errors.py`` keeps the one mapping from error to status and its one answer function
asks :func:`wants_html` whether a request should be answered with :func:`html_error`
instead of JSON (a web page path and a browser that accepts HTML).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from credo.web.render import page

API_PREFIXES = ("/v1", "/openapi.json", "/docs", "/redoc", "/health")
TITLES = {
    400: "Bad request",
    401: "Sign-in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Check the form",
    500: "Something went wrong",
}


def wants_html(request: Request) -> bool:
    """A web page (not an API path) asked for by a client that accepts HTML."""
    path = request.url.path
    if path.startswith(API_PREFIXES):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "*/*" in accept or not accept


def html_error(
    request: Request, status: int, code: str, message: str, details: list[Any] | None = None
) -> Response:
    """An error page carrying the same code, message and details as the JSON answer."""
    area = (
        "/admin"
        if request.url.path.startswith("/admin")
        else ("/me" if request.url.path.startswith("/me") else "/")
    )
    return page(
        request,
        "error.html",
        {
            "status": status,
            "title": TITLES.get(status, "Error"),
            "code": code,
            "message": message,
            "details": details or [],
            "area": area,
        },
        status=status,
        private=True,
    )
