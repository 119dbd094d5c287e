"""The delivery worker: claim due notices under a lease, send them, record every attempt.

Exactly once, as far as a network allows: a notice is marked sent only after its channel
accepted it, in the same transaction as the attempt's row. A worker that dies mid-delivery
leaves its claim to expire (``CREDO_NOTICE_LEASE``); the next worker sends it again with
the same idempotency key (SMTP ``Message-ID``, webhook ``id`` and ``Credo-Notice-Id``), so
a receiver that drops repeats sees it once. A worker still alive past its lease (a slow
receiver held it) starts no more sends of that claim: the rest are left, unattempted, to
whoever claims them next. Failures wait ``backoff`` seconds (doubling, capped) and after
``CREDO_NOTICE_MAX_ATTEMPTS`` the notice is undeliverable and listed in the operator console.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from credo.core import clock
from credo.notices import contacts, mail, texts, webhooks
from credo.notices.models import Notice, NoticeAttempt
from credo.notices.outbox import webhook_payload

log = logging.getLogger("credo.worker")


class Skip(Exception):
    """Nobody to deliver to any more (contact or endpoint gone): the notice is skipped."""


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds to wait after the ``attempts``-th failure: base, 2 base, 4 base, ... up to cap.

    The exponent stops growing once the cap is reached (2 ** 1024 is past any float: an
    unbounded ``CREDO_NOTICE_MAX_ATTEMPTS`` must not overflow and lose a batch's outcomes).
    """
    return float(min(cap, base * 2.0 ** min(max(0, attempts - 1), 64)))


def claim(
    *, session: Session, worker: str, limit: int, lease: float, channels: tuple[str, ...]
) -> list[Notice]:
    """Lease up to ``limit`` due notices to this claim; the caller commits at once."""
    now = clock.now()
    token = f"{worker}:{uuid.uuid4().hex[:12]}"[:64]
    free = and_(
        Notice.state == "pending",
        Notice.channel.in_(channels),
        Notice.due_at <= now,
        or_(Notice.lease_until.is_(None), Notice.lease_until < now),
    )
    ids = (
        select(Notice.id).where(free).order_by(Notice.due_at, Notice.id).limit(limit)
    ).scalar_subquery()
    session.execute(
        update(Notice)
        .where(Notice.id.in_(ids), free)
        .values(leased_by=token, lease_until=now + dt.timedelta(seconds=lease))
        .execution_options(synchronize_session=False)
    )
    return list(
        session.scalars(select(Notice).where(Notice.leased_by == token).order_by(Notice.id))
    )


@dataclass
class Outcome:
    notice_id: int
    claim: str
    started: dt.datetime
    finished: dt.datetime | None = None
    error: str | None = None
    skipped: bool = False
    #: Not tried: the claim's lease ran out first (another worker may hold the notice now).
    released: bool = False


@dataclass
class Targets:
    """Where one claimed batch goes, looked up once: addresses and webhook endpoints."""

    emails: dict[int, str | None] = field(default_factory=dict)
    endpoints: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)


@dataclass
class Worker:
    """Delivers the outbox; ``run_once`` for one claim, ``run`` until stopped.

    A claimed batch is sent by ``CREDO_WORKER_CONCURRENCY`` threads, then its outcomes are
    recorded in one transaction (one fsync for the batch, not one per notice).
    """

    factory: sessionmaker[Session]
    settings: Settings
    name: str = field(default_factory=lambda: f"worker-{secrets.token_hex(3)}")
    sweeps: Sequence[Callable[[Session], int]] = ()
    sweep_every: float = 5.0

    def __post_init__(self) -> None:
        self._local = threading.local()
        self._http = httpx.Client(timeout=self.settings.webhook_timeout)
        self._mailers: list[mail.Mailer] = []
        self._lock = threading.Lock()

    def channels(self) -> tuple[str, ...]:
        return ("email", "webhook") if self.settings.smtp_host else ("webhook",)

    def _mailer(self) -> mail.Mailer:
        mailer = getattr(self._local, "mailer", None)
        if mailer is None:
            mailer = mail.Mailer(self.settings)
            self._local.mailer = mailer
            with self._lock:
                self._mailers.append(mailer)
        return mailer

    def _targets(self, batch: Sequence[Notice]) -> Targets:
        targets = Targets()
        with self.factory() as s:
            subject_ids = sorted({int(n.recipient_id) for n in batch if n.channel == "email"})
            targets.emails = contacts.emails_of(session=s, subject_ids=subject_ids)
            for n in batch:
                if n.channel == "webhook":
                    owner = (n.recipient_type, n.recipient_id)
                    if owner not in targets.endpoints:
                        endpoint = webhooks.endpoint_of(s, *owner)
                        targets.endpoints[owner] = (
                            None
                            if endpoint is None
                            else (endpoint.url, webhooks.secret_for(self.settings, endpoint))
                        )
        return targets

    def _send(self, notice: Notice, targets: Targets) -> None:
        payload = json.loads(notice.payload)
        if notice.channel == "webhook":
            endpoint = targets.endpoints.get((notice.recipient_type, notice.recipient_id))
            if endpoint is None:
                raise Skip(f"no webhook endpoint for {notice.recipient_type} {notice.recipient_id}")
            url, secret = endpoint
            webhooks.post(self._http, url, secret, notice.idempotency_key, webhook_payload(notice))
            return
        to = targets.emails.get(int(notice.recipient_id))
        if to is None:
            raise Skip(f"subject {notice.recipient_id} has no e-mail contact any more")
        if notice.kind == "signin.link":
            from credo.notices import signin

            with self.factory() as s, s.begin():  # committed before the link can arrive
                token, expires = signin.issue_link(
                    session=s, subject_id=int(payload["subject_id"]), minutes=payload["minutes"]
                )
            payload["token"] = token
            payload["expires_at"] = expires.strftime("%Y-%m-%d %H:%M UTC")
        text = texts.render(notice.kind, payload, self.settings.public_url)
        key = notice.idempotency_key
        self._mailer().send(mail.build(self.settings, to=to, text=text, idempotency_key=key))

    def _deliver(self, notice: Notice, targets: Targets) -> Outcome:
        outcome = Outcome(notice.id, notice.leased_by or "", clock.now())
        if notice.lease_until is not None and outcome.started >= notice.lease_until:
            # past the lease another worker may have claimed (and sent) it: sending now
            # would deliver it twice; it is left for the next claim, without an attempt
            outcome.error, outcome.released = "the claim's lease ran out before sending", True
            outcome.finished = outcome.started
            return outcome
        try:
            self._send(notice, targets)
        except Skip as exc:
            outcome.error, outcome.skipped = str(exc), True
        except Exception as exc:  # any failure is recorded and retried
            outcome.error = f"{type(exc).__name__}: {exc}"[:2000]
        outcome.finished = clock.now()
        return outcome

    def _record(self, outcomes: Sequence[Outcome]) -> None:
        """Each outcome and the notice's new state, in one transaction."""
        s = self.settings
        now = clock.now()
        with self.factory() as session, session.begin():
            rows = {
                n.id: n
                for n in session.scalars(
                    select(Notice).where(Notice.id.in_([o.notice_id for o in outcomes]))
                )
            }
            for outcome in outcomes:
                row = rows.get(outcome.notice_id)
                if row is None or row.state != "pending" or row.leased_by != outcome.claim:
                    continue  # the lease was lost; whoever holds it now records the result
                row.lease_until, row.leased_by = None, None
                if outcome.released:
                    continue  # nothing was tried: due again at once, no attempt counted
                row.attempts += 1
                if outcome.error is None:
                    row.state, row.sent_at, row.last_error = "sent", outcome.finished, None
                    result = "sent"
                elif outcome.skipped:
                    row.state, row.last_error = "skipped", outcome.error
                    result = "skipped"
                else:
                    row.last_error = outcome.error
                    if row.attempts >= s.notice_max_attempts:
                        row.state = "undeliverable"
                    else:
                        wait = backoff(row.attempts, s.notice_backoff, s.notice_backoff_cap)
                        row.due_at = now + dt.timedelta(seconds=wait)
                    result = "failed"
                session.add(
                    NoticeAttempt(
                        notice_id=row.id,
                        number=row.attempts,
                        worker=self.name,
                        started_at=outcome.started,
                        finished_at=outcome.finished or now,
                        outcome=result,
                        error=outcome.error,
                    )
                )

    def run_once(self, pool: ThreadPoolExecutor | None = None) -> list[Outcome]:
        """Claim one batch of due notices, deliver it, record it; the outcomes, in claim order."""
        with self.factory() as session, session.begin():
            batch = claim(
                session=session,
                worker=self.name,
                limit=self.settings.worker_batch,
                lease=self.settings.notice_lease,
                channels=self.channels(),
            )
            for notice in batch:
                session.expunge(notice)
        if not batch:
            return []
        targets = self._targets(batch)
        if pool is None or len(batch) == 1:
            outcomes = [self._deliver(n, targets) for n in batch]
        else:
            outcomes = list(pool.map(lambda n: self._deliver(n, targets), batch))
        self._record(outcomes)
        return outcomes

    def sweep(self) -> int:
        """Run the sweeps that write notices (consents ending, inquiries); notices written."""
        written = 0
        with self.factory() as session, session.begin():
            for sweep in self.sweeps:
                written += sweep(session)
        return written

    def run(self, stop: threading.Event, *, poll: float = 1.0) -> None:
        """Deliver until ``stop`` is set; sleeps ``poll`` seconds when nothing is due."""
        swept = 0.0
        with ThreadPoolExecutor(self.settings.worker_concurrency) as pool:
            while not stop.is_set():
                try:
                    if self.sweeps and time.monotonic() - swept >= self.sweep_every:
                        swept = time.monotonic()
                        self.sweep()
                    done = self.run_once(pool)
                except Exception:  # a store hiccup must not end the worker
                    log.exception("worker loop failed; trying again")
                    done = []
                if not done:
                    stop.wait(poll)
        self.close()

    def close(self) -> None:
        for mailer in self._mailers:
            mailer.close()
        self._http.close()


def start_thread(
    factory: sessionmaker[Session],
    settings: Settings,
    sweeps: Sequence[Callable[[Session], int]] = (),
) -> threading.Event:
    """Run a worker in a daemon thread (``credo demo``); set the returned event to stop it."""
    stop = threading.Event()
    worker = Worker(factory, settings, sweeps=sweeps)
    threading.Thread(target=worker.run, args=(stop,), name="credo-worker", daemon=True).start()
    return stop


def wait_idle(factory: sessionmaker[Session], timeout: float) -> bool:
    """Wait until nothing pending is due (tests and the benchmark); True if it got there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with factory() as s:
            due = s.scalar(
                select(Notice.id).where(Notice.state == "pending", Notice.due_at <= clock.now())
            )
        if due is None:
            return True
        time.sleep(0.05)
    return False


__all__ = ["Worker", "backoff", "claim", "start_thread", "wait_idle"]
