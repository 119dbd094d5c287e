"""Eligibility-check throughput and latency with wrk, against a bare FastAPI endpoint.

Run: ``.venv/bin/python bench/bench_checks.py [--subjects 2000] [--seconds 10]
[--workers 1 2] [--pg URL] [--timing]``. PostgreSQL with durable commits, as measured
in docs/performance.md (``scripts/with-postgres.sh`` runs the tests' server without fsync):
``CREDO_PG_OPTIONS="-c fsync=on -c full_page_writes=on" bash scripts/with-postgres.sh bash -c
'.venv/bin/python bench/bench_checks.py --workers 1 2 --pg "$CREDO_TEST_DATABASE_URL"'``; the
header names the server's ``fsync`` and ``synchronous_commit``.

Each target runs as ``uvicorn --workers N`` on 127.0.0.1 (same settings): credo's API on a
file store holding N subjects with published scores and consents (rate limit on, shared by
the workers, set high enough not to refuse), and a bare FastAPI app whose POST returns a
constant JSON. The load comes from Debian's ``wrk`` (C, no Python client overhead) with a
Lua script that builds each POST body from a random subject:

- closed loop: ``--connections`` connections back to back, for throughput;
- open loop at half that rate: wrk2 is not in Debian, so the Lua ``delay()`` hands each
  thread's next request a slot on a fixed schedule (start + i / rate) over 4x the
  connections; requests that could only be sent after their slot are counted ("late") and
  p50/p99 are wrk's, from each send.

Every credo check is logged as an inquiry; the run checks that the inquiry count equals the
answers received, prints the disk's fsync latency (the floor of a durable answer) and, with
more than one worker, how many checks a low rate limit lets through (one bucket per key
shared by the workers, not one each). ``--timing`` measures refused checks of known and
unknown subjects in process through ``access.hotpath.decide`` (interleaved; on PostgreSQL
on the loop's own connection, the path that serves) and prints their medians, Mann-Whitney U and
Kolmogorov-Smirnov tests.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import random
import re
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

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } timespec_t;
int clock_gettime(int clk, timespec_t *tp);
]]
local ts = ffi.new("timespec_t")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local values = {VALUES}
local program = "PROGRAM"
local rate = RATE          -- requests a second for this thread; 0 = closed loop
local threads = {}
local start, n = nil, 0
late, errors = 0, 0  -- globals: done() reads them from each thread
math.randomseed(SEED)

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(SEED + id)
end

function request()
  local value = values[math.random(#values)]
  local body = '{"subject":{"scheme":"cn_ric","id":"' .. value
    .. '"},"program":"' .. program .. '"}'
  return wrk.format("POST", "/v1/checks/eligibility",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer KEY"}, body)
end

function delay()
  if rate <= 0 then return 0 end
  local now = now_ms()
  if start == nil then start = now end
  local slot = start + n * 1000 / rate
  n = n + 1
  if slot < now - 1 then late = late + 1 end
  return math.max(0, slot - now)
end

function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  local l, e = 0, 0
  for _, t in ipairs(threads) do
    l = l + t:get("late")
    e = e + t:get("errors")
  end
  io.write(string.format("RESULT %d %d %f %f %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, l, e,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def bare_app() -> Any:
    """The baseline: FastAPI answering a constant JSON to a POST."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/v1/checks/eligibility")
    def check() -> dict[str, Any]:
        return {"eligible": True, "decision_id": "dec_0", "reason": "constant", "review": "-"}

    return app


def credo_app() -> Any:
    """credo's API on CREDO_DATABASE_URL, as ``credo serve`` builds it."""
    from credo.api.app import create_app

    return create_app()


def traced_app() -> Any:
    """credo's API with where a check's time goes recorded (``--trace``): each request's
    time in the app, its wait for its inquiry's group, and each group's size and commit
    time (on SQLite the writer thread's, on PostgreSQL the loop writer's), written as JSON
    to CREDO_BENCH_TRACE when the server shuts down."""
    from credo.access import inquirylog

    trace: dict[str, list[Any]] = {
        "app": [], "inquiry": [], "groups": [], "queued": [], "woken": [], "gc": [], "slow": []
    }
    began = [time.perf_counter()]
    collecting: list[float] = [0.0]

    def collected(phase: str, info: dict[str, int]) -> None:  # the collector's pauses
        if phase == "start":
            collecting[0] = time.perf_counter()
        else:
            trace["gc"].append((info["generation"], time.perf_counter() - collecting[0]))

    gc.callbacks.append(collected)
    asked: dict[int, float] = {}  # an inquiry's row (by id) -> when it was handed over
    committed: dict[int, float] = {}  # -> when its group's commit ended

    def timed_sync(insert: Any) -> Any:
        def timed(self: Any, rows: list[Any]) -> None:
            start = time.perf_counter()
            try:
                insert(self, rows)
            finally:
                end = time.perf_counter()
                trace["groups"].append((len(rows), end - start))
                for row in rows:
                    trace["queued"].append(start - asked.get(id(row), start))
                    committed[id(row)] = end

        return timed

    settle = inquirylog._settle

    def settled(waiters: list[Any]) -> None:  # on the loop, for the writer thread's groups
        now = time.perf_counter()
        for waiter in waiters:
            trace["woken"].append(now - committed.pop(id(waiter.row), now))
        settle(waiters)

    inquirylog._settle = settled

    def timed_async(insert: Any) -> Any:
        async def timed(self: Any, rows: list[Any]) -> None:
            start = time.perf_counter()
            try:
                await insert(self, rows)
            finally:
                trace["groups"].append((len(rows), time.perf_counter() - start))

        return timed

    inquirylog.GroupCommit._insert = timed_sync(inquirylog.GroupCommit._insert)
    inquirylog.LoopGroupCommit._insert = timed_async(inquirylog.LoopGroupCommit._insert)
    write_async = inquirylog.write_async

    async def waited(engine: Any, row: Any) -> None:
        start = asked[id(row)] = time.perf_counter()
        try:
            await write_async(engine, row)
        finally:
            asked.pop(id(row), None)
        trace["inquiry"].append(time.perf_counter() - start)

    inquirylog.write_async = waited
    app = credo_app()

    async def timed_app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/_trace/reset":  # after the warm-up
            for values in trace.values():
                values.clear()
            began[0] = time.perf_counter()
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["type"] == "lifespan":  # written at shutdown (uvicorn then re-raises SIGTERM)

            async def written(message: Any) -> None:
                if message["type"] == "lifespan.shutdown.complete":
                    Path(os.environ["CREDO_BENCH_TRACE"]).write_text(json.dumps(trace))
                await send(message)

            await app(scope, receive, written)
            return
        start = time.perf_counter()
        await app(scope, receive, send)
        if scope["type"] == "http":
            took = time.perf_counter() - start
            trace["app"].append(took)
            if took > 0.02:  # when, after the reset, the slow ones ended
                trace["slow"].append((round(time.perf_counter() - began[0], 3), took))

    return timed_app


def trace_summary(path: Path) -> str:
    """``traced_app``'s record as percentiles (ms)."""
    trace = json.loads(path.read_text())

    def spread(values: list[float]) -> str:
        if len(values) < 2:
            return "-"
        q = statistics.quantiles([v * 1000 for v in values], n=100)
        return f"p50 {q[49]:.1f}, p99 {q[98]:.1f}, max {max(values) * 1000:.1f} ms"

    sizes = [n for n, _ in trace["groups"]]
    woken = (
        f"; of which before its group began {spread(trace['queued'])}, from its group's "
        f"commit to the loop resolving it {spread(trace['woken'])}"
        if trace["woken"]
        else ""
    )
    return (
        f"in the app {spread(trace['app'])}; waiting for the inquiry's group "
        f"{spread(trace['inquiry'])}{woken}; group commit "
        f"{spread([t for _, t in trace['groups']])} ({len(sizes)} groups, "
        f"{statistics.mean(sizes or [0]):.1f} inquiries each, largest {max(sizes or [0])})"
        + "; garbage collections "
        + ", ".join(
            f"generation {g}: {len(ts)}, max {max(ts) * 1000:.1f} ms"
            for g in (0, 1, 2)
            if (ts := [t for gen, t in trace.get("gc", []) if gen == g])
        )
        + (
            f"; {len(slow)} over 20 ms in the app, ending at "
            + ", ".join(f"{at:.2f} s" for at, _ in slow[:8])
            + " after the start"
            if (slow := trace.get("slow", []))
            else ""
        )
    )


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
            finished_at=now,  # a closed run: readers see only closed runs' scores
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
    """User plus system CPU of a process and its children (Linux /proc), load-independent."""
    total = 0.0
    for child in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        for kid in map(int, kids):
            found += [kid, *_children(kid)]
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(
    target: str,
    url: str,
    workers: int,
    rate: float = 1e6,
    burst: int = 1_000_000,
    trace: Path | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        "CREDO_BENCH_TRACE": str(trace or ""),
        **os.environ,
        "CREDO_DATABASE_URL": url,
        # this tree's credo, also when the bench runs from a copy (a before/after run)
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        # on and shared across workers; by default never refusing
        "CREDO_PARTY_RATE": repr(rate),
        "CREDO_PARTY_BURST": str(burst),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            f"bench.bench_checks:{'traced' if trace else target}_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(base + "/openapi.json", timeout=1)
            time.sleep(1.0 if workers > 1 else 0.0)  # let every worker come up
            return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{target} server did not start")


def wrk(
    base: str, script: Path, seconds: float, connections: int, threads: int = 2
) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:.0f}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+) (\d+) (\d+)", out)
    assert match, out
    requests, duration, p50, p99, late, bad, socket_errors = match.groups()
    return {
        "requests": int(requests),
        "rps": int(requests) / (int(duration) / 1e6),
        "p50": float(p50),
        "p99": float(p99),
        "late": int(late),
        "refused": int(bad),  # answered, but not 200 (wrk's status errors count them too)
        "errors": int(bad) + int(socket_errors),
    }


def lua(folder: Path, name: str, key: str, program: str, values: list[str], rate: float) -> Path:
    script = folder / f"{name}.lua"
    quoted = ",".join(json.dumps(v) for v in values)
    script.write_text(
        LUA.replace("{VALUES}", "{" + quoted + "}")
        .replace("PROGRAM", program)
        .replace("KEY", key)
        .replace("RATE", repr(rate))
        .replace("SEED", "7")
    )
    return script


def measure(
    target: str,
    url: str,
    key: str,
    program: str,
    values: list[str],
    args: argparse.Namespace,
    workers: int,
    folder: Path,
) -> dict[str, Any]:
    # a fresh server per phase, warmed with few connections (the requests wrk cuts off when
    # it stops still run; they used to starve the store pool, docs/access.md)
    closed = lua(folder, "closed", key, program, values, 0)
    process, base = serve(target, url, workers)
    try:
        warm = wrk(base, closed, 2, 4)  # warm every worker
        before = cpu_seconds(process.pid)
        full = wrk(base, closed, args.seconds, args.connections)
        cpu_ms = (cpu_seconds(process.pid) - before) * 1000 / max(1, full["requests"])
        assert full["errors"] == 0, f"{target}: {full['errors']} failed requests"
    finally:
        process.terminate()
        process.wait(60)
    per_thread = full["rps"] / 2 / 2  # half the rate, over wrk's 2 threads
    opened = lua(folder, "open", key, program, values, per_thread)
    trace = folder / "trace.json" if args.trace and target == "credo" else None
    process, base = serve(target, url, workers, trace=trace)
    try:
        warm2 = wrk(base, closed, 2, 4)
        if trace is not None:
            httpx.get(base + "/_trace/reset")
        half = wrk(base, opened, args.seconds, args.connections * 4)
        assert half["errors"] == 0, f"{target}: {half['errors']} failed requests"
    finally:
        process.terminate()
        process.wait(60)
    traced = {"trace": trace_summary(trace)} if trace is not None else {}
    return {
        **traced,
        "rps": full["rps"],
        "half_rps": half["rps"],
        "p50": half["p50"],
        "p99": half["p99"],
        "late": half["late"],
        "answered": warm["requests"] + full["requests"] + warm2["requests"] + half["requests"],
        "cpu_ms": cpu_ms,
    }


def rate_limit(
    url: str, key: str, program: str, values: list[str], workers: int, folder: Path
) -> str:
    """With a low rate, how many checks N workers answer 200: one shared bucket per key
    allows burst + rate x seconds, N separate ones up to N times that."""
    rate, burst, seconds = 50.0, 50, 4
    process, base = serve("credo", url, workers, rate, burst)
    try:
        got = wrk(base, lua(folder, "closed", key, program, values, 0), seconds, 8)
    finally:
        process.terminate()
        process.wait(60)
    answered = got["requests"] - got["refused"]
    allowed = burst + rate * seconds
    return (
        f"rate limit {rate:.0f}/s, burst {burst}, {workers} worker(s), {seconds} s: "
        f"{answered} answered, {got['refused']} refused (one shared bucket allows about "
        f"{allowed:.0f}; {workers} separate ones up to {workers * allowed:.0f})"
    )


def fsync_floor(folder: Path, n: int = 200) -> str:
    """The disk's fsync latency where the store lives: the floor of a durable answer."""
    path = folder / "fsync.probe"
    took = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        for _ in range(n):
            os.write(fd, b"x" * 4096)
            start = time.perf_counter()
            os.fsync(fd)
            took.append((time.perf_counter() - start) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    q = statistics.quantiles(took, n=100)
    return f"fsync of 4 KiB here: p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms"


def run(label: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    key, program, values = populate(url, args.subjects)
    from credo.core.db import make_engine

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":  # is a commit durable on this server?
        with engine.connect() as conn:
            label += " (" + ", ".join(
                f"{name}={conn.execute(text(f'SHOW {name}')).scalar_one()}"
                for name in ("fsync", "synchronous_commit")
            ) + ")"
    engine.dispose()

    for workers in args.workers:
        results = {}
        for target in ("bare", "credo"):
            engine = make_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM inquiries"))
            engine.dispose()
            results[target] = measure(target, url, key, program, values, args, workers, folder)
        engine = make_engine(url)
        with engine.connect() as conn:
            logged = conn.execute(text("SELECT count(*) FROM inquiries")).scalar_one()
        engine.dispose()
        bare, credo = results["bare"], results["credo"]
        print(
            f"{label}, {workers} worker(s): {args.subjects} subjects, {args.connections} "
            f"connections, {args.seconds:.0f} s per phase, load average "
            f"{os.getloadavg()[0]:.1f}; inquiries logged {logged}, answers received "
            f"{credo['answered']} (wrk drops the replies in flight when it stops)"
        )
        for name, r in (("bare FastAPI", bare), ("eligibility", credo)):
            print(
                f"  {name:13s} {r['rps']:7.0f} req/s closed loop; open loop at "
                f"{r['half_rps']:.0f} req/s: p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms "
                f"({r['late']} sent late); server CPU {r['cpu_ms']:.2f} ms/request"
            )
        if "trace" in credo:
            print(f"  where the open loop's time went, server side: {credo['trace']}")
        print(
            f"  ratio to bare: throughput {credo['rps'] / bare['rps']:.2f}, CPU per request "
            f"{bare['cpu_ms'] / credo['cpu_ms']:.2f}"
        )
        print(f"  {fsync_floor(folder)} (every answer waits for its inquiry's)")
        if workers > 1:
            print("  " + rate_limit(url, key, program, values, workers, folder))


def timing(url: str, args: argparse.Namespace) -> None:
    """Refused checks (no consent): known vs unknown subjects, interleaved, in process."""
    from scipy import stats
    from tests.api.helpers import make_ric

    from credo.access import driver, hotpath
    from credo.core.db import make_engine
    from credo.errors import Forbidden

    key, program, values = populate(url, args.subjects)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM consents"))  # everyone known, no one consenting
    rng = random.Random(11)
    unknown = [make_ric(rng) for _ in range(args.subjects)]
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    order = ["known", "unknown"] * args.timing_n
    rng.shuffle(order)

    async def refuse(value: str) -> None:  # the path that serves this store
        await hotpath.decide(engine, key, "cn_ric", value, program, lambda _party: None)

    async def timed() -> None:
        for i, who in enumerate(["known", "unknown"] * 50 + order):
            value = rng.choice(values if who == "known" else unknown)
            start = time.perf_counter_ns()
            try:  # authentication from the cache, the one statement, no answer
                await refuse(value)
            except Forbidden:
                pass
            else:
                raise AssertionError("a check without consent was answered")
            took = (time.perf_counter_ns() - start) / 1000
            if i >= 100:  # the first 100 warm up
                times[who].append(took)
        await driver.close_loop()

    asyncio.run(timed())
    engine.dispose()
    known, unk = times["known"], times["unknown"]
    mk, mu = statistics.median(known), statistics.median(unk)
    mw = stats.mannwhitneyu(known, unk)
    ks = stats.ks_2samp(known, unk)
    print(
        f"refused checks, {len(known)} known and {len(unk)} unknown subjects, interleaved "
        f"(load average {os.getloadavg()[0]:.1f}):"
    )
    print(
        f"  median known {mk:.1f} us, unknown {mu:.1f} us, difference {mk - mu:+.1f} us "
        f"({(mk - mu) / mu * 100:+.1f} %)"
    )
    q = statistics.quantiles
    print(
        f"  p10/p90 known {q(known, n=10)[0]:.1f}/{q(known, n=10)[-1]:.1f} us, unknown "
        f"{q(unk, n=10)[0]:.1f}/{q(unk, n=10)[-1]:.1f} us"
    )
    print(f"  Mann-Whitney U p = {mw.pvalue:.3f}; Kolmogorov-Smirnov D = {ks.statistic:.3f}, "
          f"p = {ks.pvalue:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--pg", help="also run on this PostgreSQL URL (its schema is replaced)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--timing", action="store_true", help="refused-check timing instead")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="in the open loop, record each check's time in the app, its inquiry's wait "
        "and the group commits (1 worker)",
    )
    parser.add_argument("--timing-n", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.timing:
            timing(args.pg or f"sqlite:///{folder}/timing.db", args)
            return
        if not args.no_sqlite:
            url = f"sqlite:///{folder}/bench.db"
            run("SQLite (WAL, synchronous=FULL)", url, args, Path(folder))
        if args.pg:
            run("PostgreSQL", args.pg, args, Path(folder))


if __name__ == "__main__":
    main()
