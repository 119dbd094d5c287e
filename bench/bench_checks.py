"""Eligibility-check throughput and latency over loopback, against a bare FastAPI endpoint.

Run: ``.venv/bin/python bench/bench_checks.py [--subjects 2000] [--seconds 10] [--pg URL]``.

Each target runs in its own ``uvicorn`` process on 127.0.0.1 (one worker, same settings):
credo's API on a file store holding N subjects with published scores and consents, and a
bare FastAPI app whose POST returns a constant JSON. A closed loop (``--concurrency``
clients over keep-alive connections, asyncio + httpx) measures sustainable throughput; an
open loop at half that rate measures p50/p99 from each request's scheduled send time (no
coordinated omission). Every credo check is logged as an inquiry; the run checks that the
inquiry count equals the answers received.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

ANSWERED = [0]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bare_app() -> Any:
    """The baseline: FastAPI answering a constant JSON to a POST."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/v1/checks/eligibility")
    def check() -> dict[str, Any]:
        return {"eligible": True, "decision_id": "dec_0", "reason": "constant", "review": "-"}

    return app


def credo_app() -> Any:
    """credo's API on CREDO_DATABASE_URL, access routes included, rate limit out of the way."""
    from credo.access.ratelimit import TokenBuckets
    from credo.api.app import create_app
    from credo.api.routers import access

    app = create_app()
    if not any(getattr(r, "path", "") == "/v1/checks/eligibility" for r in app.routes):
        app.include_router(access.router)
    app.state.access_limiter = TokenBuckets(rate=1e9, burst=10**9)
    return app


def populate(url: str, n: int) -> tuple[str, str, list[str]]:
    """A fresh store with n subjects, scores, one party and program, everyone consenting."""
    from tests.api.helpers import make_ric

    from credo.access import parties
    from credo.access.models import Consent
    from credo.core import clock
    from credo.core.db import insert_rows, make_engine, session_factory
    from credo.models import metadata
    from credo.scores.models import ModelVersion, Score, ScoreRun
    from credo.subjects.service import identify, resolve_many

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    metadata.create_all(engine)
    rng = random.Random(7)
    values = list({make_ric(rng) for _ in range(n)})
    today, now = clock.today(), clock.now()
    with session_factory(engine)() as s, s.begin():
        ids = resolve_many(session=s, identities=[(identify("cn_ric", v), None) for v in values])
        model = ModelVersion(version="b1", model="{}", created_at=now, active=True, metrics={})
        s.add(model)
        s.flush()
        run = ScoreRun(
            started_at=now,
            engine="duckdb",
            as_of=today,
            model_version_id=model.id,
            snapshot="-",
            records=0,
            subjects=n,
            published=n,
        )
        s.add(run)
        s.flush()
        party, key = parties.add(
            session=s,
            name="Bench Rental",
            activities=["air_travel"],
            purposes=["deposit_free_rental"],
        )
        program = parties.add_program(
            session=s,
            party=party,
            name="rental",
            purpose="deposit_free_rental",
            benefit="no deposit",
            conditions=[{"score_at_least": 600}, {"not_on_list": "defaulter"}],
        )
        subject_ids = list(ids.values())
        insert_rows(
            s,
            Score.__table__,
            [
                {
                    "subject_id": i,
                    "model_version_id": model.id,
                    "run_id": run.id,
                    "as_of": today,
                    "score": rng.randrange(350, 951),
                    "band": "-",
                    "history": None,
                    "capacity": None,
                    "compliance": None,
                    "payments": None,
                    "identity": None,
                    "reasons": "[]",
                }
                for i in subject_ids
            ],
        )
        insert_rows(
            s,
            Consent.__table__,
            [
                {
                    "id": f"cns_{i:016x}",
                    "subject_id": i,
                    "party_id": party.id,
                    "scope": f"program:{program.id}",
                    "granted_at": now,
                    "expires_on": today + dt.timedelta(days=300),
                    "revoked_at": None,
                    "end_reason": None,
                }
                for i in subject_ids
            ],
        )
        program_id = program.id
    engine.dispose()
    return key, program_id, values


def cpu_seconds(pid: int) -> float:
    """User plus system CPU a process has used (Linux /proc), for a load-independent cost."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(target: str, url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "CREDO_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            f"bench.bench_checks:{target}_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/openapi.json", timeout=1)
            return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{target} server did not start")


def _request(values: list[str], program: str, rng: random.Random) -> dict[str, Any]:
    return {"subject": {"scheme": "cn_ric", "id": rng.choice(values)}, "program": program}


async def closed_loop(
    base: str,
    headers: dict[str, str],
    values: list[str],
    program: str,
    concurrency: int,
    seconds: float,
) -> tuple[float, int]:
    """Requests per second with ``concurrency`` clients back to back; and the error count."""
    done, errors = 0, 0
    rng = random.Random(1)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done, errors
            while time.perf_counter() < deadline:
                response = await client.post(
                    "/v1/checks/eligibility", json=_request(values, program, rng)
                )
                done += 1
                errors += response.status_code != 200
                ANSWERED[0] += response.status_code == 200

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - start), errors


async def open_loop(
    base: str, headers: dict[str, str], values: list[str], program: str, rate: float, seconds: float
) -> list[float]:
    """Latencies (ms, from each request's scheduled time) at a fixed arrival rate."""
    rng = random.Random(2)
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:

        async def one(at: float) -> None:
            response = await client.post(
                "/v1/checks/eligibility", json=_request(values, program, rng)
            )
            assert response.status_code == 200, response.text
            ANSWERED[0] += 1
            latencies.append((time.perf_counter() - at) * 1000)

        start, tasks = time.perf_counter(), []
        for i in range(int(rate * seconds)):
            at = start + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(at)))
        await asyncio.gather(*tasks)
    return latencies


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 10 else 0.0


def measure(
    target: str, url: str, key: str, program: str, values: list[str], args: argparse.Namespace
) -> dict[str, float]:
    process, base = serve(target, url)
    headers = {"Authorization": f"Bearer {key}"}
    try:
        asyncio.run(closed_loop(base, headers, values, program, args.concurrency, 1.0))  # warm
        before, served = cpu_seconds(process.pid), ANSWERED[0]
        rate, errors = asyncio.run(
            closed_loop(base, headers, values, program, args.concurrency, args.seconds)
        )
        cpu_ms = (cpu_seconds(process.pid) - before) * 1000 / max(1, ANSWERED[0] - served)
        answered = [ANSWERED[0]]
        assert errors == 0, f"{errors} failed requests"
        half = asyncio.run(open_loop(base, headers, values, program, rate / 2, args.seconds))
        answered = [ANSWERED[0]]
    finally:
        process.terminate()
        process.wait(10)
    return {
        "rps": rate,
        "p50": p(half, 0.5),
        "p99": p(half, 0.99),
        "answered": answered[0],
        "cpu_ms": cpu_ms,
    }


def run(label: str, url: str, args: argparse.Namespace) -> None:
    key, program, values = populate(url, args.subjects)
    bare = measure("bare", url, key, program, values, args)
    ANSWERED[0] = 0
    credo = measure("credo", url, key, program, values, args)
    from credo.core.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        logged = conn.execute(text("SELECT count(*) FROM inquiries")).scalar_one()
    engine.dispose()
    print(
        f"{label}: {args.subjects} subjects, concurrency {args.concurrency}, "
        f"{args.seconds:.0f} s per phase; inquiries logged: {logged}"
    )
    print(
        f"  bare FastAPI   {bare['rps']:8.0f} req/s; at half rate p50 {bare['p50']:.1f} ms, "
        f"p99 {bare['p99']:.1f} ms"
    )
    print(
        f"  eligibility    {credo['rps']:8.0f} req/s; at half rate p50 {credo['p50']:.1f} ms, "
        f"p99 {credo['p99']:.1f} ms"
    )
    print(f"  ratio to bare  {credo['rps'] / bare['rps']:.2f}")
    print(
        f"  server CPU per request: bare {bare['cpu_ms']:.2f} ms, eligibility "
        f"{credo['cpu_ms']:.2f} ms (ratio {bare['cpu_ms'] / credo['cpu_ms']:.2f}); one idle "
        f"core would serve {1000 / credo['cpu_ms']:.0f} checks/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pg", help="also run on this PostgreSQL URL (its schema is replaced)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite (WAL, synchronous=FULL)", f"sqlite:///{folder}/bench.db", args)
    if args.pg:
        run("PostgreSQL", args.pg, args)


if __name__ == "__main__":
    main()
