"""List refresh speed: ``refresh_lists`` over a synthetic population, and a raw SQL baseline.

Run: ``.venv/bin/python bench/bench_lists.py [--persons 20000] [--organisations 2000]
[--db sqlite:///path/credo.db] [--as-of 2026-06-30]``.

Without ``--db`` it writes ``credo synth`` output to ``bench/out/lists`` and loads it into a
fresh SQLite store (every record, as ``credo load`` does). It then times: the first refresh
(every entry written, one audit event each), a second refresh (idempotent: nothing
written), the immediate-removal path (``apply_record_now``) and restriction checks per
subject, and a raw SQL baseline computing the active defaulter listings (ground terms,
fulfilment/delisting, minors, prior warning) in one SQLite statement, whose count must
equal credo's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import time
from pathlib import Path

from sqlalchemy import func, select, text

from credo.core import clock
from credo.core.db import make_engine, session_factory
from credo.lists import service
from credo.lists.models import ListEntry
from credo.models import Record, metadata

OUT = Path(__file__).parent / "out" / "lists"

BASELINE = """
WITH listing AS (
  SELECT r.subject_id, json_extract(r.fields, '$.case_number') AS case_no,
         min(r.occurred_on) AS listed_on,
         json_extract(r.fields, '$.ground') AS ground,
         json_extract(r.fields, '$.term_months') AS term
  FROM records r WHERE r.category = 'court.listing' AND r.state IN ('active','corrected','disputed')
    AND r.occurred_on <= :as_of
  GROUP BY r.subject_id, case_no
), ends AS (
  SELECT subject_id, json_extract(fields, '$.case_number') AS case_no, min(occurred_on) AS end_on
  FROM records WHERE category IN ('court.fulfilment','court.delisting')
    AND state IN ('active','corrected','disputed') AND occurred_on <= :as_of
  GROUP BY subject_id, case_no
), warned AS (
  SELECT DISTINCT subject_id, json_extract(fields, '$.case_number') AS case_no,
         json_extract(fields, '$.due_on') AS due_on
  FROM records WHERE category = 'court.judgment' AND state IN ('active','corrected','disputed')
    AND occurred_on <= :as_of
), termed AS (
  SELECT l.*, CASE
      WHEN ground = 'able_but_refuses' THEN NULL
      WHEN ground IN ('obstructing_execution','violating_consumption_order',
                      'fraudulent_litigation')
        THEN min(max(coalesce(term, 36), 36), 60)
      ELSE min(max(coalesce(term, 24), 1), 24) END AS months
  FROM listing l
)
SELECT count(*) FROM termed t JOIN subjects s ON s.id = t.subject_id
WHERE EXISTS (SELECT 1 FROM warned w WHERE w.subject_id = t.subject_id
              AND w.case_no = t.case_no AND w.due_on < t.listed_on)
  AND NOT (s.kind = 'person' AND s.birth_date IS NOT NULL
           AND date(s.birth_date, '+18 years') > t.listed_on)
  AND NOT EXISTS (SELECT 1 FROM ends e WHERE e.subject_id = t.subject_id
                  AND e.case_no = t.case_no AND e.end_on <= :as_of)
  AND (t.months IS NULL OR date(t.listed_on, '+' || t.months || ' months') > :as_of)
"""


def build(persons: int, organisations: int) -> str:
    from credo.synth import synthesise
    from credo.synth.load import load_directory

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    started = time.perf_counter()
    synthesise(
        out=OUT / "synth",
        persons_n=persons,
        organisations_n=organisations,
        years=3,
        seed=0,
        fmt="parquet",
        as_of=None,
        progress=lambda n: None,
    )
    url = f"sqlite:///{OUT}/credo.db"
    engine = make_engine(url)
    metadata.create_all(engine)
    load_directory(factory=session_factory(engine), folder=OUT / "synth", progress=lambda n: None)
    print(f"synth + load: {time.perf_counter() - started:.0f} s")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--organisations", type=int, default=2_000)
    parser.add_argument("--db", help="an already loaded store (its list tables are emptied)")
    parser.add_argument("--as-of", default="2026-06-30")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    url = args.db or build(args.persons, args.organisations)
    engine = make_engine(url)
    metadata.create_all(engine)  # adds the list tables to a store loaded before them
    factory = session_factory(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM list_repairs"))
        conn.execute(text("DELETE FROM list_entries"))
    with factory() as s:
        records = s.execute(select(func.count()).select_from(Record)).scalar_one()
        subjects = s.execute(text("SELECT count(*) FROM subjects")).scalar_one()
    print(f"store: {records:,} records about {subjects:,} subjects; as of {as_of}")
    print("| step | seconds | result |")
    print("| --- | --- | --- |")
    for label in ("first refresh (writes every entry)", "second refresh (idempotent)"):
        started = time.perf_counter()
        with factory() as s, s.begin():
            summary = service.refresh_lists(session=s, as_of=as_of, actor="bench")
        elapsed = time.perf_counter() - started
        changes = sum(summary[k] for k in ("entered", "removed", "refused", "changed"))
        print(
            f"| {label} | {elapsed:.2f} | {changes:,} changes; "
            f"{sum(summary['entries'].values()):,} entries |"
        )
    with engine.connect() as conn:
        started = time.perf_counter()
        raw = conn.execute(text(BASELINE), {"as_of": as_of.isoformat()}).scalar_one()
        baseline = time.perf_counter() - started
    with factory() as s:
        ours = s.execute(
            select(func.count())
            .select_from(ListEntry)
            .where(ListEntry.rule_id == "defaulter.court_listing", ListEntry.state == "active")
        ).scalar_one()
    print(
        f"| raw SQL baseline: active defaulter listings only | {baseline:.2f} | {raw:,} "
        f"(credo: {ours:,}) |"
    )
    assert raw == ours, (raw, ours)
    clock.freeze(as_of)  # the immediate path works "as of today"
    with factory() as s:
        subjects_listed = list(
            s.execute(
                select(ListEntry.subject_id).where(ListEntry.list_id == "defaulter").distinct()
            ).scalars()
        )
        sample = random.Random(0).sample(subjects_listed, min(200, len(subjects_listed)))
        started = time.perf_counter()
        for sid in sample:
            service.restrictions_for(session=s, subject_id=sid, on=as_of)
        check = (time.perf_counter() - started) / len(sample) * 1000
        record_ids = [
            s.execute(
                select(Record.id).where(
                    Record.subject_id == sid, Record.category == "court.judgment"
                )
            )
            .scalars()
            .first()
            for sid in sample
        ]
    started = time.perf_counter()
    for rid in record_ids:
        with factory() as s, s.begin():
            record = s.get(Record, rid)
            assert record is not None
            service.apply_record_now(session=s, record=record)
    immediate = (time.perf_counter() - started) / len(record_ids) * 1000
    print(f"| restrictions_for, per subject | {check / 1000:.4f} | {check:.2f} ms |")
    print(
        f"| apply_record_now, per record (one subject re-derived) | {immediate / 1000:.4f} "
        f"| {immediate:.2f} ms |"
    )
    print(f"\nentries: {summary['entries']}")


if __name__ == "__main__":
    main()
