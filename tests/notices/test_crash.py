"""A worker SIGKILLed mid-delivery: after a restart every notice is delivered exactly once.

The receiver holds the first webhook open, so the worker is killed while that delivery is
in flight (the receiver then accepts it, but the worker never learns). The notice stays
pending under the dead worker's lease; when the lease runs out the restarted worker sends
it again with the same idempotency key, and the receiver, which drops repeated ids, has
each notice exactly once. The outbox marks each sent once, after the receiver's 200.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credo.config import get_settings
from credo.core.db import make_engine
from credo.models import metadata
from credo.notices import outbox, webhooks
from credo.notices.models import Notice, NoticeAttempt
from tests.notices.conftest import Receiver
from tests.records.test_crash import credo_executable

pytestmark = pytest.mark.slow
TOTAL = 30


def _store(db: Path, url: str) -> None:
    engine = make_engine(f"sqlite:///{db}")
    metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        webhooks.register(
            session=s, settings=get_settings(), owner_type="party", owner_id="rp_crash", url=url
        )
        for n in range(TOTAL):
            outbox.enqueue(
                session=s,
                kind="decision.reviewed",
                recipient_type="party",
                recipient_id="rp_crash",
                payload={"decision_id": f"dec_{n}", "outcome": "overturned"},
                idempotency_key=f"review-decided/dec_{n}",
                channel="webhook",
            )
    engine.dispose()


def _worker(db: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CREDO_DATABASE_URL": f"sqlite:///{db}",
        "CREDO_NOTICE_LEASE": "2",
        "CREDO_WEBHOOK_TIMEOUT": "30",
        "CREDO_WORKER_CONCURRENCY": "1",
        "CREDO_WORKER_BATCH": "10",
    }
    return subprocess.Popen(
        [credo_executable(), "worker", "--poll", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _sent(db: Path) -> int:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as s:
            return int(s.scalar(select(func.count()).where(Notice.state == "sent")) or 0)
    finally:
        engine.dispose()


def test_sigkill_mid_delivery_then_restart_delivers_each_notice_once(
    tmp_path: Path, receiver: Receiver
) -> None:
    db = tmp_path / "crash.db"
    _store(db, receiver.url)
    receiver.plan = ["hang"]
    receiver.hang_seconds = 1.0
    first = _worker(db)
    deadline = time.monotonic() + 60
    while not receiver.requests:
        assert time.monotonic() < deadline and first.poll() is None, "the worker sent nothing"
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)  # mid-delivery: the receiver holds the request open
    first.wait()
    in_flight = receiver.requests[0][0]["Credo-Notice-Id"]
    assert _sent(db) == 0  # nothing is marked sent without the receiver's answer

    second = _worker(db)
    try:
        deadline = time.monotonic() + 90
        while _sent(db) < TOTAL:
            assert time.monotonic() < deadline, f"only {_sent(db)} of {TOTAL} sent"
            time.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    ids = [headers["Credo-Notice-Id"] for headers, _ in receiver.requests]
    assert sorted(receiver.accepted) == sorted(f"review-decided/dec_{n}" for n in range(TOTAL))
    assert ids.count(in_flight) == 2  # sent again after the crash, dropped by its id
    assert all(ids.count(i) == 1 for i in set(ids) - {in_flight})
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        notices = list(s.scalars(select(Notice)))
        assert {n.state for n in notices} == {"sent"}
        outcomes = list(s.scalars(select(NoticeAttempt.outcome)))
        assert outcomes.count("sent") == TOTAL  # each marked sent exactly once
    engine.dispose()
