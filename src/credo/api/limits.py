"""Hostile-input guard in front of the app: a body-size limit and strict JSON.

An ASGI middleware, so it acts before FastAPI reads anything:

* a body larger than ``CREDO_MAX_BODY`` bytes is refused with 413 — at once when
  ``Content-Length`` says so, or as soon as a chunked body passes the limit while it
  streams in (the rest is never read, so memory per request stays under the limit);
* a JSON body must be strict JSON: no ``NaN``/``Infinity``/``-Infinity``, no number
  that overflows to infinity (``1e999``) or has more than :data:`MAX_DIGITS` digits, no
  lone UTF-16 surrogate (``"\\ud800"``) in a key or a string, no name given twice in one
  object, nesting at most :data:`MAX_DEPTH` deep. A breach is a 400 ``malformed_json``
  whose details name the field (dotted path) and echo at most a short prefix of the value.

The body is then handed on unchanged, so the app parses exactly what was checked.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request

from credo.api import errors, nul
from credo.api.errors import error_body, preview
from credo.web.deps import bearer_key as bearer_key
from credo.web.deps import client_address as client_address
from credo.web.deps import retry_after as retry_after

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_DEPTH = 64
MAX_DIGITS = 64
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_TYPE = re.compile(r"^application/([a-z0-9.+-]*\+)?json\b", re.IGNORECASE)


class _Bad:
    """A value strict JSON refuses, kept in place so its path can be named."""

    __slots__ = ("reason", "text")

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason


def _constant(text: str) -> _Bad:
    return _Bad(text, f"{text} is not a JSON number (strict JSON has no NaN or Infinity)")


def _float(text: str) -> float | _Bad:
    if len(text) > MAX_DIGITS:
        return _Bad(text, f"a number of more than {MAX_DIGITS} characters")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        return _Bad(text, "the number overflows to infinity")
    return value


def _int(text: str) -> int | _Bad:
    if len(text) > MAX_DIGITS:
        return _Bad(text, f"a number of more than {MAX_DIGITS} digits")
    return int(text)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, with a name given twice in it marked refused (parsers disagree on which
    value wins: the first, the last, or an error)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                out[key] = _Bad(key, "this name is given twice in one object")
            seen.add(key)
    return out


def _path(parts: list[str]) -> str:
    return ".".join(parts) or "body"


def problems(value: Any) -> list[dict[str, Any]]:
    """Each place in a parsed body that strict JSON refuses: field, value prefix, reason."""
    found: list[dict[str, Any]] = []
    stack: list[tuple[Any, list[str]]] = [(value, [])]
    while stack and len(found) < 20:
        item, parts = stack.pop()
        if len(parts) > MAX_DEPTH:
            found.append(
                {
                    "field": _path(parts[:MAX_DEPTH]),
                    "value": None,
                    "reason": f"nested more than {MAX_DEPTH} levels deep",
                }
            )
            continue
        if isinstance(item, _Bad):
            found.append(
                {"field": _path(parts), "value": preview(item.text), "reason": item.reason}
            )
        elif isinstance(item, str):
            if _SURROGATE.search(item):
                found.append(
                    {
                        "field": _path(parts),
                        "value": preview(item),
                        "reason": "a lone UTF-16 surrogate is not a character",
                    }
                )
        elif isinstance(item, dict):
            for key, child in item.items():
                if _SURROGATE.search(key):
                    found.append(
                        {
                            "field": _path([*parts, preview(key)]),
                            "value": preview(key),
                            "reason": "a lone UTF-16 surrogate in a name",
                        }
                    )
                    continue
                stack.append((child, [*parts, key]))
        elif isinstance(item, list):
            stack.extend((child, [*parts, str(i)]) for i, child in enumerate(item))
    return found


def check_json(body: bytes) -> list[dict[str, Any]] | None:
    """None when ``body`` is strict JSON (or not JSON at all: the app says so); else problems."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [{"field": "body", "value": None, "reason": f"not UTF-8 (byte {exc.start})"}]
    try:  # fast path: the C parser; every body that parses goes through _clean once
        parsed = json.loads(text, parse_constant=_constant, object_pairs_hook=_pairs)
    except RecursionError:
        return [{"field": "body", "value": None, "reason": "nested too deeply"}]
    except json.JSONDecodeError:
        return None  # malformed JSON: FastAPI answers it with its own 400
    except ValueError:  # an integer too long for int(): name it on the slow path
        parsed = None
    surrogate = "\\u" in text and _SURROGATE_ESCAPE.search(text) is not None
    if parsed is not None and not surrogate and _clean([parsed], MAX_DEPTH + 1):
        return None
    # slow path, only for refused bodies: parse again with the refusing hooks, naming fields
    try:
        parsed = json.loads(
            text,
            parse_constant=_constant,
            parse_float=_float,
            parse_int=_int,
            object_pairs_hook=_pairs,
        )
    except (RecursionError, ValueError):
        return [{"field": "body", "value": None, "reason": "not strict JSON"}]
    return problems(parsed) or None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # lone or paired: the slow path decides
_BIG = 10**MAX_DIGITS


def _clean(value: Any, depth: int) -> bool:
    """True when nothing in ``value`` is refused: no _Bad constant, no infinite float, no
    integer of more than MAX_DIGITS digits, no nesting past ``depth`` (paths not kept)."""
    if depth < 0:
        return False
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict or kind is list:
            if not _clean(item, depth - 1):
                return False
        elif kind is float:
            if item in (math.inf, -math.inf):
                return False
        elif kind is int:
            if not -_BIG < item < _BIG:
                return False
        else:  # a _Bad constant
            return False
    return True


async def _answer(
    send: Send, status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                (b"connection", b"close"),
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


class GuardMiddleware:
    """Refuse oversize bodies (413) and non-strict JSON (400) before the app sees them."""

    def __init__(self, app: ASGIApp, *, max_body: int, throttle: FailureThrottle) -> None:
        self.app = app
        self.max_body = max_body
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        authorization = headers.get(b"authorization")
        if authorization is not None:
            key = bearer_key(authorization.decode("latin-1"), scope.get("path", ""))
            wait = self.throttle.wait(client_address(scope), key)
            if wait > 0:
                await _answer(
                    send, 429, too_many(wait), [(b"retry-after", retry_after(wait).encode())]
                )
                return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0:
                await _answer(
                    send,
                    400,
                    error_body(
                        "malformed_request",
                        "Content-Length is not a number",
                        [{"field": "content-length", "value": preview(length.decode("latin-1"))}],
                    ),
                )
                return
            if declared > self.max_body:
                await errors.too_large(Request(scope), self.max_body, declared)(
                    scope, receive, send
                )
                return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await errors.too_large(Request(scope), self.max_body, None)(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if body and (not content_type or _JSON_TYPE.match(content_type)):
            found = check_json(body)
            if found:
                await _answer(
                    send,
                    400,
                    error_body("malformed_json", "the request body is not strict JSON", found),
                )
                return
        nuls = nul.in_request(scope, body)  # PostgreSQL's text cannot hold U+0000
        if nuls:
            await nul.refuse(scope, receive, send, nuls)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def install(app: Any, *, max_body: int, auth_failures: int = 0) -> None:
    """Put the guard outermost on ``app``; ``app.state.throttle`` counts failed credentials
    (``api/errors.py`` and the sign-in pages report them)."""
    app.state.throttle = FailureThrottle(auth_failures)
    app.add_middleware(GuardMiddleware, max_body=max_body, throttle=app.state.throttle)


class FailureThrottle:
    """Failed credentials per address and per key: a bucket of ``limit`` failures that
    refills over ``period`` seconds; an empty bucket refuses attempts (429, Retry-After)
    until it refills, without checking them. ``limit`` 0 turns it off. In-process, like
    the relying-party rate limit; the bucket table is bounded (oldest dropped first)."""

    MAX_KEYS = 100_000

    def __init__(
        self, limit: int, period: float = 600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.rate = limit / period if limit else 0.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        level, then = self._buckets.get(key, (float(self.limit), now))
        return min(float(self.limit), level + (now - then) * self.rate)

    def wait(self, *keys: str | None) -> float:
        """Seconds until ``keys`` may try again (0.0: they may now)."""
        if not self.limit:
            return 0.0
        now = self.clock()
        with self._lock:
            levels = [self._level(k, now) for k in keys if k]
        short = [1.0 - level for level in levels if level < 1.0]
        return max(short) / self.rate if short else 0.0

    def fail(self, *keys: str | None) -> None:
        """Count one failed attempt against each of ``keys``."""
        if not self.limit:
            return
        now = self.clock()
        with self._lock:
            for key in keys:
                if key:
                    level = self._level(key, now)
                    self._buckets.pop(key, None)
                    self._buckets[key] = (max(0.0, level - 1.0), now)
            while len(self._buckets) > self.MAX_KEYS:
                del self._buckets[next(iter(self._buckets))]


def too_many(seconds: float) -> dict[str, Any]:
    return error_body(
        "rate_limited",
        "too many failed sign-ins or keys from this address or for this key; try again later",
        [
            {
                "field": "Authorization",
                "value": None,
                "reason": f"retry after {retry_after(seconds)} seconds",
            }
        ],
    )
