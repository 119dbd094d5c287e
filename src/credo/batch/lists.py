"""List derivation over a batch snapshot: the engine selects, ``derive`` decides.

``credo refresh`` derives list entries from the store (``service._facts``: one query, then
the rules in Python). At registry scale the same derivation runs over the Parquet snapshot
``credo score`` exports, on the batch engine (DuckDB or Spark, through Ibis): the engine
reads only the list categories (partition pruning on ``category``), drops what happened
after ``as_of``, joins each record to its subject's kind and birth date and hands the facts
over in subject order, in Arrow batches; ``derive`` (the one definition of the rules, in
``derive.py`` with its terms in ``rules.py``) runs on each batch of whole subjects as they
arrive, so memory holds one batch, never the registry. The entries equal the store
derivation's on the same records (tests/batch/test_lists.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

import ibis.expr.types as ir

from credo.batch import engines
from credo.batch.engines import Snapshot
from credo.lists.derive import CATEGORIES, Desired, Fact, Key, SubjectInfo, derive

BATCH = 100_000
"""Facts fetched from the engine at a time."""


def facts_expr(snap: Snapshot, as_of: dt.date) -> ir.Table:
    """The snapshot's list facts on ``as_of``, with each subject's kind and birth date, in
    subject order, as one engine expression."""
    records, subjects = snap.records, snap.subjects
    facts = records.filter(records.category.isin(CATEGORIES), records.occurred_on <= as_of)
    joined = facts.join(subjects, facts.subject_id == subjects.subject_id)
    return joined.select(
        joined.record_id,
        joined.subject_id,
        joined.category,
        joined.occurred_on,
        joined.fields,
        joined.kind,
        joined.birth_date,
    ).order_by(["subject_id", "record_id"])


def _batches(expr: ir.Table, size: int) -> Iterator[list[dict[str, Any]]]:
    for batch in engines.batches(expr._find_backend(), expr, size):
        yield batch.to_pylist()


def derive_batches(
    snap: Snapshot,
    as_of: dt.date,
    repairs: Mapping[Key, dt.date] | None = None,
    *,
    size: int = BATCH,
) -> Iterator[list[Desired]]:
    """The entries the snapshot's records call for on ``as_of``, one list per batch of whole
    subjects (a subject whose facts straddle two engine batches waits for the second)."""
    waiting: list[Fact] = []
    infos: dict[int, SubjectInfo] = {}
    for rows in _batches(facts_expr(snap, as_of), size):
        for row in rows:
            sid = row["subject_id"]
            waiting.append(
                Fact(
                    row["record_id"],
                    sid,
                    row["category"],
                    row["occurred_on"],
                    json.loads(row["fields"]),
                )
            )
            if sid not in infos:
                infos[sid] = SubjectInfo(row["kind"], row["birth_date"])
        last = waiting[-1].subject_id if waiting else None
        ready = [f for f in waiting if f.subject_id != last]
        waiting = [f for f in waiting if f.subject_id == last]
        if ready:
            yield list(derive(ready, infos, as_of, repairs).values())
            infos = {sid: info for sid, info in infos.items() if sid == last}
    if waiting:
        yield list(derive(waiting, infos, as_of, repairs).values())


def derive_snapshot(
    snap: Snapshot,
    as_of: dt.date,
    repairs: Mapping[Key, dt.date] | None = None,
    *,
    size: int = BATCH,
) -> dict[Key, Desired]:
    """Every entry the snapshot's records call for on ``as_of``, as ``derive`` returns them."""
    return {e.key: e for batch in derive_batches(snap, as_of, repairs, size=size) for e in batch}
