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


def test_console_charts_psi_and_flags_major_drift() -> None:
    from credo.web.console import psi_chart

    history = [
        {"run_id": 1, "as_of": "2026-06-30", "score_psi": 0.02, "features": {"a": 0.05}},
        {"run_id": 2, "as_of": "2026-07-31", "score_psi": 0.31, "features": {"a": 0.4}},
    ]
    svg = psi_chart(history, 0.25)
    assert svg.startswith("<svg") and "flag 0.25" in svg
    assert "run 2: score PSI 0.310" in svg and "run 2: largest feature PSI 0.400" in svg
    assert psi_chart([], 0.25) == ""


def test_admin_template_shows_holdout_bands_and_drift() -> None:
    import datetime as dt

    from markupsafe import Markup

    from credo.web.console import psi_chart
    from credo.web.render import environment

    history = [
        {
            "run_id": 1,
            "as_of": "2026-06-30",
            "score_psi": 0.02,
            "features": {"a": 0.05},
            "flagged": [],
        },
        {
            "run_id": 2,
            "as_of": "2026-07-31",
            "score_psi": 0.31,
            "features": {"a": 0.4},
            "flagged": ["a", "score"],
        },
    ]
    model = {
        "version": "v1",
        "created_at": dt.datetime(2026, 7, 1),
        "versions": [1],
        "holdout": {
            "kind": "out-of-time",
            "window": "features as of 2025-06-30, defaults in (2025-06-30, 2026-06-30]",
            "n": 1277,
            "defaults": 118,
            "score": {"auc": 0.756, "ks": 0.41, "gini": 0.51},
        },
        "bands": [
            {"band": "poor", "from": 350, "n": 10, "defaults": 3, "bad_rate": 0.3},
            {"band": "excellent", "from": 700, "n": 5, "defaults": 0, "bad_rate": 0.0},
        ],
        "drift": history,
        "drift_flag": 0.25,
        "drift_chart": psi_chart(history, 0.25),
        "card": "card text",
    }
    block = environment().get_template("admin.html").blocks
    assert block  # the page renders through its base; render only the model section here
    source = environment().loader.get_source(environment(), "admin.html")[0]
    start = source.index('<section id="model"')
    section = source[start : source.index("</section>", start) + len("</section>")]
    html = environment().from_string(section).render(model=model)
    assert "Hold-out (out-of-time" in html and "AUC 0.756" in html
    assert "Observed bad rate" in html and "30.0%" in html
    assert "<svg" in html and "a, score" in html and isinstance(Markup(html), str)
