"""A worker that outlives its lease sends nothing more of that claim; backoff never overflows."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from credo.notices import outbox, webhooks
from credo.notices.delivery import Worker, backoff
from credo.notices.models import Notice, NoticeAttempt
from tests.notices.conftest import Receiver

TOTAL = 3


def _webhooks(factory: sessionmaker[Session], settings: Settings, url: str) -> None:
    with factory() as s, s.begin():
        webhooks.register(
            session=s, settings=settings, owner_type="party", owner_id="rp_lease", url=url
        )
        for n in range(TOTAL):
            outbox.enqueue(
                session=s,
                kind="decision.reviewed",
                recipient_type="party",
                recipient_id="rp_lease",
                payload={"decision_id": f"dec_{n}", "outcome": "overturned"},
                idempotency_key=f"review-decided/dec_{n}",
                channel="webhook",
            )


def test_a_worker_past_its_lease_leaves_the_rest_of_its_claim_to_the_next(
    factory: sessionmaker[Session], settings: Settings, receiver: Receiver
) -> None:
    slow = settings.model_copy(update={"notice_lease": 1.0, "webhook_timeout": 10.0})
    _webhooks(factory, slow, receiver.url)
    receiver.plan = ["hang"]  # the first delivery outlasts the first worker's lease
    receiver.hang_seconds = 2.5
    first, second = Worker(factory, slow, name="first"), Worker(factory, slow, name="second")
    try:
        thread = threading.Thread(target=first.run_once)
        thread.start()
        deadline = time.monotonic() + 10
        while not receiver.requests:
            assert time.monotonic() < deadline, "the first worker sent nothing"
            time.sleep(0.01)
        time.sleep(1.3)  # the first worker's lease has run out; the second takes the claim
        taken = second.run_once()
        assert len(taken) == TOTAL and all(o.error is None for o in taken)
        thread.join(timeout=30)
        assert not thread.is_alive()
    finally:
        first.close()
        second.close()
    ids = [headers[webhooks.ID_HEADER] for headers, _ in receiver.requests]
    in_flight = ids[0]  # sent by the first worker when its lease ran out: a repeat by its id
    assert ids.count(in_flight) == 2
    assert all(ids.count(i) == 1 for i in set(ids) - {in_flight}), ids
    with factory() as s:
        assert {n.state for n in s.scalars(select(Notice))} == {"sent"}
        outcomes = list(s.scalars(select(NoticeAttempt.outcome)))
        assert outcomes.count("sent") == TOTAL


def test_a_worker_alone_past_its_lease_sends_the_rest_at_its_next_claim(
    factory: sessionmaker[Session], settings: Settings, receiver: Receiver
) -> None:
    slow = settings.model_copy(update={"notice_lease": 1.0, "webhook_timeout": 10.0})
    _webhooks(factory, slow, receiver.url)
    receiver.plan = ["hang"]
    receiver.hang_seconds = 1.5
    worker = Worker(factory, slow, name="alone")
    try:
        worker.run_once()  # the first is sent; the others' lease ran out before their turn
        with factory() as s:
            rows = {n.idempotency_key: n for n in s.scalars(select(Notice))}
            left = [n for n in rows.values() if n.state == "pending"]
            # not an attempt: nothing was tried, and the notice is due again at once
            assert left and all(n.attempts == 0 and n.leased_by is None for n in left)
        worker.run_once()
    finally:
        worker.close()
    ids = [headers[webhooks.ID_HEADER] for headers, _ in receiver.requests]
    assert sorted(ids) == sorted(f"review-decided/dec_{n}" for n in range(TOTAL))
    with factory() as s:
        assert {n.state for n in s.scalars(select(Notice))} == {"sent"}
        assert {n.attempts for n in s.scalars(select(Notice))} == {1}


def test_backoff_stays_at_the_cap_however_many_attempts() -> None:
    # CREDO_NOTICE_MAX_ATTEMPTS has no upper bound: "retry for weeks" must not overflow
    assert backoff(2000, 30, 3600) == 3600
    assert backoff(10**6, 0.5, 60) == 60
