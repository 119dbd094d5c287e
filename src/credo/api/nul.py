"""No NUL character in any text a request carries (checked by ``limits.Guard``, which has
read the body already).

PostgreSQL's text cannot hold U+0000 (psycopg raises ``DataError``), so a request whose path,
query parameters, JSON strings (keys and values) or form fields hold one is refused here,
before any route runs, with 422 ``invalid_input`` naming the field and showing its value
with the NUL written ``\\u0000``. One exception: inside a record's ``fields`` object (the
envelope of ``POST``/``PUT /v1/records``) a NUL is kept, since ``fields`` is stored as
JSON text where it is escaped. Multipart bodies (uploaded documents) are not read here;
``api/errors.py`` answers a value the store still refuses with 422 too.

The checks cost one substring search per body, path and query string; a body is parsed only
when it holds an escaped NUL (``\\u0000``). A raw NUL byte cannot be in valid JSON.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from credo.api.errors import invalid, preview

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REASON = "holds the NUL character (U+0000), which no text may hold"
_JSON_TYPE = re.compile(r"^application/([a-z0-9.+-]*\+)?json\b", re.IGNORECASE)
_FORM_TYPE = "application/x-www-form-urlencoded"
KEPT = "fields"  # a record's fields: JSON text in the store, where a NUL is escaped


def shown(value: str) -> str:
    """``value`` with each NUL written ``\\u0000``, at most a short preview."""
    return preview(value.replace("\x00", "\\u0000"))


def _problem(field: str, value: str) -> dict[str, Any]:
    return {"field": field, "value": shown(value), "reason": REASON}


def in_json(value: Any) -> list[dict[str, Any]]:
    """Each string (key or value) in a parsed JSON body holding a NUL, by dotted path;
    the value of a ``fields`` key is not looked into (see :data:`KEPT`)."""
    found: list[dict[str, Any]] = []
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack and len(found) < 20:
        item, path = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                found.append(_problem(path or "body", item))
        elif isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{key}" if path else str(key)
                if "\x00" in key:
                    found.append(_problem(where, key))
                elif key != KEPT:
                    stack.append((child, where))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(item))
    found.reverse()  # first in the body first (the stack pops the last first)
    return found


def in_pairs(text: str) -> list[dict[str, Any]]:
    """Each query or form parameter whose name or value holds a NUL."""
    pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace")
    found: list[dict[str, Any]] = []
    for name, value in pairs:
        if len(found) == 20:
            break
        if "\x00" in name:
            found.append(_problem(shown(name), name))
        elif "\x00" in value:
            found.append(_problem(name, value))
    return found


def in_request(scope: Scope, body: bytes) -> list[dict[str, Any]]:
    """Every NUL in the request's path, query string and (JSON or form) body."""
    found: list[dict[str, Any]] = []
    path = scope.get("path", "")
    if "\x00" in path:
        found.append(_problem("path", path))
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        found.extend(in_pairs(query.decode("latin-1")))
    if body and (b"\\u0000" in body or b"%00" in body):
        content_type = ""
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-type":
                content_type = value.decode("latin-1")
                break
        if (not content_type or _JSON_TYPE.match(content_type)) and b"\\u0000" in body:
            # not JSON: the route (or the strict-JSON guard) says so
            with contextlib.suppress(ValueError, RecursionError):
                found.extend(in_json(json.loads(body)))
        elif content_type.lower().startswith(_FORM_TYPE) and b"%00" in body:
            found.extend(in_pairs(body.decode("latin-1")))
    return found


async def refuse(scope: Scope, receive: Receive, send: Send, found: list[dict[str, Any]]) -> None:
    """Answer 422 ``invalid_input`` naming each NUL found (a page for a browser's form)."""
    response = invalid(Request(scope), "text may not hold the NUL character", found)
    await response(scope, receive, send)
