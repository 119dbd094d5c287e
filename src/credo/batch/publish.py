"""Publishing a run's scores in parts: each part its own transaction, the whole run visible
at once when it closes.

A run of millions of scores in one transaction grew SQLite's write-ahead log to the size of
the scores (18 GB at 30 M subjects) and slowed every insert as it grew (82 k rows/s over the
first 10 M, 45 k/s over the last: docs/scaling.md). Here the run is opened, each part of
its scores is stored and committed on its own (the log is checkpointed between parts), and
``scores.close_run`` publishes it: readers see only closed runs (``scores.published_runs``),
so nobody sees half a run, and a run that fails half-way is discarded (``discard``, part by
part) and never seen; one whose publisher was killed outright is discarded by the next
publish (``STALE``).

``credo score`` / ``credo refresh`` (``refresh.publish_scores``) and the scale benchmark
(``bench/bench_scale.py``) publish through :func:`publish`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.scores import service as scores
from credo.scores.models import ScoreRun

#: Scores stored per transaction.
PART_ROWS = 250_000
#: An unfinished run older than this was left by a publisher that was killed (a publish of
#: 30 M scores takes minutes): the next publish discards it.
STALE = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Published:
    run_id: int
    count: int
    digest: str


def parts(table: pa.Table, rows: int = PART_ROWS) -> Iterator[pa.Table]:
    """A table of engine output in subject order, ``rows`` at a time."""
    ordered = table.sort_by("subject_id")
    for start in range(0, ordered.num_rows, rows):
        yield ordered.slice(start, rows)


def publish(
    factory: sessionmaker[Session],
    *,
    run: dict[str, Any],
    parts: Iterable[pa.Table],
    actor: str,
    progress: Callable[[int], None] | None = None,
    on_close: Callable[[Session, ScoreRun], None] | None = None,
) -> Published:
    """Open a run (``run``: ``scores.start_run``'s arguments), store each part of its scores
    in its own transaction (``parts``: ``publish_table``'s columns, in subject order across
    the parts), then close it in one last transaction with ``on_close`` (the run's drift)
    and the ``scores.published`` audit event. If anything fails before the close, what the
    run stored is deleted and the error raised."""
    with factory() as session:  # runs a killed publisher left behind: never seen, now gone
        stale = scores.unfinished_before(session=session, before=clock.now() - STALE)
    for old in stale:
        discard(factory, old)
    with factory() as session, session.begin():
        run_id = scores.start_run(session=session, **run).id
    digest, count = hashlib.sha256(), 0
    try:
        for part in parts:
            with factory() as session, session.begin():
                opened = session.get_one(ScoreRun, run_id)
                scores.insert_scores(session=session, run=opened, table=part)
            scores.digest_update(digest, part)
            count += part.num_rows
            if progress is not None:
                progress(part.num_rows)
        with factory() as session, session.begin():
            opened = session.get_one(ScoreRun, run_id)
            scores.close_run(
                session=session, run=opened, count=count, digest=digest.hexdigest(), actor=actor
            )
            if on_close is not None:
                on_close(session, opened)
    except BaseException:
        discard(factory, run_id)
        raise
    return Published(run_id, count, digest.hexdigest())


def discard(factory: sessionmaker[Session], run_id: int, rows: int = PART_ROWS) -> int:
    """Delete an unfinished run and its scores, ``rows`` per transaction (as they were
    stored, so the write-ahead log stays at one part's size); returns how many went."""
    gone = 0
    while True:
        with factory() as session, session.begin():
            part = scores.discard_run(session=session, run_id=run_id, limit=rows)
        gone += part
        if part < rows:
            return gone
