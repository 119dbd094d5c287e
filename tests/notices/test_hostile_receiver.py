"""A webhook receiver that answers 2xx but trickles an endless body cannot stall the worker."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from credo.notices import outbox, webhooks
from credo.notices.delivery import Worker
from credo.notices.models import Notice


class Trickle(BaseHTTPRequestHandler):
    """Reads the request, answers 200 with a huge body, and sends it a byte at a time."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", str(10**9))
        self.end_headers()
        try:
            for _ in range(600):  # a minute at most, each byte well within the read timeout
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the worker hung up: what it should do
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def trickle() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    server.shutdown()
    server.server_close()


def test_a_receiver_trickling_its_answer_is_done_with_once_it_said_2xx(
    factory: sessionmaker[Session], settings: Settings, trickle: str
) -> None:
    with factory() as s, s.begin():
        webhooks.register(
            session=s, settings=settings, owner_type="party", owner_id="rp_t", url=trickle
        )
        outbox.notify_owner(
            session=s,
            owner_type="party",
            owner_id="rp_t",
            kind="decision.reviewed",
            payload={"decision_id": "dec_1", "outcome": "overturned"},
            idempotency_key="review/1/party",
        )
    worker = Worker(factory, settings, name="trickled")
    done: list[Any] = []
    thread = threading.Thread(target=lambda: done.append(worker.run_once()), daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(timeout=10)
    try:
        assert not thread.is_alive(), "the worker is stuck reading a receiver's endless answer"
        assert time.monotonic() - started < 5
        ((outcome,),) = done
        assert outcome.error is None  # the receiver said 200: the notice was accepted
        with factory() as s:
            assert s.scalars(select(Notice.state)).one() == "sent"
    finally:
        worker.close()
