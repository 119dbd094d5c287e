"""Fit from the registry, compiled scores equal Python scores, publish, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from credo.batch import refresh, snapshot
from credo.batch.fit import fit, training_frame
from credo.batch.pipeline import score_table
from credo.cli.batch import register
from credo.config import get_settings
from credo.core import audit
from credo.core.db import make_engine, session_factory
from credo.scores import service as scores
from credo.scores.models import ModelVersion, Score, ScoreRun
from tests.batch.conftest import AS_OF, IBIS_DUCKDB, read
from tests.batch.registry import populate

pytestmark = IBIS_DUCKDB


@pytest.fixture
def populated(session: Session) -> Session:
    populate(session, n=300, as_of=AS_OF)
    return session


def test_fit_from_registry_and_compiled_scores_equal_python(
    populated: Session, engine: Engine, tmp_path: Path
) -> None:
    snap = read(engine, tmp_path)
    X, y, feature_date = training_frame(snap, AS_OF)
    assert feature_date == dt.date(2025, 6, 30)
    assert 200 < len(X) < 300 and 0 < y.mean() < 0.5
    scorecard, metrics = fit(snap, AS_OF)
    # fitted on the year before, validated out of time on the window ending AS_OF
    assert metrics["holdout"]["kind"] == "out-of-time"
    assert metrics["holdout"]["n"] == len(X) and metrics["holdout"]["defaults"] == int(y.sum())
    assert metrics["auc"] == metrics["holdout"]["score"]["auc"] and metrics["auc"] > 0.6
    assert metrics["feature_date"] == "2024-06-30"
    assert scorecard.dimensions_["card_utilisation"] == "capacity"
    assert "identity_level" in scorecard.actionable_

    out = score_table(snap, scorecard, AS_OF).to_pyarrow().to_pandas()
    out = out.sort_values("subject_id").reset_index(drop=True)
    feats = out[scorecard.features_].astype("float64")
    assert (out["score"].to_numpy() == scorecard.credit_score(feats)).all()
    dims = scorecard.dimension_scores(feats)
    for d in dims.columns:
        if dims[d].isna().all():
            assert out[d].isna().all()
        else:
            assert (out[d].to_numpy() == dims[d].to_numpy()).all(), d
    for i, explained in enumerate(scorecard.explain_frame(feats)):
        assert out.at[i, "band"] == explained["band"]
        want = [(r["feature"], r["points_lost"]) for r in explained["reasons"]]
        got = [
            (out.at[i, f"reason_{k}"], int(out.at[i, f"lost_{k}"]))
            for k in range(1, 5)
            if not pd.isna(out.at[i, f"reason_{k}"])
        ]
        assert got == want


def test_model_versions_keep_history(populated: Session, engine: Engine, tmp_path: Path) -> None:
    scorecard, metrics = fit(read(engine, tmp_path), AS_OF)
    first = scores.add_model(session=populated, scorecard=scorecard, metrics=metrics, actor="t")
    second = scores.add_model(session=populated, scorecard=scorecard, metrics=metrics, actor="t")
    populated.commit()
    assert scores.active_model(session=populated).id == second.id
    versions = scores.versions(session=populated)
    assert [(v.version, v.active) for v in versions] == [("v1", False), ("v2", True)]
    assert scores.load_model(first).features_ == scorecard.features_
    types = [e.event_type for e in audit.iter_entries(populated)]
    assert types.count("model.activated") == 2


def test_score_publishes_scores_run_and_audit_event(
    populated: Session, engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    scorecard, metrics = fit(read(engine, tmp_path), AS_OF)
    scores.add_model(session=populated, scorecard=scorecard, metrics=metrics, actor="t")
    populated.commit()
    for expected_run in (1, 2):
        job = refresh.Job(factory=factory, data_dir=str(tmp_path / "data"), as_of=AS_OF)
        summary = refresh.run(job, refresh.SCORE_STEPS)
        assert summary["published"] == 300 and summary["run_id"] == expected_run
    with factory() as s:
        assert s.execute(select(func.count()).select_from(Score)).scalar_one() == 600
        run = s.get(ScoreRun, 2)
        assert run is not None and run.published == 300 and run.engine == "duckdb"
        assert run.finished_at is not None and run.digest == summary["digest"]
        row = scores.latest(session=s, subject_id=1)
        assert row.run_id == 2 and 350 <= row.score <= 950 and row.as_of == AS_OF
        reasons = json.loads(row.reasons)
        assert all(r["text"] and r["points_lost"] > 0 for r in reasons)
        events = [e for e in audit.iter_entries(s) if e.event_type == "scores.published"]
        assert len(events) == 2
        payload = json.loads(events[-1].payload)
        assert payload == {**payload, "run_id": 2, "count": 300, "digest": summary["digest"]}
        assert audit.verify(s).ok
    # the published scores are the Python scorecard's scores of the same features
    assert job.tables is not None
    table = score_table(job.tables, scorecard, AS_OF).to_pyarrow().to_pandas()
    table = table.sort_values("subject_id")
    with factory() as s:
        query = select(Score.subject_id, Score.score).where(Score.run_id == 2)
        published = {sid: value for sid, value in s.execute(query)}
    expected = scorecard.credit_score(table[scorecard.features_].astype("float64"))
    assert [published[i] for i in table["subject_id"]] == list(expected)


def test_score_without_a_model_is_an_error(
    populated: Session, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    job = refresh.Job(factory=factory, data_dir=str(tmp_path))
    with pytest.raises(Exception, match="no active model"):
        refresh.run(job)


def test_refresh_lists_its_steps_in_order() -> None:
    assert [name for name, _ in refresh.STEPS] == [
        "sweeps",
        "snapshot",
        "score",
        "integrity",
        "publish",
        "ledgers",
        "lists",
        "register",
        "open-data",
        "checkpoint",
    ]


def test_cli_fit_card_score_refresh(tmp_path: Path) -> None:
    from credo.migrations import upgrade

    url = get_settings().database_url
    upgrade(url)
    store = make_engine(url)
    with session_factory(store)() as s:
        populate(s, n=200, as_of=AS_OF)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    out = tmp_path / "model.json"
    fitted = runner.invoke(
        app, ["model", "fit", "--registry", "--as-of", "2026-06-30", "--out", str(out), "--json"]
    )
    assert fitted.exit_code == 0, fitted.output
    assert json.loads(fitted.stdout.strip().splitlines()[-1])["version"] == "v1"
    assert json.loads(out.read_text())["format"] == "credo-scorecard"
    card = runner.invoke(app, ["model", "card"])
    assert card.exit_code == 0 and "v1" in card.stdout
    scored = runner.invoke(app, ["score", "--as-of", "2026-06-30", "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout.strip().splitlines()[-1])["published"] == 200
    refreshed = runner.invoke(app, ["refresh", "--json"])
    assert refreshed.exit_code == 0, refreshed.output
    # the card shows the out-of-time figures, the band table and the drift of each run
    card = runner.invoke(app, ["model", "card"])
    assert card.exit_code == 0, card.output
    assert "## Hold-out (out-of-time" in card.stdout and "observed bad rate" in card.stdout
    assert "## Drift of the model in use" in card.stdout
    assert card.stdout.count("| 2026-06-30 |") >= 1
    printed = runner.invoke(app, ["model", "fit", "--registry", "--as-of", "2026-06-30"])
    assert printed.exit_code == 0, printed.output  # the summary goes to stderr (Rich console)
    bad = runner.invoke(app, ["score", "--engine", "flink"])
    assert bad.exit_code == 1 and "flink" in bad.output
    with session_factory(store)() as s:
        assert s.execute(select(func.count()).select_from(ScoreRun)).scalar_one() == 2
        assert s.execute(select(func.count()).select_from(ModelVersion)).scalar_one() == 2
    store.dispose()
    assert np.isfinite(1.0)


def test_score_in_passes_of_buckets_publishes_what_one_pass_does(
    populated: Session, engine: Engine, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """``credo score`` over a snapshot of many buckets scores pass by pass (each pass reads
    its buckets' files only) and publishes the same scores as one pass over the whole."""
    scorecard, metrics = fit(read(engine, tmp_path), AS_OF)
    scores.add_model(session=populated, scorecard=scorecard, metrics=metrics, actor="t")
    populated.commit()
    ticks: list[tuple[str, int, int | None]] = []
    whole = refresh.Job(factory=factory, data_dir=str(tmp_path / "whole"), as_of=AS_OF)
    passes = refresh.Job(
        factory=factory,
        data_dir=str(tmp_path / "passes"),
        as_of=AS_OF,
        bucket=40,
        progress=lambda step, n, total: ticks.append((step, n, total)),
    )
    one = refresh.run(whole, refresh.SCORE_STEPS)
    many = refresh.run(passes, refresh.SCORE_STEPS)
    assert passes.snapshot is not None and len(snapshot.passes(passes.snapshot.path)) == 8
    assert whole.snapshot is not None and len(snapshot.passes(whole.snapshot.path)) == 1
    assert one["published"] == many["published"] == 300
    assert one["checksum"] == many["checksum"]
    with factory() as s:
        query = select(Score.subject_id, Score.score, Score.reasons)
        runs = [
            {sid: (score, why) for sid, score, why in s.execute(query.where(Score.run_id == run))}
            for run in (one["run_id"], many["run_id"])
        ]
    assert runs[0] == runs[1]
    scored = [(n, total) for step, n, total in ticks if step == "score" and n]  # not start/end
    assert len(scored) == 8 and sum(n for n, _ in scored) == 300
    assert {total for _, total in scored} == {300}
