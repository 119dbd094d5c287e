"""A run published in parts (one transaction each) is seen whole or not at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from credo.access import checks
from credo.batch import publish
from credo.batch.fit import fit
from credo.batch.pipeline import publish_table, score_table
from credo.core import audit
from credo.integrity.inputs import store_scores
from credo.rights import report
from credo.scores import service as scores
from credo.scores.models import Score, ScoreRun
from credo.scoring import Scorecard
from credo.subjects.models import Subject
from tests.batch.conftest import AS_OF, IBIS_DUCKDB, read
from tests.batch.registry import populate

pytestmark = IBIS_DUCKDB


@pytest.fixture
def scored(session: Session, engine: Engine, tmp_path: Path) -> tuple[pa.Table, Scorecard, int]:
    populate(session, n=300, as_of=AS_OF)
    session.commit()
    snap = read(engine, tmp_path)
    scorecard, metrics = fit(snap, AS_OF)
    model = scores.add_model(session=session, scorecard=scorecard, metrics=metrics, actor="t")
    session.commit()
    return score_table(snap, scorecard, AS_OF).to_pyarrow(), scorecard, model.id


def _run(model_id: int) -> dict[str, object]:
    return {
        "engine": "duckdb",
        "as_of": AS_OF,
        "model_version_id": model_id,
        "snapshot": "-",
        "records": 0,
        "subjects": 300,
    }


def _count(factory: sessionmaker[Session], what: type) -> int:
    with factory() as s:
        return int(s.execute(select(func.count()).select_from(what)).scalar_one())


def test_parts_are_unseen_until_the_run_closes(
    scored: tuple[pa.Table, Scorecard, int], factory: sessionmaker[Session]
) -> None:
    result, scorecard, model_id = scored
    first = int(result.column("subject_id").to_pylist()[0])
    seen: list[tuple[int, object, object]] = []

    def parts() -> Iterator[pa.Table]:
        for part in publish.parts(result, rows=70):
            with factory() as s:  # between two parts' commits, as any reader would look
                subject = s.get_one(Subject, min(result.column("subject_id").to_pylist()))
                seen.append(
                    (
                        _count(factory, Score),
                        scores.latest_or_none(session=s, subject_id=first),
                        report.build(session=s, subject=subject).score,
                    )
                )
                facts = s.execute(checks.FACTS, {"sid": first, "on": AS_OF}).one()
                assert facts.score is None  # relying parties' checks read no score either
                assert store_scores(s, result).num_rows == 0  # nor do the detectors
            yield publish_table(part, scorecard)

    done = publish.publish(factory, run=_run(model_id), parts=parts(), actor="t")
    stored = [n for n, _, _ in seen]
    assert stored == [0, 70, 140, 210, 280] and done.count == result.num_rows == 300
    assert all(latest is None and shown is None for _, latest, shown in seen)
    rows = publish_table(result, scorecard).to_pylist()
    assert done.digest == scores.digest_rows(rows)  # the column-wise digest is the row one
    with factory() as s:
        latest = scores.latest_or_none(session=s, subject_id=rows[0]["subject_id"])
        assert latest is not None and latest.run_id == done.run_id
        assert (latest.score, latest.reasons) == (rows[0]["score"], rows[0]["reasons"])
        (event,) = [e for e in audit.iter_entries(s) if e.event_type == "scores.published"]
        assert json.loads(event.payload)["digest"] == done.digest
        run = s.get_one(ScoreRun, done.run_id)
        assert run.published == 300 and run.finished_at is not None
        assert s.execute(checks.FACTS, {"sid": first, "on": AS_OF}).one().score is not None
        assert store_scores(s, result).num_rows == 300


def test_a_run_that_fails_half_way_leaves_nothing(
    scored: tuple[pa.Table, Scorecard, int], factory: sessionmaker[Session]
) -> None:
    result, scorecard, model_id = scored

    def parts() -> Iterator[pa.Table]:
        for n, part in enumerate(publish.parts(result, rows=100)):
            if n == 2:
                raise RuntimeError("the engine died")
            yield publish_table(part, scorecard)

    with pytest.raises(RuntimeError, match="the engine died"):
        publish.publish(factory, run=_run(model_id), parts=parts(), actor="t")
    assert _count(factory, Score) == _count(factory, ScoreRun) == 0
    with factory() as s:
        assert not [e for e in audit.iter_entries(s) if e.event_type == "scores.published"]


def test_the_digest_is_the_row_digest_for_any_text() -> None:
    rows = [
        {
            "subject_id": 7,
            "score": 612,
            "band": "good",
            "reasons": '[{"text":"超过 \\"late\\"\\n"}]',
        },
        {"subject_id": 12, "score": 350, "band": "poor", "reasons": "[]"},
    ]
    import hashlib

    h = hashlib.sha256()
    scores.digest_update(h, pa.Table.from_pylist(rows[:1]))
    scores.digest_update(h, pa.Table.from_pylist(rows[1:]))
    assert h.hexdigest() == scores.digest_rows(rows)


def test_rows_without_sub_scores_or_features_publish(
    scored: tuple[pa.Table, Scorecard, int], factory: sessionmaker[Session]
) -> None:
    """Rows given as dicts whose optional columns are all empty (an Arrow column of nulls
    only) store as NULL on both stores (PostgreSQL's COPY text has ``\\N`` for them)."""
    result, _, model_id = scored
    subject_id = int(result.column("subject_id").to_pylist()[0])
    rows = [
        {"subject_id": subject_id, "score": 640, "band": "good", "reasons": "[]", "features": None}
    ]
    with factory() as s, s.begin():
        run = scores.start_run(session=s, **_run(model_id))  # type: ignore[arg-type]
        scores.publish(session=s, run=run, rows=rows, actor="t")
    with factory() as s:
        latest = scores.latest(session=s, subject_id=subject_id)
        assert (latest.score, latest.features, latest.history) == (640, None, None)


def test_a_run_left_by_a_killed_publisher_is_discarded_in_parts_by_the_next(
    scored: tuple[pa.Table, Scorecard, int], factory: sessionmaker[Session]
) -> None:
    """A publisher killed outright (no except block ran) leaves an open run: never seen,
    and discarded, part by part, by the next publish once it is older than a day."""
    import datetime as dt

    from credo.core import clock

    result, scorecard, model_id = scored
    with factory() as s, s.begin():
        left = scores.start_run(
            session=s, **_run(model_id), started_at=clock.now() - dt.timedelta(days=2)
        )  # type: ignore[arg-type]
        scores.insert_scores(session=s, run=left, table=publish_table(result, scorecard))
        recent = scores.start_run(session=s, **_run(model_id))  # type: ignore[arg-type]
        recent_id = recent.id
    assert _count(factory, Score) == 300
    assert publish.discard(factory, recent_id, rows=70) == 0  # nothing stored: the run goes
    parts = (publish_table(p, scorecard) for p in publish.parts(result, rows=100))
    done = publish.publish(factory, run=_run(model_id), parts=parts, actor="t")
    with factory() as s:  # (SQLite may give the new run a discarded run's id)
        kept = [(r.id, r.finished_at is not None) for r in s.scalars(select(ScoreRun))]
        runs = list(s.scalars(select(Score.run_id).distinct()))
    assert kept == [(done.run_id, True)] and runs == [done.run_id]
    assert _count(factory, Score) == 300
    with factory() as s, s.begin():  # in parts: 300 scores, 70 a transaction
        again = scores.start_run(session=s, **_run(model_id))  # type: ignore[arg-type]
        scores.insert_scores(session=s, run=again, table=publish_table(result, scorecard))
        again_id = again.id
    assert publish.discard(factory, again_id, rows=70) == 300
    with factory() as s:
        assert s.get(ScoreRun, again_id) is None
    assert _count(factory, Score) == 300  # the published run's, untouched
