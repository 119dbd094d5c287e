"""Clients that drop their connections mid-request must not starve the store's pool.

Under a real uvicorn on loopback, over a SQLite file with a pool much smaller than the
thread pool: many connections send checks and reset at once. Before the checks ran in one
worker thread, a request held its session's connection while it waited for the next thread
(dependency, endpoint), and the threads waited for connections: the pool stayed checked out
until its timeout and later requests failed. Now every connection comes back at once and a
later check is answered promptly.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from credo.access import parties
from credo.access.models import Consent
from credo.config import Settings
from credo.core import clock, db
from credo.core.db import session_factory
from credo.models import metadata
from tests.access.helpers import add_party, add_subject, publish_score
from tests.api.helpers import make_ric

POOL_TIMEOUT = 10.0


@pytest.fixture
def small_pool(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        pool_size=2,
        max_overflow=1,
        pool_timeout=POOL_TIMEOUT,
    )
    event.listen(engine, "connect", db._sqlite_pragmas)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def checked_out(engine: Engine) -> int:
    pool = engine.pool
    assert isinstance(pool, QueuePool)
    return pool.checkedout()


def _serve(app: Any) -> tuple[Any, threading.Thread, int]:
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread, port


def test_dropped_clients_leave_the_pool_free(small_pool: Engine) -> None:
    from credo.api.app import create_app

    rng = random.Random(21)
    values = [make_ric(rng) for _ in range(20)]
    with session_factory(small_pool)() as s, s.begin():
        subject_ids = [add_subject(s, value) for value in values]
        for subject_id in subject_ids:
            publish_score(s, subject_id, 700)
        party = add_party(s, "Dropping Co", ["air_travel"], ["deposit_free_rental"])
        program = parties.add_program(
            session=s,
            party=parties.get(session=s, party_id=party["id"]),
            name="rental",
            purpose="deposit_free_rental",
            benefit="no deposit",
            conditions=[{"score_at_least": 600}],
        ).id
        for n, subject_id in enumerate(subject_ids):
            s.add(
                Consent(
                    id=f"cns_{n:016x}",
                    subject_id=subject_id,
                    party_id=party["id"],
                    scope=f"program:{program}",
                    granted_at=clock.now(),
                    expires_on=clock.today() + dt.timedelta(days=30),
                )
            )
    url = str(small_pool.url)
    app = create_app(
        Settings(database_url=url, party_rate=1e6, party_burst=1_000_000), engine=small_pool
    )
    server, thread, port = _serve(app)

    def raw(path: str, body: dict[str, Any]) -> bytes:
        data = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {party['key']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        )
        return head.encode() + data

    try:
        for _ in range(3):
            sockets = []
            for i in range(60):
                sock = socket.create_connection(("127.0.0.1", port))
                subject = {"scheme": "cn_ric", "id": values[i % len(values)]}
                sock.sendall(
                    raw("/v1/checks/eligibility", {"subject": subject, "program": program})
                    + raw("/v1/checks/restriction", {"subject": subject, "activity": "air_travel"})
                )
                sockets.append(sock)
            time.sleep(0.02)
            for sock in sockets:  # reset: the client is gone mid-request
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
        deadline = time.monotonic() + POOL_TIMEOUT / 2
        while checked_out(small_pool) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert checked_out(small_pool) == 0, small_pool.pool.status()
        started = time.monotonic()
        answer = httpx.post(
            f"http://127.0.0.1:{port}/v1/checks/eligibility",
            json={"subject": {"scheme": "cn_ric", "id": values[0]}, "program": program},
            headers=party["headers"],
            timeout=2 * POOL_TIMEOUT,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["eligible"] is True
        assert time.monotonic() - started < POOL_TIMEOUT / 2
        assert checked_out(small_pool) == 0
    finally:
        server.should_exit = True
        thread.join(10)
