"""Real receivers on loopback: an aiosmtpd SMTP server and a threaded HTTP webhook receiver."""

from __future__ import annotations

import email
import json
import socket
import threading
import time
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings, get_settings
from credo.notices.delivery import Worker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """Collects every message the SMTP server accepts; ``unique`` drops repeated Message-IDs."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def unique(self) -> dict[str, Message]:
        return {m["Message-ID"]: m for m in self.messages}

    def body(self, message: Message) -> str:
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode()


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.sink = Sink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp(smtp_port: int) -> Iterator[SmtpServer]:
    server = SmtpServer(smtp_port)
    server.start()
    yield server
    server.stop()


class Receiver:
    """A webhook receiver: answers with the next planned status (200 when none is left),
    hangs when the plan says ``"hang"``, and keeps every request it got."""

    def __init__(self) -> None:
        self.plan: list[int | str] = []
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.accepted: list[str] = []
        self.hang_seconds = 3.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append(({k: v for k, v in self.headers.items()}, body))
                step = receiver.plan.pop(0) if receiver.plan else 200
                if step == "hang":
                    time.sleep(receiver.hang_seconds)
                    step = 200
                notice_id = self.headers.get("Credo-Notice-Id", "")
                if step == 200 and notice_id not in receiver.accepted:
                    receiver.accepted.append(notice_id)  # a receiver drops repeats by id
                try:
                    self.send_response(int(step))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the sender is gone (killed, or it timed out)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, smtp_port: int) -> Settings:
    monkeypatch.setenv("CREDO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CREDO_SMTP_PORT", str(smtp_port))
    monkeypatch.setenv("CREDO_SMTP_TIMEOUT", "2")
    monkeypatch.setenv("CREDO_WEBHOOK_TIMEOUT", "0.5")
    monkeypatch.setenv("CREDO_NOTICE_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("CREDO_PUBLIC_URL", "https://credo.example")
    monkeypatch.setenv("CREDO_OPERATOR_KEY", "op-test-key-0123456789")
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def worker(factory: sessionmaker[Session], settings: Settings) -> Iterator[Worker]:
    w = Worker(factory, settings, name="test-worker")
    yield w
    w.close()
