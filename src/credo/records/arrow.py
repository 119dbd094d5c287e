"""Records as Arrow: the one columnar shape that batch snapshots and the detectors read.

Defined with the records domain (not in ``batch``) because domains below ``batch``, such
as integrity's store reader, build the same batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from credo.records.service import USED_STATES

LIVE_STATES = USED_STATES
"""States of a live record (the disputed-court-order rule is ``records.service.in_use``)."""

RECORD_SCHEMA = pa.schema(
    [
        ("record_id", pa.int64()),
        ("subject_id", pa.int64()),
        ("furnisher_id", pa.string()),
        ("category", pa.string()),
        ("occurred_on", pa.date32()),
        ("amount_minor", pa.int64()),
        ("fields", pa.string()),
        ("month", pa.int32()),
    ]
)


def dates(values: Sequence[Any]) -> pa.Array:
    """Dates from the driver (``date`` objects, or ISO text on SQLite) as date32."""
    first = next((v for v in values if v is not None), None)
    if isinstance(first, str):
        return pc.cast(pa.array(values, pa.string()), pa.date32())
    return pa.array(values, pa.date32())


def record_batch(rows: Sequence[Sequence[Any]]) -> pa.RecordBatch:
    """Record rows (id, subject, furnisher, category, date, amount, fields) as one Arrow batch,
    with the month each falls in."""
    ids, subjects, furnishers, categories, occurred, amounts, fields = zip(*rows, strict=True)
    day = dates(occurred)
    month = pc.cast(pc.add(pc.multiply(pc.year(day), 100), pc.month(day)), pa.int32())
    return pa.RecordBatch.from_arrays(
        [
            pa.array(ids, pa.int64()),
            pa.array(subjects, pa.int64()),
            pa.array(furnishers, pa.string()),
            pa.array(categories, pa.string()),
            day,
            pa.array(amounts, pa.int64()),
            pa.array(fields, pa.string()),
            month,
        ],
        schema=RECORD_SCHEMA,
    )
