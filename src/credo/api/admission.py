"""Admission: no more requests in the app at once than the store's pool has connections.

A request's unit of work takes its connection in a sync dependency (one worker thread) and
gives it back after the endpoint and the dependency's exit (two more). With more requests
in flight than the pool has connections, every worker thread could block waiting for a
connection while the requests holding the connections waited for a thread: nothing moved
until the pool's timeout (30 s), then errors (docs/access.md, "Dropped clients and the
pool"). Here the requests past the pool's size wait on the event loop, holding neither a
thread nor a connection, so a request let in always finds both; one that waits longer
than :data:`WAIT` seconds is answered 503 with ``Retry-After`` instead of hanging.

The checks' fast path sits outside (``api/routers/access.FastChecks``: on SQLite it
decides on the loop; on a server store it keeps to its own share, ``_slots``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

from credo.api.errors import error_body

WAIT = 10.0  # seconds a request may wait to be let in before it is answered 503
RETRY_AFTER = 1


def capacity(engine: Engine, reserved: int = 0) -> int | None:
    """How many requests may hold a store connection at once: the pool's connections
    (kept and overflow) less ``reserved``; None for a pool that never makes one wait
    (the one shared connection of an in-memory store)."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return None
    return max(1, pool.size() + max(0, pool._max_overflow) - reserved)


class Admission:
    """ASGI middleware letting at most ``limit`` HTTP requests into ``app`` at once."""

    def __init__(self, app: Any, *, limit: int | None, wait: float = WAIT) -> None:
        self.app = app
        self.limit = limit
        self.wait = wait
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.limit is None:
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        slots = self._slots
        try:
            await asyncio.wait_for(slots.acquire(), self.wait)
        except TimeoutError:
            await _busy(send, self.limit, self.wait)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()


async def _busy(send: Any, limit: int, wait: float) -> None:
    body = error_body(
        "busy",
        f"the server is at its limit of {limit} requests at once (its store connections) "
        f"and this one waited {wait:g} s; retry in {RETRY_AFTER} s",
        [{"field": "request", "value": None, "reason": f"retry after {RETRY_AFTER} s"}],
    )
    data = json.dumps(body).encode()
    with contextlib.suppress(OSError):
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                    (b"retry-after", str(RETRY_AFTER).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


def install(app: Any, engine: Engine, reserved: int = 0) -> None:
    """Let into ``app`` no more requests than ``engine``'s pool has connections."""
    app.add_middleware(Admission, limit=capacity(engine, reserved))
