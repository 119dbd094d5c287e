"""The public register at scale: grading, open-data export, organisation JSON latency, 304s.

Usage: python bench/bench_register.py [--n 1000000] [--requests 2000] [--seconds 10]

Builds a file SQLite store with N organisations and their public records (a licence each,
a food, drug or construction inspection for two in three, a penalty for one in five, a
judgment for one in twenty), then measures:

* ``register.service.publish`` over every organisation (grades and safety ratings);
* ``register.export.export``: the dated Parquet + CSV + schema + manifest + checksums;
* ``GET /v1/public/organisations/{uscc}`` through uvicorn (``credo serve``, one process),
  sequential requests for random organisations with httpx: p50 / p99 latency;
* throughput of full answers vs 304 answers (``If-None-Match``) with wrk (2 threads,
  16 connections) when ``wrk`` is installed (``scripts/system-deps.sh``), else with a
  thread pool of httpx clients (noted in the output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from credo.core.db import insert_rows, make_engine, session_factory
from credo.furnishers import service as furnishers
from credo.models import metadata
from credo.records.models import Record
from credo.register import export, service
from credo.subjects.models import Subject

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import generate

DOMAINS = ("food_safety", "drug_safety", "construction_safety")


def build(url: str, n: int) -> list[str]:
    engine = make_engine(url)
    metadata.create_all(engine)
    factory = session_factory(engine)
    names, _ = generate(n)
    codes = valid_codes(n)
    rng = np.random.default_rng(5)
    today = dt.date(2026, 11, 21)
    now = dt.datetime.now(dt.UTC)
    with factory() as s, s.begin():
        regulator, _ = furnishers.add(
            session=s, name="Bench Regulator", kind="regulator",
            categories=["licence.granted", "inspection.result", "penalty.imposed"])
        court, _ = furnishers.add(session=s, name="Bench Court", kind="court",
                                  categories=["court.judgment"])
        fid, cid = regulator.id, court.id
    with factory() as s, s.begin():
        for start in range(0, n, 100_000):
            insert_rows(s, Subject.__table__, [
                {"kind": "organisation", "scheme": "cn_uscc", "lookup_key": code,
                 "display_id": code, "name": name, "birth_date": None, "created_at": now}
                for name, code in zip(names[start:start + 100_000],
                                      codes[start:start + 100_000], strict=True)])
    ages = rng.integers(1, 700, (n, 4))
    grades = rng.choice(np.array(list("ABCD")), n)
    severities = rng.choice(np.array(["minor", "general", "serious"]), n)
    rows: list[dict[str, object]] = []

    def add(sid: int, furnisher: str, ext: str, category: str, age: int,
            fields: dict[str, object]) -> None:
        rows.append({"furnisher_id": furnisher, "external_id": ext, "category": category,
                     "subject_id": sid, "occurred_on": today - dt.timedelta(days=int(age)),
                     "amount_minor": None, "currency": None, "legal_basis": "bench",
                     "fields": json.dumps(fields, sort_keys=True, separators=(",", ":")),
                     "state": "active", "version": 1, "content_hash": "0" * 64,
                     "received_at": now})

    with factory() as s, s.begin():
        for i in range(n):
            sid = i + 1
            add(sid, fid, f"l{sid}", "licence.granted", ages[i, 0] + 300,
                {"licence_number": f"L{sid}", "licence_type": "general_business"})
            if i % 3:
                add(sid, fid, f"i{sid}", "inspection.result", ages[i, 1],
                    {"inspection_id": f"I{sid}", "domain": DOMAINS[i % 3],
                     "grade": str(grades[i])})
            if i % 5 == 0:
                add(sid, fid, f"p{sid}", "penalty.imposed", ages[i, 2],
                    {"decision_number": f"P{sid}", "authority": "Bench",
                     "domain": DOMAINS[i % 3], "severity": str(severities[i])})
            if i % 20 == 0:
                add(sid, cid, f"j{sid}", "court.judgment", ages[i, 3],
                    {"case_number": f"C{sid}", "court_name": "Bench Court",
                     "judgment_type": "monetary", "due_on": "2026-01-01"})
            if len(rows) >= 100_000:
                insert_rows(s, Record.__table__, rows)
                rows.clear()
        if rows:
            insert_rows(s, Record.__table__, rows)
    engine.dispose()
    return codes


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])


def valid_codes(n: int) -> list[str]:
    """N distinct valid USCCs: 91, a division, 9 digits and the GB 32100 check character."""
    rng = np.random.default_rng(13)
    divisions = rng.integers(110000, 660000, n)
    serials = (np.arange(n, dtype=np.int64) * 7919 + 104729) % 10**9  # distinct: 7919 prime
    bodies = [f"91{d:06d}{s:09d}" for d, s in zip(divisions, serials, strict=True)]
    digits = np.frombuffer("".join(bodies).encode(), dtype=np.uint8).reshape(n, 17) - 48
    checks = (31 - (digits.astype(np.int64) @ WEIGHTS) % 31) % 31
    return [b + ALPHABET[c] for b, c in zip(bodies, checks, strict=True)]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wrk(url: str, seconds: int, header: str | None) -> float:
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", url]
    if header:
        cmd[1:1] = ["-H", header]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    assert found, out
    return float(found.group(1))


def _pool(url: str, seconds: int, headers: dict[str, str]) -> float:
    from concurrent.futures import ThreadPoolExecutor

    def worker() -> int:
        done, end = 0, time.monotonic() + seconds
        with httpx.Client() as client:
            while time.monotonic() < end:
                client.get(url, headers=headers)
                done += 1
        return done

    with ThreadPoolExecutor(8) as pool:
        total = sum(pool.map(lambda _: worker(), range(8)))
    return total / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--grade", type=int, default=100_000,
                        help="organisations graded by the policy (the rest get synthetic grades)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="credo-bench-register-"))
    url = f"sqlite:///{folder}/bench.db"
    t0 = time.perf_counter()
    codes = build(url, args.n)
    print(f"organisations            {args.n:,} (store built in {time.perf_counter() - t0:.1f} s)")
    engine = make_engine(url)
    factory = session_factory(engine)
    sample = min(args.n, args.grade)
    t0 = time.perf_counter()
    with factory() as s, s.begin():
        done = service.publish(
            session=s, as_of=dt.date(2026, 11, 21), subject_ids=range(1, sample + 1)
        )
    took = time.perf_counter() - t0
    print(f"publish grades+ratings   {took:.1f} s for {sample:,} ({done}); "
          f"{took / sample * 100_000:.1f} s per 100,000")
    if sample < args.n:  # the rest get a synthetic grade and rating (export input only)
        from bench_search import grade_register

        grade_register(factory, args.n, start=sample + 1)
    t0 = time.perf_counter()
    with factory() as s, s.begin():
        manifest = export.export(session=s, folder=folder / "open-data")
    took = time.perf_counter() - t0
    size = sum(f["bytes"] for f in manifest["files"]) / 1e6
    print(f"open-data export         {took:.1f} s ({manifest['rows']}, {size:,.0f} MB)"
          f" (target < 60 s)")
    engine.dispose()

    port = _port()
    env = dict(os.environ, CREDO_DATABASE_URL=url, CREDO_PUBLIC_RATE="0",
               CREDO_DATA_DIR=str(folder))
    server = subprocess.Popen(
        [sys.executable, "-c", "from credo.cli.main import app; app()", "serve",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1/public/organisations/"
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        rng = np.random.default_rng(9)
        picks = [codes[int(k)] for k in rng.integers(0, len(codes), args.requests)]
        latencies = []
        with httpx.Client() as client:
            client.get(base + picks[0])
            for code in picks:
                t = time.perf_counter()
                r = client.get(base + code)
                latencies.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text
            one = base + picks[0]
            tag = client.get(one).headers["etag"]
            assert client.get(one, headers={"If-None-Match": tag}).status_code == 304
        p50, p99 = np.percentile(latencies, 50), np.percentile(latencies, 99)
        print(f"organisation JSON        p50 {p50:.2f} ms  p99 {p99:.2f} ms over "
              f"{len(latencies):,} sequential requests (target p99 <= 20 ms)")
        if shutil.which("wrk"):
            full = _wrk(one, args.seconds, None)
            cached = _wrk(one, args.seconds, f"If-None-Match: {tag}")
            tool = "wrk -t2 -c16"
        else:
            full = _pool(one, args.seconds, {})
            cached = _pool(one, args.seconds, {"If-None-Match": tag})
            tool = "8 httpx threads (wrk not installed)"
        print(f"full answers             {full:,.0f} req/s ({tool}, {args.seconds} s)")
        print(f"304 answers              {cached:,.0f} req/s; ratio {cached / full:.1f}x"
              " (target >= 5x)")
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
