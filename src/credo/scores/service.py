"""Score services: register and activate model versions, open runs, publish scores in bulk."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Select, delete, func, select, update
from sqlalchemy.orm import Session

from credo.core import audit, clock
from credo.errors import NotFound
from credo.scores.models import ModelVersion, Score, ScoreDrift, ScoreRun
from credo.scoring import DIMENSIONS, Scorecard, dumps, loads

if TYPE_CHECKING:  # PyArrow is loaded by the functions that write scores, not by readers
    import pyarrow as pa

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
    """Open a score run. Its scores are stored by ``insert_scores`` (in one transaction or
    in many) and none of them is published until ``close_run`` finishes the run."""
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


def published_runs() -> Select[Any]:
    """The runs whose scores are published: closed by ``close_run``. Every reader of scores
    (checks, the report, the detectors, ``latest_or_none``) reads only these, so a run
    published in many transactions becomes visible at once, and a run that failed half-way
    is never seen (``discard_run`` deletes what it stored)."""
    return select(ScoreRun.id).where(ScoreRun.finished_at.is_not(None))


def digest_rows(rows: Iterable[Mapping[str, Any]]) -> str:
    """SHA-256 over each row's subject, score, band and reasons, in the order given."""
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r['subject_id']}|{r['score']}|{r['band']}|{r['reasons']}\n".encode())
    return h.hexdigest()


def digest_update(h: Any, table: pa.Table) -> None:
    """Feed ``digest_rows``'s bytes for an Arrow table of score rows into ``h``, built
    column-wise: the same digest as ``digest_rows`` over the same rows."""
    from credo.core.copy import hash_lines

    hash_lines(h, table, ("subject_id", "score", "band", "reasons"), "|")


def insert_scores(*, session: Session, run: ScoreRun, table: pa.Table) -> None:
    """Store one part of a run's scores: an Arrow table of ``publish_table``'s columns
    (subject_id, score, band, reasons, features, the five sub-scores) in subject order,
    written column-wise (``core.copy.insert_arrow``: SQLite ``executemany``, PostgreSQL
    ``COPY``). Not yet published: ``close_run`` publishes the run."""
    from credo.core.copy import insert_arrow

    insert_arrow(
        session,
        Score.__table__,
        table,
        {"model_version_id": run.model_version_id, "run_id": run.id, "as_of": run.as_of},
    )


def close_run(*, session: Session, run: ScoreRun, count: int, digest: str, actor: str) -> None:
    """Publish a run: count and digest recorded, finished (its scores visible to every
    reader from this commit on) and one ``scores.published`` audit event appended."""
    run.published = count
    run.digest = digest
    run.finished_at = clock.now()
    run.duration_s = (run.finished_at - run.started_at).total_seconds()
    session.flush()
    event = ScoresPublished(
        run.id, run.model_version_id, run.as_of.isoformat(), run.engine, count, digest
    )
    audit.append(session, event, actor=actor)


def discard_run(*, session: Session, run_id: int, limit: int | None = None) -> int:
    """Delete an unfinished run's scores, at most ``limit`` of them (all when None), and the
    run itself once none is left (``batch.publish.discard`` calls it part by part); returns
    how many scores went. A published run is never discarded."""
    run = session.get(ScoreRun, run_id)
    if run is None or run.finished_at is not None:
        return 0
    chosen = select(Score.id).where(Score.run_id == run_id)
    if limit is not None:
        chosen = chosen.limit(limit)
    done = session.execute(delete(Score).where(Score.id.in_(chosen.scalar_subquery())))
    gone = int(cast(CursorResult[Any], done).rowcount or 0)
    if limit is None or gone < limit:  # none left: the run goes too
        session.execute(delete(ScoreDrift).where(ScoreDrift.run_id == run_id))
        session.delete(run)
    session.flush()
    return gone


def unfinished_before(*, session: Session, before: dt.datetime) -> list[int]:
    """Runs opened before ``before`` and never closed (a publisher killed half-way)."""
    query = select(ScoreRun.id).where(ScoreRun.finished_at.is_(None), ScoreRun.started_at < before)
    return list(session.scalars(query.order_by(ScoreRun.id)))


def publish(
    *,
    session: Session,
    run: ScoreRun,
    rows: pa.Table | Sequence[Mapping[str, Any]],
    actor: str,
) -> str:
    """Store and publish a run's scores in this one transaction (``insert_scores`` then
    ``close_run``); returns the digest. ``rows``: ``publish_table``'s columns, ordered by
    subject id, as an Arrow table or as dicts. A large run is published in parts by
    ``batch.publish`` instead."""
    import pyarrow as pa

    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(list(rows))
    h = hashlib.sha256()
    if table.num_rows:
        insert_scores(session=session, run=run, table=table)
        digest_update(h, table)
    close_run(session=session, run=run, count=table.num_rows, digest=h.hexdigest(), actor=actor)
    return h.hexdigest()


def latest_or_none(*, session: Session, subject_id: int) -> Score | None:
    """A subject's most recently published score, or None: the one latest-score query.

    A score withdrawn on human review (``withdrawn_on``) is skipped: the one before it is
    the published score again until the next run publishes a new one. Scores of a run not
    yet closed are not published (``published_runs``).
    """
    return session.execute(
        select(Score)
        .where(
            Score.subject_id == subject_id,
            Score.withdrawn_on.is_(None),
            Score.run_id.in_(published_runs()),
        )
        .order_by(Score.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def published(*, session: Session, score_id: int) -> Score | None:
    """One score by id if it is published (its run closed), else None."""
    query = select(Score).where(Score.id == score_id, Score.run_id.in_(published_runs()))
    return session.execute(query).scalar_one_or_none()


def published_of(*, session: Session, subject_id: int) -> list[Score]:
    """Every published score of a subject, oldest first (withdrawn ones included: they
    carry ``withdrawn_on``)."""
    query = select(Score).where(Score.subject_id == subject_id, Score.run_id.in_(published_runs()))
    return list(session.execute(query.order_by(Score.id)).scalars())


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
