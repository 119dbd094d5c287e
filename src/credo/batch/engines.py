"""The one place that knows which engine runs batch expressions: DuckDB or Spark.

Everything else builds engine-neutral Ibis expressions over the tables ``read_snapshot``
returns. Engine differences (how to connect, how to read a hive-partitioned Parquet folder)
are data in this module, not branches elsewhere.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from credo.batch import snapshot
from credo.errors import InvalidInput

ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"
#: Spark settings for one machine: few shuffle partitions, UTC dates, no web UI, and no
#: console progress bars (credo shows its own progress per stage; Spark's print hundreds of
#: lines per job).
SPARK_CONF = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.memory": "2g",
}


@dataclass(frozen=True)
class Snapshot:
    """The two inputs of every batch job, as tables of one engine."""

    records: ibis.Table
    subjects: ibis.Table


def _duckdb(threads: int | None) -> BaseBackend:
    con = ibis.duckdb.connect()
    if threads:
        con.raw_sql(f"SET threads = {int(threads)}")
    return con


def _spark(threads: int | None) -> BaseBackend:
    from pyspark.sql import SparkSession

    from credo.config import get_settings

    master = get_settings().spark_master or f"local[{threads or '*'}]"
    builder = SparkSession.builder.master(master).appName("credo")
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")  # warnings per stage would flood the console too
    return ibis.pyspark.connect(session)


def _read_duckdb(con: Any, folder: Path, files: list[str] | None) -> ir.Table:
    paths = files or str(folder / "records" / "**" / "*.parquet")
    return con.read_parquet(paths, hive_partitioning=True)


_LAST_PASS: dict[int, Any] = {}
"""Per Spark session, the cached records of the last pass read (a pass reads some buckets)."""


def _read_spark(con: Any, folder: Path, files: list[str] | None) -> ir.Table:
    """Spark reads the partitioned folder (or the files of some buckets) once and caches it:
    every feature scans records. Reading a pass lets go of the previous pass's cache (a frame
    still used after that is read again from its files, not lost), so passes over a large
    snapshot do not pile the whole of it up in the cache."""
    root = str(folder / "records")
    frame = con._session.read.option("basePath", root).parquet(*(files or [root])).cache()
    if files:
        previous = _LAST_PASS.pop(id(con._session), None)
        if previous is not None:
            previous.unpersist()
        _LAST_PASS[id(con._session)] = frame
    name = f"credo_records_{folder.name}_{abs(hash(tuple(files or ())))}"
    frame.createOrReplaceTempView(name)
    return con.table(name)


CONNECT: dict[str, Callable[[int | None], BaseBackend]] = {"duckdb": _duckdb, "spark": _spark}
READ: dict[str, Callable[[Any, Path, list[str] | None], ir.Table]] = {
    "duckdb": _read_duckdb,
    "spark": _read_spark,
}


def check(engine: str) -> str:
    """The engine name, or InvalidInput naming the bad one."""
    if engine not in ENGINES:
        raise InvalidInput(
            f"engine {engine!r} is not one of {', '.join(ENGINES)}",
            details=[{"field": "engine", "value": engine}],
        )
    return engine


def connect(engine: str = DEFAULT_ENGINE, *, threads: int | None = None) -> BaseBackend:
    """An Ibis backend: DuckDB in-process (default) or Spark in local mode."""
    return CONNECT[check(engine)](threads)


def name(con: BaseBackend) -> str:
    """The engine a backend is (``duckdb`` or ``spark``)."""
    return "spark" if con.name == "pyspark" else con.name


def batches(con: BaseBackend, expr: ibis.Table, size: int) -> Iterator[pa.RecordBatch]:
    """An expression's rows as Arrow batches of at most ``size`` rows, streamed (Ibis's own
    ``to_pyarrow_batches`` calls a DuckDB method that DuckDB 2.0 removed)."""
    if name(con) == "duckdb":
        reader = con.con.sql(ibis.to_sql(expr, dialect="duckdb")).to_arrow_reader(size)
        yield from reader
        return
    yield from expr.to_pyarrow_batches(chunk_size=size)


def read_snapshot(
    con: BaseBackend, folder: str | Path, buckets: Sequence[int] | None = None
) -> Snapshot:
    """The snapshot's records (hive-partitioned by category and month) and subjects; with
    ``buckets``, only those buckets' subjects and record files (``snapshot.passes``), so a
    pass over part of the registry opens none of the other parts' files."""
    folder = Path(folder)
    subjects = con.read_parquet(str(folder / "subjects.parquet"))
    if buckets is None:
        return Snapshot(READ[name(con)](con, folder, None), subjects)
    size = snapshot.bucket_size(folder)
    ranges = [  # id ranges, which Parquet statistics prune, rather than a bucket per row
        subjects.subject_id.between(low * size + 1, (high + 1) * size)
        for low, high in snapshot.runs(buckets)
    ]
    subjects = subjects.filter(functools.reduce(operator.or_, ranges, ibis.literal(False)))
    files = snapshot.bucket_files(folder, buckets)
    if not files:  # subjects without records: every feature is missing for them
        records = READ[name(con)](con, folder, None)
        return Snapshot(records.filter(ibis.literal(False)), subjects)
    return Snapshot(READ[name(con)](con, folder, files), subjects)
