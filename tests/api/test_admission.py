"""Admission (``api/admission.py``): more requests in flight than the store's pool has
connections wait on the loop and are answered, or get 503 with Retry-After; the pool is
never starved (before, requests taking their session in sync dependencies deadlocked
against the thread pool until the pool's timeout)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import Engine

from credo.api.admission import Admission
from credo.config import Settings
from credo.core.db import session_factory
from tests.access import test_dropped_clients as dropped
from tests.access.helpers import add_party
from tests.access.test_dropped_clients import _serve, checked_out

POOL_TIMEOUT = dropped.POOL_TIMEOUT
small_pool = dropped.small_pool  # a SQLite file store with a pool of 2 + 1


def test_many_requests_in_flight_do_not_starve_the_pool(small_pool: Engine) -> None:
    from credo.api.app import create_app

    with session_factory(small_pool)() as s, s.begin():
        party = add_party(s, "Busy Co", ["air_travel"], ["deposit_free_rental"])
    app = create_app(
        Settings(database_url=str(small_pool.url), party_rate=1e6, party_burst=1_000_000),
        engine=small_pool,
    )
    server, thread, port = _serve(app)
    statuses: list[int] = []
    lock = threading.Lock()

    def ask() -> None:  # a sync session dependency, the party's, and the endpoint's thread
        response = httpx.get(
            f"http://127.0.0.1:{port}/v1/programs",
            headers={"Authorization": f"Bearer {party['key']}"},
            timeout=2 * POOL_TIMEOUT,
        )
        with lock:
            statuses.append(response.status_code)

    try:
        started = time.monotonic()
        askers = [threading.Thread(target=ask) for _ in range(80)]  # twice the thread pool
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join()
        took = time.monotonic() - started
    finally:
        server.should_exit = True
        thread.join(10)
    # none gave up waiting for a connection (the pool's timeout answered 500 before)
    assert statuses == [200] * 80, (sorted(set(statuses)), took)
    assert checked_out(small_pool) == 0


def _held(release: asyncio.Event, held: Callable[[str], bool] = lambda _path: True) -> Any:
    """An app answering 200, after ``release`` for the paths ``held`` names."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if held(scope["path"]):
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def test_a_request_waiting_too_long_is_answered_503_with_retry_after() -> None:
    release = asyncio.Event()
    slow = _held(release)

    app = Admission(slow, limit=1, wait=0.05)

    async def run() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            first = asyncio.create_task(client.get("/v1/programs"))
            await asyncio.sleep(0.01)  # the first holds the one slot
            second = await client.get("/v1/programs")
            release.set()
            return await first, second

    first, second = asyncio.run(run())
    assert first.status_code == 200
    assert second.status_code == 503
    assert second.headers["retry-after"] == "1"
    assert second.json()["error"]["code"] == "busy"


def test_health_static_and_docs_answer_while_the_pool_is_saturated() -> None:
    release = asyncio.Event()
    app = _held(release, lambda path: path.startswith("/v1/") and path != "/v1/health")
    admitted = Admission(app, limit=1, wait=0.05)

    async def run() -> tuple[httpx.Response, list[int], httpx.Response]:
        transport = httpx.ASGITransport(app=admitted)
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            first = asyncio.create_task(client.get("/v1/programs"))
            await asyncio.sleep(0.01)  # the one slot is taken
            free = [
                (await client.get(path)).status_code
                for path in ("/v1/health", "/static/app.css", "/docs", "/redoc", "/openapi.json")
            ]
            refused = await client.get("/v1/programs")
            release.set()
            return await first, free, refused

    first, free, refused = asyncio.run(run())
    assert free == [200] * 5
    assert refused.status_code == 503
    assert first.status_code == 200


def test_a_browser_turned_away_gets_the_error_page() -> None:
    release = asyncio.Event()
    slow = _held(release)

    admitted = Admission(slow, limit=1, wait=0.05)

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=admitted)
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            first = asyncio.create_task(client.get("/me"))
            await asyncio.sleep(0.01)
            page = await client.get("/me", headers={"accept": "text/html"})
            release.set()
            await first
            return page

    page = asyncio.run(run())
    assert page.status_code == 503
    assert page.headers["retry-after"] == "1"
    assert page.headers["content-type"].startswith("text/html")
    assert "busy" in page.text


def test_the_paths_let_in_at_once_are_the_apps_own_and_answer(client: Any) -> None:
    """The free list names the app's real liveness path (a renamed route would silently
    start waiting for a slot again)."""
    from credo.api.admission import _FREE, takes_session

    paths = client.get("/openapi.json").json()["paths"]
    for path in _FREE:
        if path != "/openapi.json":
            assert path in paths, path
            assert client.get(path).status_code == 200
    assert not takes_session("/v1/health")
    assert takes_session("/v1/programs")
