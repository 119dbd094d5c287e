"""Notice delivery: worker throughput and the delay from a change to its delivery.

Run: ``.venv/bin/python bench/bench_notices.py [--notices 2000] [--changes 1000] [--rate 100]``.

A file SQLite store (WAL, synchronous=FULL) holds 200 persons whose identity checks
confirmed an e-mail address, and a furnisher with a webhook endpoint. The receivers run in
a separate process: an aiosmtpd SMTP sink and a threaded ``http.server`` webhook receiver
on loopback, each noting the arrival time of every notice id.

1. Throughput: ``--notices`` e-mail notices, then as many webhooks, are enqueued at once and
   one worker (``CREDO_WORKER_CONCURRENCY`` threads, default 8) drains them: notices/s.
2. Delay: a worker runs (polling every ``--poll`` s) while ``--changes`` changes commit at
   ``--rate`` a second, each writing an inbox notice, an e-mail and a webhook in its own
   transaction; the delay is the receiver's arrival time minus the change's commit time.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))
from _records import person_ids
from credo.config import get_settings
from credo.core.db import make_engine, session_factory
from credo.furnishers import service as furnishers
from credo.models import metadata
from credo.notices import outbox, webhooks
from credo.notices.delivery import Worker
from credo.notices.models import Notice
from credo.records.intake import validate_all, validator_for
from credo.records.service import classify, store
from credo.subjects import service as subjects


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def receivers(smtp_port: int, http_port: int, ready: Any, stop: Any, out: str) -> None:
    """The child process: SMTP sink and webhook receiver; arrival times to ``out`` at stop."""
    from aiosmtpd.controller import Controller

    arrivals: dict[str, float] = {}
    lock = threading.Lock()

    class Sink:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            at = time.time()
            for line in envelope.content.split(b"\r\n"):
                if line.startswith(b"Credo-Notice-Id: "):
                    with lock:
                        arrivals.setdefault(line[17:].decode(), at)
                    break
            return "250 OK"

    class Hook(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                arrivals.setdefault(self.headers["Credo-Notice-Id"], time.time())
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    controller = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    server = ThreadingHTTPServer(("127.0.0.1", http_port), Hook)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.set()
    stop.wait()
    server.shutdown()
    controller.stop()
    Path(out).write_text(json.dumps(arrivals))


def setup(folder: Path, url: str, persons: int) -> tuple[Any, list[int], str]:
    engine = make_engine(f"sqlite:///{folder / 'notices.db'}")
    metadata.create_all(engine)
    factory = session_factory(engine)
    settings = get_settings()
    ids = person_ids(persons)
    with factory() as s, s.begin():
        idp, _ = furnishers.add(
            session=s, name="ID Check", kind="identity_provider",
            categories=["identity.verification"],
        )  # fmt: skip
        bank, _ = furnishers.add(session=s, name="Bank", kind="bank", categories=["loan.opened"])
        envelopes = [
            {
                "external_id": f"idv-{n}",
                "category": "identity.verification",
                "subject": {"scheme": "cn_ric", "id": who},
                "occurred_on": "2025-01-02",
                "fields": {"method": "document", "level": 2, "contact_email": f"p{n}@example.org"},
            }
            for n, who in enumerate(ids)
        ]
        secret = settings.secret.get_secret_value().encode()
        valid = validate_all(validator_for(categories=idp.categories, secret=secret), envelopes)
        statuses = classify(session=s, furnisher_id=idp.id, records=valid)
        store(session=s, furnisher_id=idp.id, records=valid, statuses=statuses, actor="bench")
        webhooks.register(session=s, settings=settings, owner_type="furnisher",
                          owner_id=bank.id, url=url)  # fmt: skip
        subject_ids = [subjects.find(session=s, scheme="cn_ric", value=who).id for who in ids]
    return factory, subject_ids, bank.id


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def drain(factory: Any, settings: Any) -> float:
    worker = Worker(factory, settings, name="bench")
    started = time.perf_counter()
    with ThreadPoolExecutor(settings.worker_concurrency) as pool:
        while worker.run_once(pool):
            pass
    seconds = time.perf_counter() - started
    worker.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--poll", type=float, default=0.05)
    parser.add_argument("--persons", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-notices-"))
    smtp_port, http_port = free_port(), free_port()
    os.environ.update(
        CREDO_DATA_DIR=str(folder), CREDO_SMTP_HOST="127.0.0.1", CREDO_SMTP_PORT=str(smtp_port),
        CREDO_WORKER_BATCH=os.environ.get("CREDO_WORKER_BATCH", "100"),
    )  # fmt: skip
    get_settings.cache_clear()
    settings = get_settings()
    ready, stop = mp.Event(), mp.Event()
    out = folder / "arrivals.json"
    child = mp.Process(target=receivers, args=(smtp_port, http_port, ready, stop, str(out)))
    child.start()
    ready.wait(30)
    url = f"http://127.0.0.1:{http_port}/hooks"
    factory, sids, bank = setup(folder, url, args.persons)
    results: dict[str, Any] = {"concurrency": settings.worker_concurrency}

    for channel in ("email", "webhook"):
        with factory() as s, s.begin():
            for n in range(args.notices):
                outbox.enqueue(
                    session=s, kind="record.changed",
                    recipient_type="subject" if channel == "email" else "furnisher",
                    recipient_id=sids[n % len(sids)] if channel == "email" else bank,
                    payload={"record": f"r-{n}", "change": "corrected", "category": "loan.opened"},
                    idempotency_key=f"tp-{channel}-{n}", channel=channel,
                )  # fmt: skip
        seconds = drain(factory, settings)
        results[f"{channel}_per_s"] = round(args.notices / seconds, 1)
        print(f"throughput {channel}: {args.notices} in {seconds:.2f} s "
              f"= {args.notices / seconds:,.0f} notices/s", flush=True)  # fmt: skip

    worker = Worker(factory, settings, name="bench-delay")
    halt = threading.Event()
    runner = threading.Thread(target=worker.run, args=(halt,), kwargs={"poll": args.poll})
    runner.start()
    committed: dict[str, float] = {}
    gap = 1.0 / args.rate
    start = time.perf_counter()
    for n in range(args.changes):
        target = start + n * gap
        if (wait := target - time.perf_counter()) > 0:
            time.sleep(wait)
        with factory() as s, s.begin():
            outbox.notify_subject(
                session=s, subject_id=sids[n % len(sids)], kind="record.changed",
                payload={"record": f"c-{n}", "change": "corrected", "category": "loan.opened"},
                idempotency_key=f"change-{n}",
            )  # fmt: skip
            outbox.enqueue(
                session=s, kind="dispute.opened", recipient_type="furnisher", recipient_id=bank,
                payload={"dispute_id": n}, idempotency_key=f"change-{n}/webhook",
                channel="webhook",
            )  # fmt: skip
        now = time.time()
        committed[f"change-{n}/email"] = now
        committed[f"change-{n}/webhook"] = now
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with factory() as s:
            left = s.scalar(select(func.count()).where(Notice.state == "pending"))
        if not left:
            break
        time.sleep(0.1)
    halt.set()
    runner.join()
    stop.set()
    child.join(60)
    arrivals = json.loads(out.read_text())
    for channel in ("email", "webhook"):
        delays = [
            (arrivals[k] - t) * 1000
            for k, t in committed.items()
            if k.endswith(channel) and k in arrivals
        ]
        missing = sum(1 for k in committed if k.endswith(channel) and k not in arrivals)
        results[f"{channel}_delay_ms"] = {
            "p50": round(percentile(delays, 0.50), 1),
            "p99": round(percentile(delays, 0.99), 1),
            "mean": round(statistics.fmean(delays), 1),
            "missing": missing,
        }
        print(f"delay {channel} over {args.changes} changes at {args.rate:g}/s: "
              f"p50 {percentile(delays, 0.5):.0f} ms, p99 {percentile(delays, 0.99):.0f} ms, "
              f"missing {missing}", flush=True)  # fmt: skip
    print(json.dumps(results))


if __name__ == "__main__":
    main()
