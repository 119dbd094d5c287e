"""Admission: no more requests in the app at once than the store's pool has connections.

A request's unit of work takes its connection in a sync dependency (one worker thread) and
gives it back after the endpoint and the dependency's exit (two more). With more requests
in flight than the pool has connections, every worker thread could block waiting for a
connection while the requests holding the connections waited for a thread: nothing moved
until the pool's timeout (30 s), then errors (docs/access.md, "Dropped clients and the
pool"). Here the requests past the pool's size wait on the event loop, holding neither a
thread nor a connection, so a request let in always finds both; one that waits longer
than :data:`WAIT` seconds is answered 503 with ``Retry-After`` instead of hanging.

The checks' fast path sits outside (``api/fastpath.FastChecks``: on SQLite it
decides on the loop; on a server store it keeps to its own share, ``_slots``).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request

from credo.api import errors
from credo.core.db import pool_connections

WAIT = 10.0  # seconds a request may wait to be let in before it is answered 503
RETRY_AFTER = 1
# paths that take no store session: let in at once, so a saturated pool leaves liveness,
# static assets and the API's own documentation answering
_FREE = ("/v1/health", "/openapi.json")
_FREE_UNDER = ("/static/", "/docs", "/redoc")


def takes_session(path: str) -> bool:
    """Whether a request for ``path`` may take a store session (and so needs a slot)."""
    return path not in _FREE and not path.startswith(_FREE_UNDER)


def capacity(engine: Engine, reserved: int = 0) -> int | None:
    """How many requests may hold a store connection at once: the pool's connections
    (kept and overflow) less ``reserved``; None for a pool that never makes one wait
    (the one shared connection of an in-memory store)."""
    connections = pool_connections(engine)
    return None if connections is None else max(1, connections - reserved)


class Admission:
    """ASGI middleware letting at most ``limit`` HTTP requests into ``app`` at once."""

    def __init__(self, app: Any, *, limit: int | None, wait: float = WAIT) -> None:
        self.app = app
        self.limit = limit
        self.wait = wait
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.limit is None or not takes_session(scope["path"]):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        slots = self._slots
        try:
            await asyncio.wait_for(slots.acquire(), self.wait)
        except TimeoutError:
            with contextlib.suppress(OSError):  # a client that has gone needs no answer
                await _busy(scope, self.limit, self.wait)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()


def _busy(scope: Any, limit: int, wait: float) -> Any:
    """The 503 through ``api/errors``: a browser on a web page gets the error page."""
    return errors.busy(
        Request(scope),
        f"the server is at its limit of {limit} requests at once (its store connections) "
        f"and this one waited {wait:g} s; retry in {RETRY_AFTER} s",
        [{"field": "request", "value": None, "reason": f"retry after {RETRY_AFTER} s"}],
        RETRY_AFTER,
    )


def install(app: Any, engine: Engine, reserved: int = 0) -> None:
    """Let into ``app`` no more requests than ``engine``'s pool has connections."""
    app.add_middleware(Admission, limit=capacity(engine, reserved))
