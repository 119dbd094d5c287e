"""Engine parity: the same snapshot scored on Spark and on DuckDB gives identical results."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from credo.batch import engines, snapshot
from credo.batch.fit import fit
from credo.batch.pipeline import score_table
from tests.batch.conftest import AS_OF
from tests.batch.registry import populate

if os.environ.get("CREDO_REQUIRE_SPARK") == "1":  # make test: a missing PySpark is a failure
    import pyspark  # noqa: F401
else:
    pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


def test_duckdb_and_spark_give_identical_scores(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    populate(session, n=120, as_of=AS_OF)
    info = snapshot.export(engine=engine, data_dir=tmp_path)
    duck = engines.read_snapshot(engines.connect("duckdb"), info.path)
    scorecard, _ = fit(duck, AS_OF)
    spark = engines.read_snapshot(engines.connect("spark", threads=2), info.path)

    def scored(snap: engines.Snapshot) -> list[dict[str, object]]:
        table = score_table(snap, scorecard, AS_OF).to_pyarrow().sort_by("subject_id")
        return table.to_pylist()

    on_duckdb, on_spark = scored(duck), scored(spark)
    assert len(on_duckdb) == 120
    assert on_spark == on_duckdb


def test_list_derivation_on_spark_equals_the_store_derivation(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    from credo.batch.lists import derive_snapshot
    from credo.lists.derive import derive
    from credo.lists.service import _facts
    from tests.batch.test_lists import AS_OF as LISTS_AS_OF
    from tests.batch.test_lists import synthetic

    synthetic(session, n=150)
    info = snapshot.export(engine=engine, data_dir=tmp_path)
    spark = engines.read_snapshot(engines.connect("spark", threads=2), info.path)
    got = derive_snapshot(spark, LISTS_AS_OF, size=53)
    assert len(got) > 50
    assert got == derive(*_facts(session, None), LISTS_AS_OF)


def test_passes_of_buckets_on_spark_give_duckdb_features(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    from credo.batch.features import features

    populate(session, n=60, as_of=AS_OF)
    folder = snapshot.export(engine=engine, data_dir=tmp_path, bucket=25).path
    duck = engines.read_snapshot(engines.connect("duckdb"), folder)
    want = features(duck.records, duck.subjects, AS_OF).to_pyarrow().sort_by("subject_id")
    spark = engines.connect("spark", threads=2)
    groups = snapshot.passes(folder)
    assert groups == [[0], [1], [2]]
    before = spark._session.sparkContext._jsc.getPersistentRDDs().size()
    parts = []
    for group in groups:  # each pass reads its bucket's files only
        snap = engines.read_snapshot(spark, folder, group)
        parts += features(snap.records, snap.subjects, AS_OF).to_pyarrow().to_pylist()
    assert sorted(parts, key=lambda row: row["subject_id"]) == want.to_pylist()
    cached = spark._session.sparkContext._jsc.getPersistentRDDs().size() - before
    assert cached == 1  # each pass let go of the previous pass's cache (three without)
