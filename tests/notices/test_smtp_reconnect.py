"""An SMTP connection the server dropped while idle is reopened before sending, not failed on."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.notices import outbox
from credo.notices.delivery import Worker
from credo.notices.models import Notice, NoticeAttempt
from tests.notices.conftest import SmtpServer
from tests.notices.helpers import idp, post, subject_id, verification


def _notice(factory: sessionmaker[Session], sid: int, n: int) -> None:
    with factory() as s, s.begin():
        outbox.notify_subject(
            session=s,
            subject_id=sid,
            kind="review.decided",
            payload={"decision_id": f"dec_{n}", "outcome": "upheld"},
            idempotency_key=f"review/{n}/decided",
        )


def test_a_connection_dropped_while_idle_is_reopened_and_the_notice_sent_at_once(
    client: Any,
    factory: sessionmaker[Session],
    smtp_port: int,
    worker: Worker,
) -> None:
    post(client, idp(factory), verification())
    sid = subject_id(factory)
    _notice(factory, sid, 1)
    first = SmtpServer(smtp_port)
    first.start()
    assert [o.error for o in worker.run_once()] == [None]
    first.stop()  # the server goes away (restart, or its idle timeout) while the worker waits
    time.sleep(1.2)
    again = SmtpServer(smtp_port)
    again.start()
    try:
        _notice(factory, sid, 2)
        outcomes = worker.run_once()
        assert [o.error for o in outcomes] == [None]
        assert len(again.sink.messages) == 1
    finally:
        again.stop()
    with factory() as s:
        emails = list(s.scalars(select(Notice).where(Notice.channel == "email")))
        assert {(n.state, n.attempts) for n in emails} == {("sent", 1)}
        assert set(s.scalars(select(NoticeAttempt.outcome))) == {"sent"}
