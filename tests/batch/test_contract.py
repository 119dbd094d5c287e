"""The batch contract: the score summary line, refusing a future as-of, and the SQL snapshot."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import ibis
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from credo.batch import refresh
from credo.batch.fit import fit
from credo.batch.pipeline import score_table
from credo.core import clock
from credo.errors import InvalidInput
from credo.scores import service as scores
from credo.scores.models import Score
from tests.batch.conftest import AS_OF, IBIS_DUCKDB, read
from tests.batch.registry import populate

pytestmark = IBIS_DUCKDB
SNAPSHOT = Path(__file__).parent / "snapshots" / "score_duckdb.sql"


@pytest.fixture
def fitted(session: Session, engine: Engine, tmp_path: Path) -> object:
    populate(session, n=200, as_of=AS_OF)
    scorecard, metrics = fit(read(engine, tmp_path), AS_OF)
    scores.add_model(session=session, scorecard=scorecard, metrics=metrics, actor="t")
    session.commit()
    return scorecard


def test_summary_line_and_checksum_repeat(
    fitted: object, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    runs = [
        refresh.run(
            refresh.Job(factory=factory, data_dir=str(tmp_path / "d"), as_of=AS_OF),
            refresh.SCORE_STEPS,
        )
        for _ in range(2)
    ]
    for summary in runs:
        assert {"engine", "subjects_scored", "model_version", "as_of", "checksum"} <= set(summary)
        assert summary["engine"] == "duckdb" and summary["subjects_scored"] == 200
        assert summary["model_version"] == "v1" and summary["as_of"] == AS_OF.isoformat()
    assert runs[0]["checksum"] == runs[1]["checksum"] and len(runs[0]["checksum"]) == 64
    assert runs[0]["run_id"] != runs[1]["run_id"]


def test_future_as_of_publishes_nothing(
    fitted: object, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    future = clock.today() + dt.timedelta(days=1)
    job = refresh.Job(factory=factory, data_dir=str(tmp_path / "d"), as_of=future)
    with pytest.raises(InvalidInput, match="in the future") as caught:
        refresh.run(job)
    assert caught.value.details == [{"field": "as_of", "value": future.isoformat()}]
    with factory() as s:
        assert s.execute(select(func.count()).select_from(Score)).scalar_one() == 0


def test_generated_duckdb_sql_is_snapshotted(
    fitted: object, engine: Engine, tmp_path: Path
) -> None:
    """The SQL credo sends DuckDB (features and scores); CREDO_UPDATE_SNAPSHOTS=1 rewrites it."""
    tables = read(engine, tmp_path)
    expr = score_table(tables, fitted, AS_OF)  # type: ignore[arg-type]
    sql = ibis.to_sql(expr, dialect="duckdb")
    names: dict[str, str] = {}  # Ibis names each read_parquet view randomly: number them
    sql = re.sub(
        r"ibis_read_parquet_[a-z0-9]+",
        lambda m: names.setdefault(m.group(0), f"parquet_{len(names) + 1}"),
        sql,
    )
    if os.environ.get("CREDO_UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(sql)
    assert sql == SNAPSHOT.read_text()
