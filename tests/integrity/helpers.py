"""Hand-made integrity data: records as rows, Inputs over DuckDB memtables, store rows."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ibis
import pyarrow as pa
from sqlalchemy.orm import Session

from credo.integrity.flags import Inputs
from credo.records.models import Record
from credo.subjects.models import Subject

AS_OF = dt.date(2026, 6, 30)
OLD = AS_OF - dt.timedelta(days=900)


def fields(**kw: Any) -> str:
    return json.dumps(kw, sort_keys=True, separators=(",", ":"))


def transfer(src: int, dst: int, amount: int, day: dt.date = AS_OF) -> list[dict[str, Any]]:
    """Both sides of one transfer, as furnished (counterparty by lookup key ``k<id>``)."""
    return [
        {
            "subject_id": src,
            "furnisher_id": "pay",
            "category": "payment.transfer",
            "occurred_on": day,
            "amount_minor": amount,
            "fields": fields(
                counterparty_id=f"k{dst}", counterparty_scheme="cn_ric", direction="out"
            ),
        },
        {
            "subject_id": dst,
            "furnisher_id": "pay",
            "category": "payment.transfer",
            "occurred_on": day,
            "amount_minor": amount,
            "fields": fields(
                counterparty_id=f"k{src}", counterparty_scheme="cn_ric", direction="in"
            ),
        },
    ]


def record(
    subject: int, category: str, day: dt.date, furnisher: str = "f", **kw: Any
) -> dict[str, Any]:
    return {
        "subject_id": subject,
        "furnisher_id": furnisher,
        "category": category,
        "occurred_on": day,
        "amount_minor": None,
        "fields": fields(**kw),
    }


def inputs(
    rows: list[dict[str, Any]], n_subjects: int = 200, scores: pa.Table | None = None
) -> Inputs:
    schema = pa.schema(
        [
            ("subject_id", pa.int64()),
            ("furnisher_id", pa.string()),
            ("category", pa.string()),
            ("occurred_on", pa.date32()),
            ("amount_minor", pa.int64()),
            ("fields", pa.string()),
        ]
    )
    records = ibis.memtable(pa.Table.from_pylist(rows, schema=schema))
    keys = ibis.memtable(
        pa.table(
            {
                "subject_id": pa.array(range(n_subjects), pa.int64()),
                "scheme": ["cn_ric"] * n_subjects,
                "lookup_key": [f"k{i}" for i in range(n_subjects)],
            }
        )
    )
    return Inputs(records, keys, AS_OF, scores)


def add_subjects(session: Session, n: int) -> list[int]:
    """Persons ``k0..k{n-1}`` (lookup keys), created in the store; returns their ids."""
    rows = [
        Subject(
            kind="person",
            scheme="cn_ric",
            lookup_key=f"k{i}",
            display_id=f"1101**********{i:04d}",
            created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )
        for i in range(n)
    ]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def add_records(
    session: Session, rows: list[dict[str, Any]], ids: list[int], furnisher: str
) -> None:
    for n, row in enumerate(rows):
        body = row["fields"]
        session.add(
            Record(
                furnisher_id=furnisher,
                external_id=f"x{n}",
                category=row["category"],
                subject_id=ids[row["subject_id"]],
                occurred_on=row["occurred_on"],
                amount_minor=row["amount_minor"],
                currency="CNY" if row["amount_minor"] else None,
                legal_basis=None,
                fields=body,
                state="active",
                version=1,
                content_hash="0" * 64,
                received_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
            )
        )
    session.flush()
