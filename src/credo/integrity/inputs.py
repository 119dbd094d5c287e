"""Detector inputs from the store or from a batch snapshot, as tables of one Ibis backend.

With a snapshot (``credo refresh``) the records are the snapshot's; without one
(``credo integrity scan``) only the categories detectors read are fetched from the store.
Either way the lookup keys and scores come from the store: lookup keys never enter a
snapshot, and here they stay in the process.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import numpy as np
import pyarrow as pa
from sqlalchemy import text
from sqlalchemy.orm import Session

from credo.integrity.flags import Inputs
from credo.integrity.furnishers import MIXED_POSITIVE, positive_categories
from credo.integrity.rings import TRANSFER
from credo.records.arrow import LIVE_STATES, RECORD_SCHEMA, record_batch

CHUNK = 100_000
KEY_SCHEMA = pa.schema(
    [("subject_id", pa.int64()), ("scheme", pa.string()), ("lookup_key", pa.string())]
)
SCORE_SCHEMA = pa.schema(
    [
        ("subject_id", pa.int64()),
        ("score", pa.int64()),
        ("previous", pa.int64()),
        ("previous_run", pa.int64()),
    ]
)


def needed_categories() -> tuple[str, ...]:
    """Every category some detector reads."""
    return (TRANSFER, "identity.verification", *positive_categories(), *MIXED_POSITIVE)


def _live() -> str:
    return ", ".join(f"'{s}'" for s in LIVE_STATES)


def _fetch(session: Session, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    return list(session.execute(text(sql), params or {}).all())


def store_records(session: Session) -> pa.Table:
    """Live records of the categories detectors read, plus each subject's first record.

    A subject's first record is added as one row of category ``_first`` so that "fresh"
    can be judged without fetching every record.
    """
    cats = ", ".join(f"'{c}'" for c in needed_categories())
    result = session.execute(
        text(
            "SELECT id, subject_id, furnisher_id, category, occurred_on, amount_minor, fields "
            f"FROM records WHERE state IN ({_live()}) AND category IN ({cats})"
        )
    )
    batches = []
    while rows := result.fetchmany(CHUNK):
        batches.append(record_batch(rows))
    first = _fetch(
        session,
        "SELECT 0, subject_id, '', '_first', MIN(occurred_on), NULL, '{}' FROM records "
        f"WHERE state IN ({_live()}) GROUP BY subject_id",
    )
    if first:
        batches.append(record_batch(first))
    return pa.Table.from_batches(batches, schema=RECORD_SCHEMA)


def store_keys(session: Session) -> pa.Table:
    """Every subject's (scheme, lookup key), to resolve transfer counterparties."""
    rows = _fetch(session, "SELECT id, scheme, lookup_key FROM subjects")
    if not rows:
        return KEY_SCHEMA.empty_table()
    ids, schemes, keys = zip(*rows, strict=True)
    return pa.table(
        [pa.array(ids, pa.int64()), pa.array(schemes), pa.array(keys)], schema=KEY_SCHEMA
    )


def store_scores(session: Session, candidates: pa.Table | None = None) -> pa.Table:
    """``(subject_id, score, previous, previous_run)``: a candidate against the last published
    score, or (without candidates) the last published score against the one before it (a score
    withdrawn on review, or of a run not closed, is not published: ``scores.published_runs``);
    ``previous_run`` is the run that published ``previous``."""
    rows = _fetch(
        session,
        "SELECT subject_id, score, run_id, rn FROM (SELECT subject_id, score, run_id, "
        "ROW_NUMBER() OVER "
        "(PARTITION BY subject_id ORDER BY run_id DESC, id DESC) AS rn FROM scores "
        "WHERE withdrawn_on IS NULL AND run_id IN (SELECT id FROM score_runs "
        "WHERE finished_at IS NOT NULL)) ranked "
        "WHERE rn <= :depth",
        {"depth": 1 if candidates is not None else 2},
    )
    latest: dict[int, tuple[int, int]] = {}
    before: dict[int, tuple[int, int]] = {}
    for subject_id, score, run_id, rn in rows:
        (latest if rn == 1 else before)[int(subject_id)] = (int(score), int(run_id))
    if candidates is not None:
        subjects = candidates.column("subject_id").to_pylist()
        scores = candidates.column("score").to_pylist()
        pairs = [
            (s, int(new), *latest[s])
            for s, new in zip(subjects, scores, strict=True)
            if s in latest and new is not None
        ]
    else:
        pairs = [(s, latest[s][0], *old) for s, old in before.items()]
    if not pairs:
        return SCORE_SCHEMA.empty_table()
    cols = np.asarray(pairs, dtype=np.int64).T
    return pa.table([pa.array(c) for c in cols], schema=SCORE_SCHEMA)


def from_store(
    *,
    session: Session,
    as_of: dt.date,
    records: ibis.Table | None = None,
    candidates: pa.Table | None = None,
) -> Inputs:
    """Inputs over a snapshot's records (if given) or the store's, on DuckDB by default."""
    if records is None:
        records = ibis.memtable(store_records(session))
    keys = ibis.memtable(store_keys(session))
    return Inputs(records, keys, as_of, store_scores(session, candidates))
