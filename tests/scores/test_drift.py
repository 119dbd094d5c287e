"""Issue 15: every score run stores the PSI of the score and of each feature (table score_drift)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from credo.batch import refresh
from credo.batch.fit import fit
from credo.scores import service as scores
from credo.scores.models import ScoreDrift
from tests.batch.conftest import read
from tests.batch.registry import populate

AS_OF = dt.date(2026, 6, 30)
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")


def test_score_run_stores_psi_of_score_and_every_feature(
    session: Session, engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    populate(session, n=300, as_of=AS_OF)
    scorecard, metrics = fit(read(engine, tmp_path), AS_OF)
    scores.add_model(session=session, scorecard=scorecard, metrics=metrics, actor="t")
    session.commit()
    job = refresh.Job(factory=factory, data_dir=str(tmp_path / "data"), as_of=AS_OF)
    summary = refresh.run(job, refresh.SCORE_STEPS)
    with factory() as s:
        rows = s.execute(select(ScoreDrift).where(ScoreDrift.run_id == summary["run_id"])).scalars()
        drift = {d.measure: d for d in rows}
        assert set(drift) == {"score", *scorecard.features_}
        for d in drift.values():
            assert d.psi >= 0 and d.status in ("stable", "moderate", "major")
            assert len(d.expected) == len(d.actual) and sum(d.actual) == summary["published"]
        history = scores.drift_history(session=s)
    assert history[-1]["run_id"] == summary["run_id"]
    assert history[-1]["score_psi"] == pytest.approx(drift["score"].psi)
    assert set(history[-1]["features"]) == set(scorecard.features_)
    assert history[-1]["flagged"] == sorted(
        [m for m, d in drift.items() if d.psi > scores.DRIFT_FLAG]
    )
