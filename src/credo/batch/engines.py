"""The one place that knows which engine runs batch expressions: DuckDB or Spark.

Everything else builds engine-neutral Ibis expressions over the tables ``read_snapshot``
returns. Engine differences (how to connect, how to read a hive-partitioned Parquet folder)
are data in this module, not branches elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend

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


def _read_duckdb(con: Any, folder: Path) -> Snapshot:
    records = con.read_parquet(str(folder / "records" / "**" / "*.parquet"), hive_partitioning=True)
    return Snapshot(records, con.read_parquet(str(folder / "subjects.parquet")))


def _read_spark(con: Any, folder: Path) -> Snapshot:
    """Spark reads the partitioned folder once and caches it: every feature scans records."""
    root = str(folder / "records")
    frame = con._session.read.option("basePath", root).parquet(root).cache()
    name = f"credo_records_{folder.name}"
    frame.createOrReplaceTempView(name)
    return Snapshot(con.table(name), con.read_parquet(str(folder / "subjects.parquet")))


CONNECT: dict[str, Callable[[int | None], BaseBackend]] = {"duckdb": _duckdb, "spark": _spark}
READ: dict[str, Callable[[Any, Path], Snapshot]] = {"duckdb": _read_duckdb, "spark": _read_spark}


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


def read_snapshot(con: BaseBackend, folder: str | Path) -> Snapshot:
    """The snapshot's records (hive-partitioned by category and month) and subjects."""
    return READ[name(con)](con, Path(folder))
