"""Loopback load generator for the reliability run: intake, restriction checks and reports.

Starts ``credo serve`` on 127.0.0.1 over a fresh SQLite store, drives it with an asyncio
httpx client at a fixed (open-loop) request rate for a bounded time and request count,
samples the server's RSS from /proc once a second, and stops by itself.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session

OPERATOR = "load-operator-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _ric(rng: random.Random) -> str:
    from stdnum.cn import ric

    body = f"110105{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    rss: list[int] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def p(self, q: float, kind: str | None = None) -> float:
        values = sorted(v for k, vs in self.latencies.items() if kind in (None, k) for v in vs)
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0

    def summary(self) -> dict[str, Any]:
        kinds = sorted(self.latencies)
        third = max(1, len(self.rss) // 3)
        first, last = self.rss[third : 2 * third] or self.rss, self.rss[-third:] or self.rss
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 1),
            "rate": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(self.p(0.50), 1),
            "p99_ms": round(self.p(0.99), 1),
            "p99_ms_by_kind": {k: round(self.p(0.99, k), 1) for k in kinds},
            "rss_mib_middle": round(statistics.median(first) / 2**20, 1) if first else 0,
            "rss_mib_end": round(statistics.median(last) / 2**20, 1) if last else 0,
            "error_samples": self.error_samples[:5],
        }


class Server:
    """``credo serve`` on loopback over a seeded store; a context manager."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.keys: dict[str, str] = {}
        self.people: list[str] = []

    def _seed(self, env: dict[str, str]) -> None:
        from credo.access import parties
        from credo.core.db import make_engine
        from credo.furnishers import service as furnishers
        from credo.models import metadata

        engine = make_engine(env["CREDO_DATABASE_URL"])
        metadata.create_all(engine)
        with Session(engine) as s, s.begin():
            _, fkey = furnishers.add(session=s, name="Load Bank", kind="bank",
                                     categories=["loan.repayment"])  # fmt: skip
            _, pkey = parties.add(session=s, name="Load Airline", activities=["air_travel"],
                                  purposes=["restriction_check"])  # fmt: skip
        engine.dispose()
        self.keys = {"furnisher": fkey, "party": pkey}

    def __enter__(self) -> Server:
        env = {**os.environ, "CREDO_DATABASE_URL": f"sqlite:///{self.folder}/load.db",
               "CREDO_DATA_DIR": str(self.folder), "CREDO_OPERATOR_KEY": OPERATOR,
               "CREDO_SECRET": "load-secret"}  # fmt: skip
        saved = {k: os.environ.get(k) for k in env if k.startswith("CREDO_")}
        os.environ.update({k: v for k, v in env.items() if k.startswith("CREDO_")})
        try:
            from credo.config import get_settings

            get_settings.cache_clear()
            self._seed(env)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        credo = Path(sys.executable).parent / "credo"
        exe = str(credo) if credo.exists() else (shutil.which("credo") or "credo")
        self.process = subprocess.Popen(
            [exe, "serve", "--host", "127.0.0.1", "--port", str(self.port)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("credo serve did not start")

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def _drive(server: Server, rate: float, seconds: float, max_requests: int,
                 concurrency: int) -> LoadResult:  # fmt: skip
    assert server.url.startswith("http://127.0.0.1:"), "loopback only"
    result = LoadResult()
    rng = random.Random(11)
    people = [_ric(rng) for _ in range(500)]
    fh = {"Authorization": f"Bearer {server.keys['furnisher']}"}
    ph = {"Authorization": f"Bearer {server.keys['party']}"}
    gate = asyncio.Semaphore(concurrency)
    counter = 0

    async def one(client: httpx.AsyncClient, n: int) -> None:
        kind = ("intake", "check", "read")[n % 3]
        person = people[n % len(people)]
        async with gate:
            start = time.perf_counter()
            try:
                if kind == "intake":
                    body = {"records": [{"external_id": f"load-{n}", "category": "loan.repayment",
                            "subject": {"scheme": "cn_ric", "id": person},
                            "occurred_on": "2026-03-01", "amount": "10.00", "currency": "CNY",
                            "fields": {"loan_id": f"L-{n}", "days_late": n % 9}}]}  # fmt: skip
                    answer = await client.post("/v1/records", json=body, headers=fh)
                    ok = answer.status_code in (200, 201)
                elif kind == "check":
                    body = {"subject": {"scheme": "cn_ric", "id": person}, "activity": "air_travel"}
                    answer = await client.post("/v1/checks/restriction", json=body, headers=ph)
                    ok = answer.status_code == 200
                else:
                    answer = await client.get("/v1/audit/checkpoint")
                    if answer.status_code == 404:  # audit router not wired yet: the catalogue
                        answer = await client.get("/v1/catalogue")
                    ok = answer.status_code == 200
                if not ok:
                    result.error_samples.append(f"{kind} {answer.status_code} {answer.text[:200]}")
            except httpx.HTTPError as exc:
                ok = False
                result.error_samples.append(f"{kind} {exc!r}")
            result.latencies.setdefault(kind, []).append(time.perf_counter() - start)
            result.requests += 1
            result.errors += not ok

    async def sample_rss() -> None:
        assert server.process is not None
        while True:
            result.rss.append(_rss(server.process.pid))
            await asyncio.sleep(1)

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as client:
        sampler = asyncio.create_task(sample_rss())
        tasks: list[asyncio.Task[None]] = []
        begin = time.perf_counter()
        while counter < max_requests:
            due = begin + counter / rate
            now = time.perf_counter()
            if now - begin >= seconds:
                break
            if due > now:
                await asyncio.sleep(due - now)
            tasks.append(asyncio.create_task(one(client, counter)))
            counter += 1
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
        result.seconds = time.perf_counter() - begin
        sampler.cancel()
    return result


def run_load(folder: Path, *, rate: float, seconds: float, max_requests: int = 1_000_000,
             concurrency: int = 16) -> dict[str, Any]:  # fmt: skip
    """One bounded run at a fixed rate; returns the summary."""
    with Server(folder) as server:
        return asyncio.run(_drive(server, rate, seconds, max_requests, concurrency)).summary()


def find_sustainable(folder: Path, seconds: float = 20) -> float:
    """Requests/s with 16 in flight and no pacing: the rate the server sustains here."""
    with Server(folder) as server:
        result = asyncio.run(_drive(server, 10_000, seconds, 1_000_000, 16))
    return result.requests / result.seconds
