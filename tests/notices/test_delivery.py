"""The worker against real receivers: SMTP (aiosmtpd) and an HTTP webhook receiver."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from credo.core import clock
from credo.notices import service, webhooks
from credo.notices.delivery import Worker, backoff
from credo.notices.models import Notice, NoticeAttempt
from credo.records.models import Record
from credo.rights import disputes
from tests.envelopes import repayment
from tests.notices.conftest import Receiver, SmtpServer
from tests.notices.helpers import ADDRESS, idp, post, subject_id, verification

T0 = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


def _dispute(client: TestClient, factory: sessionmaker[Session], bank: dict[str, Any]) -> int:
    post(client, idp(factory), verification())
    post(client, bank, repayment("r-1"))
    sid = subject_id(factory)
    with factory() as s, s.begin():
        rid = s.scalar(select(Record.id).where(Record.external_id == "r-1"))
        assert rid is not None
        return disputes.open_dispute(
            session=s, subject_id=sid, record_id=rid, reason="I paid on time", days=20
        ).id


def _rows(factory: sessionmaker[Session]) -> dict[str, Notice]:
    with factory() as s:
        return {n.idempotency_key: n for n in s.scalars(select(Notice))}


def _attempts(factory: sessionmaker[Session], notice_id: int) -> list[NoticeAttempt]:
    with factory() as s:
        return service.attempts(session=s, notice_id=notice_id)


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff(n, 30, 200) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_an_email_notice_arrives_written_for_a_person(
    client: TestClient,
    factory: sessionmaker[Session],
    bank: dict[str, Any],
    smtp: SmtpServer,
    worker: Worker,
) -> None:
    clock.freeze(T0)
    dispute_id = _dispute(client, factory, bank)
    outcomes = worker.run_once()
    assert [o.error for o in outcomes if not o.skipped] == [None]
    (message,) = smtp.sink.messages
    assert message["To"] == ADDRESS and message["Subject"] == "About your dispute"
    assert message["Credo-Notice-Id"] == f"dispute/{dispute_id}/open/email"
    assert message["Message-ID"].endswith("@credo.invalid>")
    body = smtp.sink.body(message)
    for section in ("What happened:", "Why:", "What it means:", "What you can do:"):
        assert section in body
    assert "I paid on time" in body and "https://credo.example/me" in body
    rows = _rows(factory)
    email = rows[f"dispute/{dispute_id}/open/email"]
    assert email.state == "sent" and email.attempts == 1
    assert [a.outcome for a in _attempts(factory, email.id)] == ["sent"]
    # the bank registered no webhook endpoint: its notice is skipped, not retried forever
    assert rows[f"dispute/{dispute_id}/furnisher"].state == "skipped"
    assert worker.run_once() == []  # nothing sent twice


def test_an_unreachable_smtp_server_keeps_the_notice_and_retries(
    client: TestClient,
    factory: sessionmaker[Session],
    bank: dict[str, Any],
    smtp_port: int,
    worker: Worker,
) -> None:
    clock.freeze(T0)
    dispute_id = _dispute(client, factory, bank)
    worker.run_once()
    email = _rows(factory)[f"dispute/{dispute_id}/open/email"]
    assert email.state == "pending" and email.attempts == 1
    assert email.due_at == T0 + dt.timedelta(seconds=30)
    assert "Connection" in (email.last_error or "")
    assert worker.run_once() == []  # not due yet
    server = SmtpServer(smtp_port)
    server.start()
    try:
        clock.freeze(T0 + dt.timedelta(seconds=31))
        worker.run_once()
        assert len(server.sink.messages) == 1
    finally:
        server.stop()
    email = _rows(factory)[f"dispute/{dispute_id}/open/email"]
    assert email.state == "sent" and email.attempts == 2
    assert [a.outcome for a in _attempts(factory, email.id)] == ["failed", "sent"]


def test_a_furnisher_gets_a_signed_webhook_for_a_new_dispute(
    client: TestClient,
    factory: sessionmaker[Session],
    bank: dict[str, Any],
    settings: Settings,
    smtp: SmtpServer,
    receiver: Receiver,
    worker: Worker,
) -> None:
    with factory() as s, s.begin():
        _, secret = webhooks.register(
            session=s,
            settings=settings,
            owner_type="furnisher",
            owner_id=bank["id"],
            url=receiver.url,
        )
    dispute_id = _dispute(client, factory, bank)
    worker.run_once()
    ((headers, raw),) = receiver.requests
    assert webhooks.verify(secret, headers[webhooks.SIGNATURE_HEADER], raw)
    assert not webhooks.verify(secret, headers[webhooks.SIGNATURE_HEADER], raw + b" ")
    assert not webhooks.verify("whsec_other", headers[webhooks.SIGNATURE_HEADER], raw)
    body = json.loads(raw)
    assert body["type"] == "dispute.opened" and body["id"] == f"dispute/{dispute_id}/furnisher"
    assert headers[webhooks.ID_HEADER] == body["id"]
    assert body["data"]["external_id"] == "r-1" and body["data"]["deadline"]
    assert _rows(factory)[body["id"]].state == "sent"


def test_a_receiver_answering_500_or_hanging_is_retried_then_undeliverable(
    client: TestClient,
    factory: sessionmaker[Session],
    bank: dict[str, Any],
    settings: Settings,
    smtp: SmtpServer,
    receiver: Receiver,
    worker: Worker,
) -> None:
    clock.freeze(T0)
    with factory() as s, s.begin():
        webhooks.register(
            session=s,
            settings=settings,
            owner_type="furnisher",
            owner_id=bank["id"],
            url=receiver.url,
        )
    receiver.plan = [500, "hang", 500]
    dispute_id = _dispute(client, factory, bank)
    key = f"dispute/{dispute_id}/furnisher"
    worker.run_once()
    clock.freeze(T0 + dt.timedelta(seconds=31))
    worker.run_once()
    notice = _rows(factory)[key]
    assert notice.state == "pending" and notice.attempts == 2
    assert notice.due_at == T0 + dt.timedelta(seconds=31 + 60)
    clock.freeze(T0 + dt.timedelta(seconds=92))
    worker.run_once()
    notice = _rows(factory)[key]
    assert notice.state == "undeliverable" and notice.attempts == 3
    errors = [a.error or "" for a in _attempts(factory, notice.id)]
    assert "500" in errors[0] and "Timeout" in errors[1] and "500" in errors[2]
    assert {b["id"] for b in receiver.bodies()} == {key}
    with factory() as s:
        (listed,) = [n for n in service.undeliverable(session=s) if n["id"] == notice.id]
    assert listed["attempts"] == 3 and "500" in listed["last_error"]
    with factory() as s, s.begin():
        service.retry(session=s, notice_id=notice.id)
    worker.run_once()
    assert _rows(factory)[key].state == "sent"


def test_a_malformed_contact_email_is_refused_at_intake(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    furnisher = idp(factory)
    response = client.post(
        "/v1/records",
        json={"records": [verification(email="wang.fang@@example")]},
        headers=furnisher["headers"],
    )
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert any(str(d.get("field", "")).endswith("fields.contact_email") for d in details), details


def test_a_furnisher_is_reminded_of_a_dispute_deadline_once(
    client: TestClient,
    factory: sessionmaker[Session],
    bank: dict[str, Any],
    settings: Settings,
    smtp: SmtpServer,
    receiver: Receiver,
    worker: Worker,
) -> None:
    from credo.cli.notices import sweeps

    clock.freeze(T0)
    with factory() as s, s.begin():
        _, secret = webhooks.register(
            session=s, settings=settings, owner_type="furnisher", owner_id=bank["id"],
            url=receiver.url,
        )  # fmt: skip
    dispute_id = _dispute(client, factory, bank)
    worker.sweeps = sweeps()
    assert worker.sweep() == 0  # twenty days to go
    clock.freeze(T0 + dt.timedelta(days=18))
    assert worker.sweep() == 1
    assert worker.sweep() == 0
    worker.run_once()
    kinds = {b["type"]: b for b in receiver.bodies()}
    assert set(kinds) == {"dispute.opened", "dispute.deadline"}
    assert kinds["dispute.deadline"]["data"]["dispute_id"] == dispute_id
    assert kinds["dispute.deadline"]["data"]["deadline"] == "2026-03-30"
    headers, raw = receiver.requests[-1]
    assert webhooks.verify(secret, headers[webhooks.SIGNATURE_HEADER], raw)
