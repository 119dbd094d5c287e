"""Batch jobs in order. ``credo score`` runs the scoring steps; ``credo refresh`` runs ``STEPS``.

Each step takes the shared ``Job`` and leaves its results on it for the steps after it.
Later jobs (ledgers, lists, sweeps) append their steps to ``STEPS`` in the order they must
run; a step must be safe to rerun on a fresh snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session, sessionmaker

from credo.batch import engines, publish, snapshot
from credo.batch.ledgers import ledger_step
from credo.batch.pipeline import publish_table, score_table
from credo.core import clock
from credo.register.batch import open_data_step, register_step
from credo.scores import service as scores
from credo.scoring import Scorecard

#: Called as progress(step, advance, total): total once at the start, then advances;
#: ``total`` is None when a stage starts and ``DONE`` when it has finished.
Progress = Callable[[str, int, int | None], None]
DONE = -1


@dataclass
class Job:
    """One batch run: its inputs, and what each step hands to the next."""

    factory: sessionmaker[Session]
    data_dir: str
    engine: str = engines.DEFAULT_ENGINE
    as_of: dt.date | None = None
    actor: str = "operator"
    progress: Progress | None = None
    started_at: dt.datetime = field(default_factory=clock.now)
    bucket: int = snapshot.BUCKET  # subjects a scoring pass reads (the snapshot's buckets)
    snapshot: snapshot.SnapshotInfo | None = None
    backend: Any = None
    tables: engines.Snapshot | None = None
    scorecard: Scorecard | None = None
    model_version_id: int | None = None
    result: pa.Table | None = None
    run_id: int | None = None
    published: int = 0
    digest: str | None = None
    checksum: str | None = None
    model_version: str | None = None
    lists: dict[str, Any] | None = None
    sweeps: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def tick(self, step: str, advance: int, total: int | None = None) -> None:
        if self.progress is not None:
            self.progress(step, advance, total)

    def summary(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "snapshot": self.snapshot.path if self.snapshot else None,
            "records": self.snapshot.records if self.snapshot else 0,
            "subjects": self.snapshot.subjects if self.snapshot else 0,
            "model_version_id": self.model_version_id,
            "run_id": self.run_id,
            "published": self.published,
            "digest": self.digest,
            "subjects_scored": self.published,
            "model_version": self.model_version,
            "checksum": self.checksum,
            "lists": self.lists,
            "sweeps": self.sweeps,
            "seconds": {k: round(v, 3) for k, v in self.timings.items()},
        }


def take_snapshot(job: Job) -> None:
    """Export live records and subjects to Parquet and open them on the engine."""
    with job.factory() as session:
        bind = session.get_bind()
    job.snapshot = snapshot.export(
        engine=bind,  # type: ignore[arg-type]
        data_dir=job.data_dir,
        progress=lambda n: job.tick("snapshot", n),
        bucket=job.bucket,
    )
    job.backend = engines.connect(job.engine)
    job.tables = engines.read_snapshot(job.backend, job.snapshot.path)


def compute_scores(job: Job) -> None:
    """Features and compiled scores for every subject, in the engine, with the active model:
    in passes of the snapshot's buckets (``snapshot.passes``), each reading only its buckets'
    files, so a pass's joins and aggregates stay the size of a bucket however large the
    registry (docs/scaling.md); a registry of one bucket is one pass over the whole."""
    assert job.tables is not None and job.snapshot is not None
    with job.factory() as session:
        row = scores.active_model(session=session)
        job.scorecard, job.model_version_id = scores.load_model(row), row.id
        job.model_version = row.version
    job.as_of = job.as_of or clock.today()
    groups = snapshot.passes(job.snapshot.path)
    if len(groups) <= 1:
        job.result = score_table(job.tables, job.scorecard, job.as_of).to_pyarrow()
        job.tick("score", job.result.num_rows, job.result.num_rows)
        return
    parts = []
    for group in groups:
        tables = engines.read_snapshot(job.backend, job.snapshot.path, group)
        parts.append(score_table(tables, job.scorecard, job.as_of).to_pyarrow())
        job.tick("score", parts[-1].num_rows, job.snapshot.subjects)
    job.result = pa.concat_tables(parts)


def checksum(table: pa.Table) -> str:
    """SHA-256 over the published (subject, score) pairs in subject order, one
    ``subject:score`` line each: two runs or two engines that published the same scores give
    the same checksum."""
    from credo.core.copy import hash_lines

    digest = hashlib.sha256()
    ordered = table.select(["subject_id", "score"]).sort_by("subject_id")
    hash_lines(digest, ordered, ("subject_id", "score"), ":")
    return digest.hexdigest()


def detect_integrity(job: Job) -> None:
    """Run the manipulation detectors on the snapshot and the new scores; flags hold scores."""
    from credo.integrity.service import run_detectors

    assert job.tables is not None
    with job.factory() as session, session.begin():
        run_detectors(
            session=session,
            records=job.tables.records,
            candidates=job.result,
            as_of=job.as_of,
            actor=job.actor,
        )


def publish_scores(job: Job) -> None:
    """Publish every score (``batch.publish``: in parts of 250 k, each its own transaction,
    the run visible at once when it closes with its drift and one ``scores.published`` audit
    event). A subject held by the manipulation detectors keeps its last good score."""
    assert job.result is not None and job.scorecard is not None and job.snapshot is not None
    assert job.as_of is not None and job.model_version_id is not None
    import pyarrow.compute as pc

    from credo.integrity.service import held_subject_ids

    everyone, scorecard = job.result, job.scorecard
    result = everyone
    with job.factory() as session:
        held = held_subject_ids(session=session)
    if held:  # a flagged subject keeps its last good score until the operator clears it
        kept = pc.invert(pc.is_in(result.column("subject_id"), pa.array(sorted(held), pa.int64())))
        result = result.filter(kept)
    job.tick("publish", 0, result.num_rows)

    def drift(session: Session, run: Any) -> None:  # this run against the training baseline
        features = everyone.select(list(scorecard.features_)).to_pandas()
        scores.record_drift(
            session=session, run=run, scorecard=scorecard, features=features.astype("float64")
        )

    done = publish.publish(
        job.factory,
        run={
            "engine": job.engine,
            "as_of": job.as_of,
            "model_version_id": job.model_version_id,
            "snapshot": job.snapshot.path,
            "records": job.snapshot.records,
            "subjects": job.snapshot.subjects,
            "started_at": job.started_at,
        },
        parts=(publish_table(part, scorecard) for part in publish.parts(result)),
        actor=job.actor,
        progress=lambda n: job.tick("publish", n),
        on_close=drift,
    )
    job.run_id, job.published, job.digest = done.run_id, done.count, done.digest
    job.checksum = checksum(result)


Step = tuple[str, Callable[[Job], None]]

#: What ``credo score`` runs.
SCORE_STEPS: tuple[Step, ...] = (
    ("snapshot", take_snapshot),
    ("score", compute_scores),
    ("publish", publish_scores),
)


def sweep(job: Job) -> None:
    """Due process that runs on the calendar: lapsed disputes and retention, in one transaction."""
    from credo.config import get_settings
    from credo.rights import disputes, retention

    today = job.as_of or clock.today()
    with job.factory() as session, session.begin():
        lapsed = disputes.sweep(session=session, today=today)
        expired = retention.sweep(
            session=session, max_years=get_settings().retention_years, today=today
        )
    job.sweeps = {"disputes_lapsed": len(lapsed), "records_expired": len(expired)}


def derive_lists(job: Job) -> None:
    """Re-derive every list entry from the live records (idempotent)."""
    from credo.lists.service import refresh_lists

    with job.factory() as session, session.begin():
        job.lists = refresh_lists(
            session=session, as_of=job.as_of or clock.today(), actor=job.actor
        )


def sign_checkpoint(job: Job) -> None:
    """Sign the audit log's Merkle root after everything the refresh changed."""
    from credo.config import get_settings
    from credo.core import audit

    key = audit.load_or_create_key(audit.key_path(get_settings()))
    with job.factory() as session, session.begin():
        audit.checkpoint(session, key)


#: Every batch job in order: sweeps first so removed records are neither scored nor listed.
STEPS: list[Step] = [
    ("sweeps", sweep),
    ("snapshot", take_snapshot),
    ("score", compute_scores),
    ("integrity", detect_integrity),
    ("publish", publish_scores),
    ("ledgers", ledger_step),
    ("lists", derive_lists),
    ("register", register_step),
    ("open-data", open_data_step),
    ("checkpoint", sign_checkpoint),
]


def run(job: Job, steps: Sequence[Step] | None = None) -> dict[str, Any]:
    """Run steps in order (default: every step); returns the job's summary."""
    engines.check(job.engine)
    if job.as_of is not None:
        clock.as_of(job.as_of)  # a future day is refused before anything is written
    job.started_at = clock.now()
    for name, step in STEPS if steps is None else steps:
        started = time.perf_counter()
        job.tick(name, 0, None)  # the stage shows as it starts, on every engine
        step(job)
        job.timings[name] = time.perf_counter() - started
        job.tick(name, 0, DONE)
    return job.summary()
