"""Hostile request bodies (issue 18): strict JSON, short echoes, a body-size limit.

Raw bytes are sent (``content=``) because a JSON library would refuse to write most of
these bodies; every answer must be a 4xx with the error envelope and nothing stored.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credo.api.app import create_app
from credo.api.errors import PREVIEW
from credo.config import Settings
from tests.api.helpers import assert_error, unchanged
from tests.envelopes import repayment

JSON = {"Content-Type": "application/json"}


def body_with(raw_value: str, where: str = "amount") -> bytes:
    """A one-record batch whose ``where`` (dotted path) is the raw JSON text ``raw_value``."""
    envelope: dict[str, Any] = repayment("hostile-1")
    marker = "__RAW__"
    target = envelope
    *parents, last = where.split(".")
    for part in parents:
        target = target[part]
    target[last] = marker
    return json.dumps({"records": [envelope]}).replace(f'"{marker}"', raw_value).encode()


@pytest.mark.parametrize(
    ("raw", "where", "field"),
    [
        ("NaN", "amount", "records.0.amount"),
        ("Infinity", "amount", "records.0.amount"),
        ("-Infinity", "fields.days_late", "records.0.fields.days_late"),
        ("1e999", "fields.days_late", "records.0.fields.days_late"),
        ("-1e999", "amount", "records.0.amount"),
        ("1" * 5000, "fields.days_late", "records.0.fields.days_late"),
        ('"\\ud800"', "external_id", "records.0.external_id"),
        ('"bank-\\udfff"', "fields.loan_id", "records.0.fields.loan_id"),
        ('"\\ud800"', "legal_basis", "records.0.legal_basis"),
        ('"12\\udc00.00"', "amount", "records.0.amount"),
        ('"Wang \\ud83d"', "subject.name", "records.0.subject.name"),
    ],
)
def test_non_strict_json_is_400_naming_the_field(
    client: TestClient, engine: Engine, bank: dict[str, Any], raw: str, where: str, field: str
) -> None:
    with unchanged(engine):
        response = client.post(
            "/v1/records", content=body_with(raw, where), headers={**bank["headers"], **JSON}
        )
    details = assert_error(response, 400, "malformed_json", field=field)
    assert all(len(json.dumps(d["value"])) < PREVIEW + 40 for d in details)


def test_a_name_given_twice_is_400_naming_it(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    """Parsers disagree on which of two values under one name wins: neither is taken."""
    raw = json.dumps({"records": [repayment("twice-1")]}).replace(
        '"amount": ', '"amount": "1.00", "amount": ', 1
    )
    with unchanged(engine):
        response = client.post("/v1/records", content=raw, headers={**bank["headers"], **JSON})
    (detail,) = assert_error(response, 400, "malformed_json", field="records.0.amount")
    assert "twice" in detail["reason"]
    response = client.post(
        "/v1/checks/eligibility",
        content=b'{"program": "p", "program": "q", "subject": {"scheme": "cn_ric", "id": "1"}}',
        headers={"Authorization": "Bearer nope", **JSON},
    )
    assert_error(response, 400, "malformed_json", field="program")


def test_lone_surrogate_in_a_key_and_in_a_check(client: TestClient, bank: dict[str, Any]) -> None:
    raw = json.dumps({"records": [repayment()]}).replace('"loan_id"', '"loan\\ud800id"')
    response = client.post("/v1/records", content=raw, headers={**bank["headers"], **JSON})
    assert_error(response, 400, "malformed_json")
    response = client.post(
        "/v1/checks/eligibility",
        content=b'{"program_id": "p", "subject": {"scheme": "cn_ric", "id": "\\ud800"}}',
        headers={"Authorization": "Bearer nope", **JSON},
    )
    assert_error(response, 400, "malformed_json", field="subject.id")


def test_nan_without_credentials_and_deep_nesting_are_400(client: TestClient) -> None:
    response = client.post("/v1/records", content=b'{"records": NaN}', headers=JSON)
    assert_error(response, 400, "malformed_json", field="records")
    deep = b'{"records": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert_error(client.post("/v1/records", content=deep, headers=JSON), 400, "malformed_json")
    nested = b'{"a": ' + b'{"a": ' * 80 + b"1" + b"}" * 81
    assert_error(client.post("/v1/records", content=nested, headers=JSON), 400, "malformed_json")


def test_invalid_utf8_and_plain_malformed_json(client: TestClient, bank: dict[str, Any]) -> None:
    response = client.post(
        "/v1/records", content=b'{"records": ["\xff\xfe"]}', headers={**bank["headers"], **JSON}
    )
    assert_error(response, 400, "malformed_json", field="body")
    response = client.post(
        "/v1/records", content=b'{"records": [', headers={**bank["headers"], **JSON}
    )
    assert response.status_code == 400


def test_a_huge_bad_value_is_echoed_as_a_short_prefix(
    engine: Engine, settings: Settings, bank: dict[str, Any]
) -> None:
    """A 3 MB external id (under the body limit) is refused with at most a short echo."""
    huge = "x" * (3 * 1024 * 1024)
    envelope = repayment(huge)
    with TestClient(create_app(settings, engine=engine)) as client, unchanged(engine):
        response = client.post("/v1/records", json={"records": [envelope]}, headers=bank["headers"])
    assert 400 <= response.status_code < 500, response.status_code
    assert len(response.content) < 4096, len(response.content)
    fat = repayment("ok-1", fields={"loan_id": "L" * 1_000_000, "days_late": 0})
    with TestClient(create_app(settings, engine=engine)) as client, unchanged(engine):
        response = client.post("/v1/records", json={"records": [fat]}, headers=bank["headers"])
    assert 400 <= response.status_code < 500
    assert len(response.content) < 4096, response.text[:500]


def test_body_over_the_limit_is_413_from_content_length(
    engine: Engine, settings: Settings, bank: dict[str, Any]
) -> None:
    small = settings.model_copy(update={"max_body": 64 * 1024})
    with TestClient(create_app(small, engine=engine)) as client, unchanged(engine):
        response = client.post(
            "/v1/records", content=b"{" + b" " * (65 * 1024) + b"}",
            headers={**bank["headers"], **JSON},
        )  # fmt: skip
        assert_error(response, 413, "too_large", field="body")
        ok = client.post("/v1/records", json={"records": []}, headers=bank["headers"])
        assert ok.status_code != 413


def test_chunked_body_is_refused_while_streaming(
    engine: Engine, settings: Settings, bank: dict[str, Any]
) -> None:
    small = settings.model_copy(update={"max_body": 64 * 1024})
    produced = 0

    def chunks() -> Iterator[bytes]:
        nonlocal produced
        for _ in range(10_000):  # 80 MB if all were read
            produced += 1
            yield b" " * 8192

    with TestClient(create_app(small, engine=engine)) as client, unchanged(engine):
        response = client.post("/v1/records", content=chunks(), headers={**bank["headers"], **JSON})
    assert_error(response, 413, "too_large")
    assert produced > 8  # TestClient sends it all first; the loopback test below does not


@contextmanager
def serving(app: Any) -> Iterator[int]:
    """``app`` under a real uvicorn on a free loopback port; yields the port."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def test_real_server_answers_413_mid_stream(
    engine: Engine, settings: Settings, bank: dict[str, Any]
) -> None:
    """Over loopback: the 413 arrives while the chunked body is still unfinished."""
    small = settings.model_copy(update={"max_body": 64 * 1024})
    with (
        serving(create_app(small, engine=engine)) as port,
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        sock.sendall(
            b"POST /v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: " + bank["headers"]["Authorization"].encode() + b"\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b" " * 8192
        for _ in range(10):  # 80 KB sent, the final 0-length chunk never is
            sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        answer = b""
        while b"too_large" not in answer and (part := sock.recv(65536)):
            answer += part
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"too_large" in answer


@pytest.mark.slow
def test_real_server_refuses_a_burst_of_oversize_bodies_with_bounded_memory(
    engine: Engine, settings: Settings, bank: dict[str, Any]
) -> None:
    """uvicorn on loopback: 20 bodies of 50 MB, declared and chunked; 413s and flat memory."""
    import resource

    import httpx

    block = b" " * (1 << 20)
    whole = block * 50
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def stream() -> Iterator[bytes]:
        for _ in range(50):
            yield block

    statuses = []
    with (
        serving(create_app(settings, engine=engine)) as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http,
    ):
        for i in range(20):
            headers = {**bank["headers"], **JSON}
            try:
                if i % 2:
                    answer = http.post("/v1/records", content=stream(), headers=headers)
                else:
                    answer = http.post("/v1/records", content=whole, headers=headers)
                statuses.append(answer.status_code)
            except httpx.TransportError:  # the server closed after answering 413
                statuses.append(413)
        assert http.get("/v1/health").status_code == 200
    assert statuses == [413] * 20, statuses
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"burst of 20 x 50 MB: statuses {set(statuses)}, peak RSS grew {grown_mb:.0f} MB")
    # the client itself holds one 50 MB body; the server must not add 20 x 50 MB
    assert grown_mb < 200, grown_mb
