"""The scale curve: read snapshot -> features -> score -> lists -> publish at 1M ... 30M subjects.

Run: ``.venv/bin/python bench/bench_scale.py --subjects 1000000 10000000 [--engine duckdb]
[--memory-gb 6] [--pass-of 3000000 | --one-query] [--data DIR] [--no-lists] [--no-publish]``.

A synthetic population of about 10 records per subject is written in chunks of 1M subjects as
the hive-partitioned Parquet snapshot ``credo score`` exports (one file set per bucket of 1M
subjects) (bench_batch.synthesise; not
timed), a scorecard is fitted on a 50k sample of the first size (not timed), then each stage
runs and is timed: wall seconds, CPU seconds (user + system of this process's threads, so
DuckDB's, and of its children, so Spark's JVM: the work done, which the machine's load does not
inflate the way it inflates wall time) and peak resident memory (this process plus children),
sampled every 50 ms:

- read: open the snapshot on the engine and count its records (Spark also caches them);
- features: credo's Ibis features, written to Parquet by the engine in passes of whole
  buckets of subjects (``snapshot.passes``; one bucket of 1M a pass, ``--pass-of`` for more,
  ``--one-query`` for none), each pass reading only its buckets' record files;
- score: the compiled scorecard (score, band, sub-scores, reasons), written to Parquet, one
  file per pass of the features;
- lists: the list entries the snapshot calls for (``credo.batch.lists``: the engine selects
  the list facts in subject order, ``lists.derive`` decides), with a checksum over them;
- publish: the scores into a SQLite store (subjects loaded beforehand, not timed), in subject
  order, through ``credo.batch.publish`` as ``credo score`` publishes: parts of 250k rows,
  ``publish_table`` (rows and their JSON built in DuckDB), each part one ``executemany``
  straight from the Arrow columns in its own transaction, the run closed at the end.

DuckDB runs with a memory limit (``--memory-gb``) and a temp folder, so a size over the limit
spills to disk; Spark spills by itself. Before each size the bench checks the free disk and
memory it needs and stops with a message naming what is missing instead of being killed; an
operator DuckDB cannot spill stops the run with a message naming ``--memory-gb``.
Each size prints one line per stage and a checksum over (subject, score) that must match
across engines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import AS_OF, _days, synthesise
from credo.batch import engines, snapshot
from credo.batch.compile import score_expr
from credo.batch.features import features, scorecard_params
from credo.batch.lists import derive_batches
from credo.batch.pipeline import publish_table
from credo.batch.snapshot import PARTITIONING, RECORD_SCHEMA, SUBJECT_SCHEMA
from credo.lists.rules import GROUNDS
from credo.scoring import Scorecard

warnings.simplefilter("ignore")
CHUNK = 1_000_000
BYTES_PER_RECORD = 40  # compressed Parquet on disk, measured at 1M subjects
PUBLISH_CHUNK = 250_000
ORG_BASE = 10**10


class PeakRss:
    """Peak resident memory of this process and its children while a block runs."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def now() -> int:
        pids = [os.getpid()]
        for task in Path(f"/proc/{os.getpid()}/task").iterdir():
            try:
                pids += [int(c) for c in (task / "children").read_text().split()]
            except FileNotFoundError:  # a thread that ended while we looked
                continue
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except FileNotFoundError:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> PeakRss:
        self.peak = self.now()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process, every thread included (DuckDB's), plus
    its live children (Spark's JVM) from /proc: the work a stage did, whatever the load."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:
            continue
        for pid in children:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def available_memory() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def preflight(n: int, folder: Path, memory_gb: float) -> None:
    """Stop with a clear message where the size cannot fit, rather than be killed."""
    records = n * 10
    disk_needed = records * BYTES_PER_RECORD * 3 + n * 400  # snapshot, features/scores, store
    free_disk = shutil.disk_usage(folder).free
    if free_disk < disk_needed:
        raise SystemExit(
            f"{n:,} subjects need about {disk_needed / 2**30:.1f} GiB of disk in {folder}; "
            f"{free_disk / 2**30:.1f} GiB free. Point TMPDIR at a larger disk."
        )
    need = (memory_gb + 2) * 2**30  # engine limit + the Python side (one chunk at a time)
    if available_memory() < need:
        raise SystemExit(
            f"{n:,} subjects need about {need / 2**30:.1f} GiB of memory (engine limit "
            f"{memory_gb} GiB + 2 GiB); {available_memory() / 2**30:.1f} GiB available. "
            "Lower --memory-gb (DuckDB then spills to disk) or free memory."
        )


def list_records(folder: Path, size: int, seed: int, offset: int, tag: str) -> tuple[int, pa.Table]:
    """List facts for one chunk, in categories no score feature reads (so the scores and
    their checksums stay those of ``synthesise`` alone): court listings on 1% of the persons'
    case J (a fifth extended later), commendations for 0.5%, and one organisation per 50
    persons (ids from 10^10, never scored) with a safety penalty (half of them) and four
    inspections (half of them). Returns the record count and the organisations' rows."""
    rng = np.random.default_rng(10_000 + seed)
    ids = np.arange(offset + 1, offset + size + 1)
    orgs = ORG_BASE + ids[: size // 50]
    end = _days(AS_OF)
    parts: list[tuple[str, np.ndarray, np.ndarray, pa.Array]] = []

    def text(*pieces: Any) -> pa.Array:
        return pc.binary_join_element_wise(
            *[p if isinstance(p, str) else pa.array(p).cast(pa.string()) for p in pieces], ""
        )

    listed = ids[rng.random(size) < 0.01]
    grounds = rng.choice(np.array(list(GROUNDS)), len(listed))
    case = '{"case_number":"J","court_name":"C","ground":"'
    parts.append(
        (
            "court.listing",
            listed,
            end - rng.integers(30, 400, len(listed)),
            text(case, grounds, '"}'),
        )
    )
    again = listed[rng.random(len(listed)) < 0.2]
    parts.append(
        (
            "court.listing",
            again,
            np.full(len(again), end - 10),
            text(case, np.full(len(again), "obstructing_execution"), '","term_months":12}'),
        )
    )
    praised = ids[rng.random(size) < 0.005]
    parts.append(
        (
            "commendation",
            praised,
            end - rng.integers(30, 1500, len(praised)),
            pa.array(['{"authority":"City","level":"city","title":"Model"}'] * len(praised)),
        )
    )
    fined = orgs[rng.random(len(orgs)) < 0.5]
    severity = rng.choice(np.array(["minor", "general", "serious"]), len(fined))
    parts.append(
        (
            "penalty.imposed",
            fined,
            end - rng.integers(30, 1500, len(fined)),
            text(
                '{"authority":"R","decision_number":"D',
                fined,
                '","domain":"food_safety","severity":"',
                severity,
                '"}',
            ),
        )
    )
    inspected = orgs[rng.random(len(orgs)) < 0.5]
    for k in range(4):
        grade = rng.choice(np.array(["A", "A", "A", "B"]), len(inspected))
        parts.append(
            (
                "inspection.result",
                inspected,
                np.full(len(inspected), end - 90 * (4 - k)),
                text('{"grade":"', grade, '","inspection_id":"I', inspected, f'-{k}"}}'),
            )
        )
    tables, total = [], 0
    for category, subjects, days, fields in parts:
        k = len(subjects)
        dates = pa.array(days.astype(np.int32), pa.int32()).cast(pa.date32())
        month = pc.cast(pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates)), pa.int32())
        first = offset * 20 + 15 * size + total  # after the chunk's own records, before the next
        tables.append(
            pa.table(
                {
                    "record_id": pa.array(np.arange(first, first + k), pa.int64()),
                    "subject_id": pa.array(subjects, pa.int64()),
                    "furnisher_id": pa.array(["f"] * k, pa.string()),
                    "category": pa.array([category] * k, pa.string()),
                    "occurred_on": dates,
                    "amount_minor": pa.nulls(k, pa.int64()),
                    "fields": fields,
                    "month": month,
                },
                schema=RECORD_SCHEMA,
            )
        )
        total += k
    ds.write_dataset(
        pa.concat_tables(tables),
        folder / "records",
        format="parquet",
        partitioning=PARTITIONING,
        basename_template=tag + "lists-{i}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        max_partitions=100_000,
    )
    kinds = pa.array(["organisation"] * len(orgs))
    people = pa.table(
        [pa.array(orgs, pa.int64()), kinds, pa.nulls(len(orgs), pa.date32())],
        schema=SUBJECT_SCHEMA,
    )
    return total, people


def rebucket(folder: Path) -> None:
    """Name each record file for its bucket of subjects (``b<k>-``, as ``snapshot.export``
    writes them) from its subject_id statistics: a chunk of 1M subjects is one bucket of
    persons (and one of the organisations, ids from 10^10). Renames only, and only files not
    yet named so (a snapshot written before the buckets is brought up to date)."""
    size = snapshot.BUCKET
    for path in (folder / "records").rglob("*.parquet"):
        if path.name.startswith("b"):
            continue
        meta = pq.read_metadata(path)
        column = meta.schema.names.index("subject_id")
        stats = [meta.row_group(i).column(column).statistics for i in range(meta.num_row_groups)]
        low = snapshot.bucket_of(min(s.min for s in stats), size)
        high = snapshot.bucket_of(max(s.max for s in stats), size)
        if low != high:
            raise SystemExit(f"{path} holds subjects of buckets {low} to {high}")
        path.rename(path.with_name(f"b{low}-{path.name}"))


def population(folder: Path, n: int) -> int:
    """Write n subjects in chunks of 1M (and their list facts); returns the record count.
    With ``--data`` a complete population is kept and reused (``records.txt`` marks it)."""
    done = folder / "records.txt"
    if done.exists():
        rebucket(folder)
        return int(done.read_text())
    records = 0
    subjects = []
    for c, start in enumerate(range(0, n, CHUNK)):
        size = min(CHUNK, n - start)
        count, _ = synthesise(folder, size, seed=c, offset=start, tag=f"c{c:03d}-")
        extra, orgs = list_records(folder, size, seed=c, offset=start, tag=f"c{c:03d}-")
        records += count + extra
        rebucket(folder)
        subjects += [pq.read_table(folder / f"subjectsc{c:03d}-.parquet"), orgs]
        (folder / f"subjectsc{c:03d}-.parquet").unlink()
    everyone = pa.concat_tables(subjects).sort_by("subject_id")  # as the export orders them:
    pq.write_table(everyone, folder / "subjects.parquet")  # a pass's id range prunes row groups
    done.write_text(str(records))
    return records


def features_in_passes(con: Any, folder: Path, size: int | None, one_query: bool) -> None:
    """Features written to Parquet in passes of whole buckets (``snapshot.passes``: one
    bucket of 1M subjects a pass by default, ``size`` subjects with ``--pass-of``), each pass
    reading only its buckets' files and subjects, so a pass's hash tables stay the size of a
    pass whatever the population; ``one_query`` runs the whole snapshot as one query instead
    (what the curve measured before 2026-12-02 09:00)."""
    out = folder / "features.parquet"
    out.mkdir()
    groups = [None] if one_query else snapshot.passes(folder, size)
    for k, group in enumerate(groups):
        snap = engines.read_snapshot(con, folder, group)
        con.to_parquet(features(snap.records, snap.subjects, AS_OF), out / f"part-{k:03d}.parquet")


def lists(snap: engines.Snapshot) -> tuple[Counter[str], str]:
    """Every list entry the snapshot calls for on AS_OF (``credo.batch.lists``: the engine
    selects, ``derive`` decides), counted per list and state, with a checksum over the
    entries (key, state, dates) that must match across engines."""
    tally: Counter[str] = Counter()
    entries = []
    for batch in derive_batches(snap, AS_OF):
        for e in batch:
            tally[f"{e.list_id}.{e.state}"] += 1
            entries.append(f"{e.key}|{e.state}|{e.starts_on}|{e.scheduled_end}|{e.ended_on}")
    digest = hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()[:16]
    return tally, digest


def spark_count(con: Any, folder: Path) -> int:
    """The snapshot's records counted by Spark from their files, not cached."""
    root = str(folder / "records")
    return int(con._session.read.option("basePath", root).parquet(root).count())


def fit(folder: Path, con: Any) -> Scorecard:
    """A scorecard on a 50k sample of the first chunk's features (not timed), read from the
    first bucket (subjects 1 to 1 M), so Spark builds no cache of the whole snapshot for it."""
    snap = engines.read_snapshot(con, folder, [0])
    sample_ids = snap.subjects.filter(snap.subjects.subject_id <= 50_000)
    sample = snap.records.filter(snap.records.subject_id <= 50_000)  # a feature reads its own
    frame = features(sample, sample_ids, AS_OF).to_pandas()
    frame = frame.sort_values("subject_id", ignore_index=True)  # the same fit on every engine
    rng = np.random.default_rng(1)
    bad = (rng.random(len(frame)) < 0.1 + 0.3 * frame["late_30_24m"].fillna(0).clip(0, 1)).astype(
        int
    )
    params = scorecard_params()
    return Scorecard(**params).fit(frame.drop(columns="subject_id").astype("float64"), bad)


def store(folder: Path, n: int) -> Any:
    """A SQLite store with n subjects and one model version (loaded raw, not timed)."""
    from credo.core.db import insert_rows, make_engine, session_factory
    from credo.models import metadata
    from credo.scores.models import ModelVersion
    from credo.subjects.models import Subject

    engine = make_engine(f"sqlite:///{folder}/store.db")
    metadata.create_all(engine)
    now = dt.datetime.now(dt.UTC)
    with session_factory(engine)() as s, s.begin():
        for start in range(0, n, PUBLISH_CHUNK):
            ids = range(start + 1, min(n, start + PUBLISH_CHUNK) + 1)
            insert_rows(
                s,
                Subject.__table__,
                [
                    {
                        "id": i,
                        "kind": "person",
                        "scheme": "cn_ric",
                        "lookup_key": f"k{i}",
                        "display_id": f"d{i}",
                        "name": None,
                        "birth_date": None,
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
        model = ModelVersion(version="scale", model="{}", created_at=now, active=True, metrics={})
        s.add(model)
        s.flush()
        model_id = model.id
    return engine, model_id


def score_in_passes(con: Any, folder: Path, sc: Scorecard) -> None:
    """The compiled scorecard over each pass's features, one scores file per pass (so the
    scores stay in bucket order, which publishing uses)."""
    out = folder / "scores.parquet"
    out.mkdir()
    for part in sorted((folder / "features.parquet").glob("part-*.parquet")):
        scored = score_expr(con.read_parquet(str(part)), sc, keep=tuple(sc.features_))
        con.to_parquet(scored, out / part.name)


def publish(
    engine: Any, model_id: int, scores_path: Path, sc: Scorecard, memory_gb: float
) -> dict[str, Any]:
    """The scores into the store through credo's own publishing (``batch.publish``, what
    ``credo score`` runs): parts of 250k rows, ``publish_table`` building each part's rows
    (JSON included) in DuckDB, each part stored column-wise in its own transaction (SQLite
    ``executemany``), the run closed and audited at the end. In subject order: the passes'
    files in bucket order, each sorted by DuckDB on its own (one bucket, not the whole
    population: before 2026-12-02 10:00 one ORDER BY over every score). Before 2026-12-02
    17:00 the bench wrote every score in one transaction of its own making."""
    from credo.batch import publish as publishing
    from credo.core.db import session_factory

    ordered = duckdb.connect()  # in subject order, as publishing expects
    ordered.execute(f"SET memory_limit = '{memory_gb}GB'")
    ordered.execute(f"SET temp_directory = '{scores_path.parent / 'spill'}'")
    started, done, step = time.perf_counter(), 0, 4 * PUBLISH_CHUNK
    mark = (started, cpu_seconds())  # the last progress line's wall and CPU seconds
    per_million: list[list[float]] = []  # each million's wall, CPU seconds and load average

    def parts() -> Any:
        for part in sorted(scores_path.glob("part-*.parquet")):
            query = f"SELECT * FROM read_parquet('{part}') ORDER BY subject_id"
            for batch in ordered.sql(query).to_arrow_reader(PUBLISH_CHUNK):
                yield publish_table(pa.Table.from_batches([batch]), sc)

    def progress(rows: int) -> None:
        """Every 1M rows: the rate over that million, by the wall clock and by CPU (the
        CPU seconds per million stay flat while publishing is linear in the store's size)."""
        nonlocal done, mark
        done += rows
        if done // step > (done - rows) // step:
            now = (time.perf_counter(), cpu_seconds())
            wall, cpu = now[0] - mark[0], now[1] - mark[1]
            print(
                f"    published {done:,}: last 1M {wall:.1f} s wall, {cpu:.1f} s CPU "
                f"({done / (now[0] - started):,.0f}/s overall)",
                flush=True,
            )
            mark = now
            per_million.append([wall, cpu, os.getloadavg()[0]])

    run = {
        "engine": "bench",
        "as_of": AS_OF,
        "model_version_id": model_id,
        "snapshot": str(scores_path),
        "records": 0,
        "subjects": 0,
    }
    publishing.publish(
        session_factory(engine), run=run, parts=parts(), actor="bench", progress=progress
    )
    return {"per_million": per_million}


def checksum(path: Path) -> str:
    table = pq.read_table(path, columns=["subject_id", "score"]).sort_by("subject_id")
    digest = hashlib.sha256()
    for chunk in table.to_batches(1_000_000):
        digest.update(pc.cast(chunk.column(0), pa.int64()).to_numpy().tobytes())
        digest.update(pc.cast(chunk.column(1), pa.int64()).to_numpy().tobytes())
    return digest.hexdigest()[:16]


class Figures(list[dict[str, Any]]):
    """Each stage's figures, appended to the --json file as soon as the stage ends (a run
    stopped later keeps them)."""

    def __init__(self, path: Path | None, engine: str) -> None:
        super().__init__()
        self.path, self.engine = path, engine

    def append(self, figure: dict[str, Any]) -> None:
        super().append(figure)
        if self.path is not None:
            with self.path.open("a") as out:
                out.write(json.dumps({**figure, "engine": self.engine}) + "\n")


def stage(name: str, n: int, fn: Callable[[], Any], results: list[dict[str, Any]]) -> Any:
    with PeakRss() as peak:
        t, cpu = time.perf_counter(), cpu_seconds()
        try:
            value = fn()
        except duckdb.OutOfMemoryException as exc:
            raise SystemExit(
                f"{name} at {n:,} subjects needs more memory than DuckDB may use and could not "
                f"spill it ({exc}). Raise --memory-gb or run a smaller size."
            ) from exc
        seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
    load = os.getloadavg()[0]
    results.append(
        {
            "stage": name,
            "n": n,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "peak_gib": peak.peak / 2**30,
            "load": load,
            # figures the stage measured inside itself (publish: each million's seconds)
            **(value if isinstance(value, dict) and "per_million" in value else {}),
        }
    )
    print(
        f"  {name:9s} {seconds:8.1f} s  CPU {cpu:8.1f} s  {n / seconds:12,.0f} subjects/s  "
        f"peak RSS {peak.peak / 2**30:5.1f} GiB (load average {load:.1f})",
        flush=True,
    )
    return value


def run(n: int, args: argparse.Namespace, base: Path) -> list[dict[str, Any]]:
    folder = base / f"n{n}"
    folder.mkdir(parents=True, exist_ok=True)
    preflight(n, folder, args.memory_gb)
    t = time.perf_counter()
    records = population(folder, n)
    print(
        f"{args.engine}, {n:,} subjects, {records:,} records (synthesised in "
        f"{time.perf_counter() - t:.0f} s, not timed):",
        flush=True,
    )
    if args.engine == "spark":
        engines.SPARK_CONF["spark.driver.memory"] = f"{args.spark_driver_gb}g"
    con = engines.connect(args.engine)
    if args.engine == "duckdb":
        con.raw_sql(f"SET memory_limit = '{args.memory_gb}GB'")
        con.raw_sql(f"SET temp_directory = '{folder / 'spill'}'")
        con.raw_sql("SET preserve_insertion_order = false")
    results = Figures(args.json, args.engine)
    if args.engine == "spark" and args.no_lists:  # nothing reads the whole snapshot again:
        snap = None  # count its files without caching 300 M rows for nobody (30 M subjects)
        stage("read", n, lambda: spark_count(con, folder), results)
    else:
        def read() -> engines.Snapshot:  # opening the files is timed too
            opened = engines.read_snapshot(con, folder)
            opened.records.count().execute()
            return opened

        snap = stage("read", n, read, results)
    sc = fit(folder, con)
    stage(
        "features",
        n,
        lambda: features_in_passes(con, folder, args.pass_of, args.one_query),
        results,
    )
    stage("score", n, lambda: score_in_passes(con, folder, sc), results)
    print(f"  checksum (subject, score): {checksum(folder / 'scores.parquet')}", flush=True)
    if not args.no_lists:
        tally, digest = stage("lists", n, lambda: lists(snap), results)
        print(f"  lists: {dict(sorted(tally.items()))}; checksum {digest}", flush=True)
    if not args.no_publish:
        engine, model_id = store(folder, n)
        stage(
            "publish",
            n,
            lambda: publish(engine, model_id, folder / "scores.parquet", sc, args.memory_gb),
            results,
        )
        engine.dispose()
    if args.engine == "spark":
        con.disconnect()
    if args.data is None:
        shutil.rmtree(folder, ignore_errors=True)
    else:  # keep the synthetic snapshot for the next run, drop what this run wrote
        for name in ("features.parquet", "scores.parquet", "store.db", "spill"):
            path = folder / name
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    return results


def chart(results: list[dict[str, Any]], path: Path) -> None:
    """Seconds per stage against subjects, log-log, with a linear reference through each
    stage's smallest size: wall seconds, and CPU seconds beside them where the figures have
    them (the machine's load inflates wall time, much less CPU time). Several runs of one
    size and stage are drawn as their median."""
    import statistics

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measures = [("seconds", "wall seconds")]
    if any("cpu_seconds" in r for r in results):
        measures.append(("cpu_seconds", "CPU seconds (user + system)"))
    fig, axes = plt.subplots(1, len(measures), figsize=(6.2 * len(measures) + 2.2, 4.8))
    axes = list(np.atleast_1d(axes))
    stages = sorted({r["stage"] for r in results})
    engines_ = sorted({r["engine"] for r in results})
    colours = dict(zip(stages, plt.rcParams["axes.prop_cycle"].by_key()["color"], strict=False))
    markers = dict(zip(engines_, "osD^v", strict=False))
    styles = dict(zip(engines_, ["-", "--", "-.", "-"], strict=False))
    for ax, (measure, label) in zip(axes, measures, strict=True):
        for key in sorted({(r["engine"], r["stage"]) for r in results}):
            runs: dict[int, list[float]] = {}
            for r in results:
                if (r["engine"], r["stage"]) == key and measure in r:
                    runs.setdefault(r["n"], []).append(r[measure])
            points = sorted((n, statistics.median(v)) for n, v in runs.items())
            if not points:
                continue
            xs, ys = [x for x, _ in points], [y for _, y in points]
            colour = colours[key[1]]
            ax.plot(
                xs,
                ys,
                marker=markers[key[0]],
                linestyle=styles[key[0]],
                color=colour,
                label=f"{key[0]} {key[1]}",
            )
            if len(xs) > 1:
                ax.plot(
                    [xs[0], xs[-1]],
                    [ys[0], ys[0] * xs[-1] / xs[0]],
                    linestyle=":",
                    color=colour,
                    linewidth=1,
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("subjects (about 10 records each)")
        ax.set_ylabel(label)
        ax.grid(True, which="both", linewidth=0.3)
    axes[0].set_title("credo batch stages; dotted: linear from the smallest size", loc="left")
    axes[-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(path)


def publish_chart(results: list[dict[str, Any]], path: Path) -> None:
    """Publishing's wall and CPU seconds for each million rows against the rows already in
    the store (the largest run in the figures that kept them): flat CPU is publishing linear
    in the store's size; the load average drawn beside it explains the wall clock."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = [r for r in results if r["stage"] == "publish" and r.get("per_million")]
    if not runs:
        raise SystemExit("no publish figures with per_million in --json")
    run = max(runs, key=lambda r: r["n"])
    wall, cpu, load = zip(*run["per_million"], strict=True)
    millions = range(1, len(wall) + 1)
    fig, ax = plt.subplots(figsize=(8.2, 4.2))
    ax.plot(millions, wall, marker=".", label="wall seconds")
    ax.plot(millions, cpu, marker=".", label="CPU seconds (user + system)")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("millions of scores published (the store grows to the right)")
    ax.set_ylabel("seconds for that million")
    lines = ax.get_legend_handles_labels()[0]
    if any(load):  # runs before 2026-12-02 17:30 did not record it
        side = ax.twinx()
        side.plot(millions, load, color="grey", linestyle=":", label="load average (right)")
        side.set_ylabel("machine load average")
        side.set_ylim(bottom=0)
        lines += side.get_legend_handles_labels()[0]
    ax.legend(lines, [str(x.get_label()) for x in lines], fontsize=8, loc="upper left")
    ax.set_title(f"credo publish, {run['n']:,} scores in parts of 250k", loc="left")
    ax.grid(True, linewidth=0.3)
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--engine", choices=engines.ENGINES, default="duckdb")
    parser.add_argument("--memory-gb", type=float, default=6.0)
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--no-lists", action="store_true")
    parser.add_argument(
        "--pass-of",
        type=int,
        help="compute features in passes of this many subjects (whole buckets; default one "
        "bucket of 1M)",
    )
    parser.add_argument(
        "--one-query",
        action="store_true",
        help="compute features over the whole snapshot in one query (no passes)",
    )
    parser.add_argument("--spark-driver-gb", type=int, default=2, help="Spark local mode memory")
    parser.add_argument(
        "--data", type=Path, help="keep the synthetic snapshots here and reuse them (not timed)"
    )
    parser.add_argument("--json", type=Path, help="append each stage's figures to this file")
    parser.add_argument("--chart", type=Path, help="draw the figures in --json as an SVG; no run")
    parser.add_argument(
        "--publish-chart",
        type=Path,
        help="draw the publish stage's seconds per million rows in --json as an SVG; no run",
    )
    args = parser.parse_args()
    if args.chart or args.publish_chart:
        lines = args.json.read_text().splitlines() if args.json else []
        figures = [json.loads(line) for line in lines if line.strip()]
        if args.chart:
            chart(figures, args.chart)
        if args.publish_chart:
            publish_chart(figures, args.publish_chart)
        return
    with tempfile.TemporaryDirectory(prefix="credo-scale-") as tmp:
        for n in args.subjects:
            run(n, args, args.data or Path(tmp))


if __name__ == "__main__":
    main()
