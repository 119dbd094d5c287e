"""The snapshot in buckets of subjects: passes over whole buckets give what one query gives."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from credo.batch import engines, snapshot
from credo.batch.features import features
from credo.errors import InvalidInput
from tests.batch.conftest import AS_OF, IBIS_DUCKDB
from tests.batch.registry import populate

pytestmark = IBIS_DUCKDB


def _features(snap: engines.Snapshot) -> pa.Table:
    return features(snap.records, snap.subjects, AS_OF).to_pyarrow()


@pytest.fixture
def exported(session: Session, engine: Engine, tmp_path: Path) -> Path:
    populate(session, n=120, as_of=AS_OF)  # one in ten subjects has no records at all
    session.commit()
    return Path(snapshot.export(engine=engine, data_dir=tmp_path, bucket=7).path)


def test_each_record_file_holds_one_bucket(exported: Path) -> None:
    assert json.loads((exported / "manifest.json").read_text())["bucket"] == 7
    assert snapshot.bucket_size(exported) == 7
    files = sorted((exported / "records").rglob("*.parquet"))
    assert len(files) > 20
    seen = set()
    for path in files:
        bucket = int(path.name[1:].split("-")[0])
        ids = pq.read_table(path, columns=["subject_id"]).column(0).to_numpy()
        assert set(snapshot.bucket_of(ids, 7).tolist()) == {bucket}, path
        assert list(ids) == sorted(ids), path  # in subject order
        seen.add(bucket)
    assert seen == set(snapshot.buckets(exported)) == set(range(120 // 7 + 1))
    assert snapshot.bucket_files(exported, [3]) == sorted(
        str(f) for f in files if f.name.startswith("b3-")
    )


def test_passes_give_the_one_query_features(exported: Path) -> None:
    con = engines.connect("duckdb")
    whole = _features(engines.read_snapshot(con, exported)).sort_by("subject_id")
    assert whole.num_rows == 120
    for size in (None, 21):  # a bucket a pass; three buckets (21 subjects) a pass
        groups = snapshot.passes(exported, size)
        assert [b for g in groups for b in g] == snapshot.buckets(exported)
        assert len(groups) == (18 if size is None else 6)
        parts = [_features(engines.read_snapshot(con, exported, g)) for g in groups]
        assert max(p.num_rows for p in parts) == (7 if size is None else 21)
        assert pa.concat_tables(parts).sort_by("subject_id").equals(whole)
    third = engines.read_snapshot(con, exported, [3])  # its own files, not a filter on all
    in_files = sum(pq.read_metadata(f).num_rows for f in snapshot.bucket_files(exported, [3]))
    assert third.records.count().to_pyarrow().as_py() == in_files > 0
    assert set(third.records.subject_id.to_pyarrow().to_pylist()) <= set(range(22, 29))


def test_a_bucket_without_records_still_gets_its_subjects(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    populate(session, n=30, as_of=AS_OF)
    session.commit()
    folder = Path(snapshot.export(engine=engine, data_dir=tmp_path, bucket=1).path)
    con = engines.connect("duckdb")
    whole = _features(engines.read_snapshot(con, folder)).sort_by("subject_id").to_pylist()
    bare = [b for b in snapshot.buckets(folder) if not snapshot.bucket_files(folder, [b])]
    assert bare, "populate leaves some subjects without records"
    got = _features(engines.read_snapshot(con, folder, bare)).sort_by("subject_id").to_pylist()
    assert [row["subject_id"] - 1 for row in got] == bare
    assert got == [row for row in whole if row["subject_id"] - 1 in bare]
    assert all(row["history_months"] is None and row["late_30_24m"] == 0 for row in got)


def test_runs_merge_consecutive_buckets() -> None:
    assert snapshot.runs([9, 0, 2, 1, 10, 7]) == [(0, 2), (7, 7), (9, 10)]
    assert snapshot.runs([]) == []


def test_a_snapshot_from_before_buckets_is_refused_by_buckets_not_read_empty(
    exported: Path,
) -> None:
    manifest = exported / "manifest.json"
    old = json.loads(manifest.read_text())
    del old["bucket"]  # what a snapshot written before buckets says
    manifest.write_text(json.dumps(old))
    with pytest.raises(InvalidInput) as raised:
        engines.read_snapshot(engines.connect("duckdb"), exported, [0])
    assert "before buckets" in str(raised.value)
    assert raised.value.details == [{"field": "snapshot", "value": str(exported)}]
    whole = engines.read_snapshot(engines.connect("duckdb"), exported)  # whole: still read
    assert whole.records.count().to_pyarrow().as_py() > 0
