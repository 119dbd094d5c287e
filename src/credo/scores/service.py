"""Score services: register and activate model versions, open runs, publish scores in bulk."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from credo.core import audit, clock
from credo.core.db import insert_rows
from credo.errors import NotFound
from credo.scores.models import ModelVersion, Score, ScoreDrift, ScoreRun
from credo.scoring import DIMENSIONS, Scorecard, dumps, loads

DIMENSION_COLUMNS = DIMENSIONS
CHUNK = 50_000


@dataclass(frozen=True)
class ModelActivated(audit.AuditEvent):
    """A fitted scorecard was stored and made the active model version."""

    type = "model.activated"
    model_version_id: int
    version: str
    digest: str


@dataclass(frozen=True)
class ScoresPublished(audit.AuditEvent):
    """A run's scores were published; the digest covers every (subject, score, band, reasons)."""

    type = "scores.published"
    run_id: int
    model_version_id: int
    as_of: str
    engine: str
    count: int
    digest: str


def add_model(
    *, session: Session, scorecard: Scorecard, metrics: Mapping[str, Any], actor: str
) -> ModelVersion:
    """Store a fitted scorecard as a new version and make it the only active one."""
    text = dumps(scorecard)
    n = session.execute(select(func.count()).select_from(ModelVersion)).scalar_one()
    session.execute(update(ModelVersion).where(ModelVersion.active).values(active=False))
    row = ModelVersion(
        version=f"v{n + 1}",
        model=text,
        created_at=clock.now(),
        active=True,
        metrics=dict(metrics),
    )
    session.add(row)
    session.flush()
    digest = hashlib.sha256(text.encode()).hexdigest()
    audit.append(session, ModelActivated(row.id, row.version, digest), actor=actor)
    return row


def active_model(*, session: Session) -> ModelVersion:
    """The active model version; NotFound until ``credo model fit`` has stored one."""
    row = session.execute(select(ModelVersion).where(ModelVersion.active)).scalar_one_or_none()
    if row is None:
        raise NotFound("no active model version: run `credo model fit --registry` first")
    return row


def load_model(row: ModelVersion) -> Scorecard:
    """The scorecard a model version holds."""
    return loads(row.model)


def versions(*, session: Session) -> list[ModelVersion]:
    """Every model version, oldest first."""
    return list(session.execute(select(ModelVersion).order_by(ModelVersion.id)).scalars())


def start_run(
    *,
    session: Session,
    engine: str,
    as_of: dt.date,
    model_version_id: int,
    snapshot: str,
    records: int,
    subjects: int,
    started_at: dt.datetime | None = None,
) -> ScoreRun:
    """Open a score run (finished and counted by ``publish``)."""
    run = ScoreRun(
        started_at=started_at or clock.now(),
        engine=engine,
        as_of=as_of,
        model_version_id=model_version_id,
        snapshot=snapshot,
        records=records,
        subjects=subjects,
        published=0,
    )
    session.add(run)
    session.flush()
    return run


def digest_rows(rows: Iterable[Mapping[str, Any]]) -> str:
    """SHA-256 over each row's subject, score, band and reasons, in the order given."""
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r['subject_id']}|{r['score']}|{r['band']}|{r['reasons']}\n".encode())
    return h.hexdigest()


def publish(
    *,
    session: Session,
    run: ScoreRun,
    rows: Sequence[Mapping[str, Any]],
    actor: str,
    progress: Callable[[int], None] | None = None,
) -> str:
    """Insert a run's scores in bulk, close the run and append one ``scores.published`` event.

    ``rows`` carry subject_id, score, band, the five dimension sub-scores and reasons (JSON
    text), ordered by subject id; returns the digest recorded in the run and the audit event.
    """
    table = Score.__table__
    base = {"model_version_id": run.model_version_id, "run_id": run.id, "as_of": run.as_of}
    for start in range(0, len(rows), CHUNK):
        chunk = [{**base, **r} for r in rows[start : start + CHUNK]]
        insert_rows(session, table, chunk)
        if progress is not None:
            progress(len(chunk))
    digest = digest_rows(rows)
    run.published = len(rows)
    run.digest = digest
    run.finished_at = clock.now()
    run.duration_s = (run.finished_at - run.started_at).total_seconds()
    session.flush()
    event = ScoresPublished(
        run.id, run.model_version_id, run.as_of.isoformat(), run.engine, len(rows), digest
    )
    audit.append(session, event, actor=actor)
    return digest


def latest_or_none(*, session: Session, subject_id: int) -> Score | None:
    """A subject's most recently published score, or None: the one latest-score query.

    A score withdrawn on human review (``withdrawn_on``) is skipped: the one before it is
    the published score again until the next run publishes a new one.
    """
    return session.execute(
        select(Score)
        .where(Score.subject_id == subject_id, Score.withdrawn_on.is_(None))
        .order_by(Score.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def latest(*, session: Session, subject_id: int) -> Score:
    """A subject's most recently published score (NotFound if none was published)."""
    row = latest_or_none(session=session, subject_id=subject_id)
    if row is None:
        raise NotFound(f"no published score for subject {subject_id}")
    return row


#: PSI above this is a major shift: the console flags it and the model should be refitted.
DRIFT_FLAG = 0.25


def record_drift(
    *, session: Session, run: ScoreRun, scorecard: Scorecard, features: Any
) -> list[ScoreDrift]:
    """Store the PSI of a run's score and of each feature against the model's training baseline.

    ``features`` holds the run's feature values (one row per scored subject, the model's
    feature columns). Returns the rows stored: ``score`` first (when the model has a score
    baseline), then every feature.
    """
    from credo.scoring.monitoring import psi_report

    if len(features) == 0:
        return []
    report = psi_report(scorecard, features[list(scorecard.features_)])
    rows = []
    if report["score"] is not None:
        s = report["score"]
        rows.append(("score", s["psi"], s["status"], s["expected"], s["actual"]))
    for name, f in report["features"].items():
        rows.append((name, f["psi"], f["status"], list(f["expected"]), list(f["actual"])))
    out = []
    for measure, value, status, expected, actual in rows:
        row = ScoreDrift(
            run_id=run.id,
            model_version_id=run.model_version_id,
            measure=measure,
            psi=float(value),
            status=status,
            expected=[int(x) for x in expected],
            actual=[int(x) for x in actual],
        )
        session.add(row)
        out.append(row)
    session.flush()
    return out


def drift_history(*, session: Session, runs: int = 20) -> list[dict[str, Any]]:
    """The latest runs' PSI, oldest first: score PSI, every feature's and those above 0.25."""
    recent = list(
        session.execute(select(ScoreRun).order_by(ScoreRun.id.desc()).limit(runs)).scalars()
    )
    ids = [r.id for r in recent]
    by_run: dict[int, list[ScoreDrift]] = {}
    if ids:
        for d in session.execute(
            select(ScoreDrift).where(ScoreDrift.run_id.in_(ids)).order_by(ScoreDrift.id)
        ).scalars():
            by_run.setdefault(d.run_id, []).append(d)
    out = []
    for run in reversed(recent):
        drift = by_run.get(run.id, [])
        score = next((d.psi for d in drift if d.measure == "score"), None)
        feats = {d.measure: d.psi for d in drift if d.measure != "score"}
        out.append(
            {
                "run_id": run.id,
                "as_of": run.as_of.isoformat(),
                "model_version_id": run.model_version_id,
                "score_psi": score,
                "features": feats,
                "flagged": sorted(
                    [m for m, v in feats.items() if v > DRIFT_FLAG]
                    + (["score"] if score is not None and score > DRIFT_FLAG else [])
                ),
            }
        )
    return out
