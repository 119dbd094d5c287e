"""Subject report latency: ``GET /v1/me/report`` for a subject with 1,000 records.

Run: ``.venv/bin/python bench/bench_report.py [--records 1000] [--requests 300]``.

A file SQLite store holds one person with N records (repayments, a judgment and listing,
a dispute and a statement) among 2,000 other subjects, a published score and a subject
token. The report endpoint is called through the ASGI app in process; the baseline is a
bare FastAPI endpoint returning a constant JSON of similar size, in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))
from _records import person_ids
from credo.api.app import create_app
from credo.config import get_settings
from credo.core.db import make_engine, session_factory
from credo.furnishers import service as furnishers
from credo.models import metadata
from credo.records.intake import validate_all, validator_for
from credo.records.service import classify, store
from credo.subjects import tokens


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    os.environ["CREDO_SECRET"] = "bench-secret"
    folder = tempfile.mkdtemp(prefix="credo-report-")
    os.environ["CREDO_DATABASE_URL"] = f"sqlite:///{folder}/credo.db"
    get_settings.cache_clear()
    engine = make_engine(os.environ["CREDO_DATABASE_URL"])
    metadata.create_all(engine)
    factory = session_factory(engine)
    ids = person_ids(2001, seed=3)
    me = ids[0]
    with factory() as s, s.begin():
        bank, _ = furnishers.add(
            session=s, name="Bank", kind="bank", categories=["loan.repayment", "loan.opened"]
        )
        validator = validator_for(categories=bank.categories, secret=b"bench-secret")
        envelopes = [
            {
                "external_id": f"r-{i}",
                "category": "loan.repayment",
                "subject": {
                    "scheme": "cn_ric",
                    "id": me if i < args.records else ids[1 + i % 2000],
                },
                "occurred_on": f"20{16 + (i % 10)}-0{1 + i % 9}-1{i % 10}",
                "amount": "100.00",
                "currency": "CNY",
                "fields": {"loan_id": f"L{i % 7}", "days_late": i % 40},
            }
            for i in range(args.records + 4000)
        ]
        for start in range(0, len(envelopes), 1000):
            valid = validate_all(validator, envelopes[start : start + 1000])
            statuses = classify(session=s, furnisher_id=bank.id, records=valid)
            store(session=s, furnisher_id=bank.id, records=valid, statuses=statuses, actor="bench")
        _, token, _ = tokens.issue(session=s, scheme="cn_ric", value=me, days=30)
    client = TestClient(create_app(get_settings(), engine=engine))
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get("/v1/me/report", headers=headers)
    assert first.status_code == 200 and len(first.json()["records"]) == args.records
    size = len(first.content)
    bare = FastAPI()
    payload = json.loads(first.content)

    @bare.get("/report")
    def report() -> dict[str, object]:
        return payload

    bare_client = TestClient(bare)
    timings: dict[str, list[float]] = {"credo": [], "bare": []}
    for _ in range(args.requests):
        for name, call in (
            ("credo", lambda: client.get("/v1/me/report", headers=headers)),
            ("bare", lambda: bare_client.get("/report")),
        ):
            started = time.perf_counter()
            assert call().status_code == 200
            timings[name].append((time.perf_counter() - started) * 1000)
    print(
        f"report of a subject with {args.records:,} records ({size / 1024:.0f} KiB JSON), "
        f"{args.requests} requests each, in process"
    )
    print("| endpoint | p50 ms | p99 ms |")
    print("| --- | --- | --- |")
    for name in ("credo", "bare"):
        values = timings[name]
        print(f"| {name} | {statistics.median(values):.1f} | {percentile(values, 0.99):.1f} |")
    ratio = percentile(timings["credo"], 0.99) / percentile(timings["bare"], 0.99)
    print(f"p99 ratio credo / bare endpoint of the same payload: {ratio:.1f}")


if __name__ == "__main__":
    main()
