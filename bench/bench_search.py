"""Organisation search p50/p99 over N organisations, as a ratio to the bare FTS5 query.

Usage: python bench/bench_search.py [--n 1000000] [--queries 1000]

Builds a file SQLite store with N organisation subjects (names and USCC-shaped codes drawn
with NumPy, inserted with ``credo.core.db.insert_rows``), indexes them with
``credo.register.search.sync``, then times the same queries through ``register.search.search`` (the
page's path: sync check, MATCH, join to subjects, organisation filter) and through a bare
``SELECT rowid FROM org_search WHERE org_search MATCH ? ORDER BY rank LIMIT 20`` on sqlite3.
It also times the public register's search (``GET /v1/public/organisations`` without the
HTTP layer: ``register.search.graded_page``, each hit's grade and safety ratings),
with a grade for every organisation and a food rating for one in three.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from credo.core.db import insert_rows, make_engine, session_factory
from credo.models import metadata
from credo.register import search
from credo.register.models import OrgGrade, SafetyRating
from credo.subjects.models import Subject

CITIES = ["Beijing", "Shanghai", "Shenzhen", "Guangzhou", "Chengdu", "Hangzhou", "Wuhan",
          "Tianjin", "Nanjing", "Xian", "Chongqing", "Suzhou", "Qingdao", "Dalian", "Xiamen",
          "Kunming", "Harbin", "Changsha", "Zhengzhou", "Jinan"]
WORDS = ["Foods", "Harbour", "Construction", "Pharmacy", "Textiles", "Logistics", "Steel",
         "Software", "Trading", "Machinery", "Energy", "Electronics", "Printing", "Dairy",
         "Garments", "Ceramics", "Furniture", "Chemicals", "Agriculture", "Tea", "Paper",
         "Glass", "Motors", "Optics", "Packaging", "Medical", "Water", "Bamboo", "Silk",
         "Jade", "Lantern", "Orchid", "Phoenix", "Dragon", "Pearl", "Summit", "Golden",
         "Evergreen", "Harmony", "Prosper"]
SUFFIX = ["Ltd", "Co", "Group", "Holdings", "Corporation", "Partnership"]
ALNUM = np.array(list("0123456789ABCDEFGHJKLMNPQRTUWXY"))


def generate(n: int, seed: int = 7) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    c = rng.integers(0, len(CITIES), n)
    w1 = rng.integers(0, len(WORDS), n)
    w2 = rng.integers(0, len(WORDS), n)
    sx = rng.integers(0, len(SUFFIX), n)
    serial = rng.integers(0, 10_000, n)
    names = [f"{CITIES[a]} {WORDS[b]} {WORDS[d]} {s} {SUFFIX[e]}"
             for a, b, d, s, e in zip(c, w1, w2, serial, sx, strict=True)]
    body = ALNUM[rng.integers(0, len(ALNUM), (n, 16))]
    codes = ["9" + "".join(row) + "X" for row in body]
    return names, codes


def grade_register(factory: object, n: int, start: int = 1) -> None:
    """A published grade for every organisation (ids start..n) and a food rating for one in
    three."""
    rng = np.random.default_rng(3)
    day = dt.date(2026, 11, 1)
    now = dt.datetime.now(dt.UTC)
    grades = rng.choice(np.array(list("ABCD")), n)
    with factory() as s, s.begin():  # type: ignore[operator]
        for first in range(start, n + 1, 100_000):
            ids = range(first, min(first + 100_000, n + 1))
            insert_rows(s, OrgGrade.__table__, [
                {"subject_id": i, "grade": str(grades[i - 1]), "score": 80, "policy_version": 1,
                 "as_of": day, "reasons": "[]", "computed_at": now} for i in ids])
            insert_rows(s, SafetyRating.__table__, [
                {"subject_id": i, "domain": "food", "rating": int(i % 6),
                 "inspection_record_id": i, "inspection_on": day, "rated_on": day,
                 "as_of": day, "reasons": "[]"} for i in ids if i % 3 == 0])


def percentile(xs: list[float], p: float) -> float:
    return float(np.percentile(np.array(xs), p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="credo-bench-search-"))
    url = f"sqlite:///{folder}/bench.db"
    engine = make_engine(url)
    metadata.create_all(engine)
    factory = session_factory(engine)

    t0 = time.perf_counter()
    names, codes = generate(args.n)
    now = dt.datetime.now(dt.UTC)
    with factory() as s, s.begin():
        for start in range(0, args.n, 100_000):
            insert_rows(s, Subject.__table__, [
                {"kind": "organisation", "scheme": "cn_uscc", "lookup_key": code,
                 "display_id": code, "name": name, "birth_date": None, "created_at": now}
                for name, code in zip(names[start:start + 100_000],
                                      codes[start:start + 100_000], strict=True)
            ])
    t_insert = time.perf_counter() - t0
    t0 = time.perf_counter()
    indexed = search.sync(engine)
    t_index = time.perf_counter() - t0
    grade_register(factory, args.n)

    rng = np.random.default_rng(11)
    queries: list[str] = []
    for i in range(args.queries):
        k = int(rng.integers(0, args.n))
        words = names[k].split()
        if i % 3 == 0:
            queries.append(codes[k][: int(rng.integers(6, 19))])  # a code or its start
        elif i % 3 == 1:
            queries.append(" ".join(words[:4]))  # city, two words and the serial
        else:
            queries.append(f"{words[0][:4]} {words[1]} {words[2][:3]}")  # prefixes

    raw = sqlite3.connect(f"{folder}/bench.db")
    bare = "SELECT rowid FROM org_search WHERE org_search MATCH ? ORDER BY rank LIMIT 20"
    service_ms: list[float] = []
    raw_ms: list[float] = []
    public_ms: list[float] = []
    with factory() as s:
        search.search(session=s, query="warm up")
        search.graded_page(session=s, query="warm up")
        for q in queries:
            expr = search.sqlite_match(search.tokens(q))
            t = time.perf_counter()
            raw.execute(bare, (expr,)).fetchall()
            raw_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            search.search(session=s, query=q)
            service_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            search.graded_page(session=s, query=q)
            public_ms.append((time.perf_counter() - t) * 1000)
    raw.close()
    size_mb = (folder / "bench.db").stat().st_size / 1e6
    p99_ratio = percentile(service_ms, 99) / percentile(raw_ms, 99)
    print(f"organisations            {args.n:,}")
    print(f"insert subjects          {t_insert:.1f} s")
    print(f"build FTS5 index (sync)  {t_index:.1f} s ({indexed:,} rows); store {size_mb:,.0f} MB")
    print(f"queries                  {len(queries):,}")
    print(f"bare FTS5 MATCH   p50 {percentile(raw_ms, 50):.2f} ms  "
          f"p99 {percentile(raw_ms, 99):.2f} ms")
    print(f"register.search.search p50 {percentile(service_ms, 50):.2f} ms  "
          f"p99 {percentile(service_ms, 99):.2f} ms  mean {statistics.fmean(service_ms):.2f} ms")
    print(f"p99 ratio (service / bare) {p99_ratio:.2f}")
    print(f"public register   p50 {percentile(public_ms, 50):.2f} ms  "
          f"p99 {percentile(public_ms, 99):.2f} ms  mean {statistics.fmean(public_ms):.2f} ms")
    print(f"p99 ratio (public / bare) {percentile(public_ms, 99) / percentile(raw_ms, 99):.2f}"
          " (target <= 1.2)")


if __name__ == "__main__":
    main()
