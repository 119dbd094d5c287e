"""Bulk intake stores exactly the Validator's values on every store (issue 21: the columnar
path, executemany on SQLite and pre-formatted COPY blocks on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from credo.catalogue import get_catalogue
from credo.core import clock
from credo.records.bulk import ingest_file
from credo.records.validation import Validator, ValidRecord
from credo.subjects.identifiers import ric_check_character
from tests.api.helpers import counts, unchanged
from tests.conftest import TEST_SECRET
from tests.envelopes import ORG, repayment
from tests.records.bulkfiles import write


def person(i: int) -> str:
    body = f"11010519800101{i:03d}"
    return body + ric_check_character(body)


def awkward() -> list[dict[str, Any]]:
    """Rows whose text needs escaping in COPY (backslash, tab, newline, CR), fast and slow."""
    return [
        repayment("r-1", subject={"scheme": "cn_ric", "id": person(1), "name": "Tab\there"}),
        repayment(
            "r-2",
            subject={"scheme": "cn_ric", "id": person(2), "name": "Back\\slash\r\nline"},
            legal_basis="Art. 5 \\N\nnext\tcolumn",
        ),
        repayment(
            "r-3",
            subject={"scheme": "cn_ric", "id": person(3), "name": None},
            fields={"loan_id": 'a\\b"c\td', "days_late": 2},
        ),
        repayment("r-4", subject={"scheme": "cn_uscc", "id": ORG, "name": "Foods\\Ltd"}),
        repayment("r-5", subject={"scheme": "cn_ric", "id": person(1), "name": "Other"}),
    ]


def _stored(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.external_id, r.category, s.scheme, s.lookup_key, s.name, s.display_id,"
                " r.occurred_on, r.amount_minor, r.currency, r.legal_basis, r.fields,"
                " r.content_hash, r.state, r.version FROM records r"
                " JOIN subjects s ON s.id = r.subject_id"
            )
        ).all()
    return {r[0]: tuple(str(v) if v is not None else None for v in r) for r in rows}


def _expected(envelopes: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    validator = Validator(
        catalogue=get_catalogue(),
        permitted=frozenset({"loan.repayment"}),
        secret=TEST_SECRET.encode(),
        today=clock.today(),
    )
    names: dict[str, str | None] = {}
    out = {}
    for envelope in envelopes:
        valid = validator.validate(envelope)
        assert isinstance(valid, ValidRecord), valid
        identity = valid.identity
        name = names.setdefault(identity.key, valid.name)  # a subject keeps its first name
        values = (
            valid.external_id, valid.category, identity.scheme, identity.key, name,
            identity.display, valid.occurred_on, valid.amount_minor, valid.currency,
            valid.legal_basis, valid.fields_json, valid.content_hash, "active", 1,
        )  # fmt: skip
        out[valid.external_id] = tuple(str(v) if v is not None else None for v in values)
    return out


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_bulk_intake_stores_the_validators_values(
    tmp_path: Path, factory: sessionmaker[Session], engine: Engine, bank: dict[str, Any], fmt: str
) -> None:
    envelopes = awkward()
    path = write(tmp_path / f"odd.{fmt}", envelopes)
    summary = ingest_file(factory=factory, path=path, furnisher_id=bank["id"], chunk=3)
    assert (summary.accepted, summary.duplicates, summary.rejected) == (5, 0, 0)
    expected = _expected(envelopes)
    if fmt == "csv":  # CSV has no null: an empty name cell is no name, as for the Validator
        assert expected["r-3"][4] is None
    assert _stored(engine) == expected
    with unchanged(engine):  # idempotent: the same file again stores nothing
        again = ingest_file(factory=factory, path=path, furnisher_id=bank["id"], chunk=3)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 5, 0)


def test_whole_file_transaction_over_many_chunks_and_subjects(
    tmp_path: Path, factory: sessionmaker[Session], engine: Engine, bank: dict[str, Any]
) -> None:
    """All-or-nothing keeps one transaction across chunks: new subjects in every chunk, some
    held from an earlier chunk, a repeat of a row within the file (a duplicate)."""
    envelopes = [
        repayment(f"m-{i}", subject={"scheme": "cn_ric", "id": person(i % 7), "name": f"P{i}"})
        for i in range(20)
    ]
    envelopes.append(envelopes[3])
    path = write(tmp_path / "many.parquet", envelopes)
    summary = ingest_file(
        factory=factory, path=path, furnisher_id=bank["id"], chunk=4, all_or_nothing=True
    )
    assert (summary.accepted, summary.duplicates, summary.rejected) == (20, 1, 0)
    assert counts(engine)["records"] == 20 and counts(engine)["subjects"] == 7
    assert _stored(engine) == _expected(envelopes[:20])


def test_fast_chunk_is_in_file_order_with_slow_rows_between() -> None:
    """Rows the Validator judged sit between bulk-proven ones in file order, numbered as in
    the file."""
    from credo.records.fast import FastValidator
    from tests.records.bulkfiles import COLUMNS, to_columns

    envelopes = awkward()
    rows = [to_columns(e) for e in envelopes]
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in COLUMNS})
    validator = Validator(
        catalogue=get_catalogue(),
        permitted=frozenset({"loan.repayment"}),
        secret=b"t",
        today=clock.today(),
    )
    chunk = FastValidator(validator).batch(table.to_batches()[0], 10)
    assert 0 < chunk.fast < len(envelopes)  # both paths were taken
    assert [r[0] for r in chunk.rows] == [10, 11, 12, 13, 14]
    assert [r[1] for r in chunk.rows] == [f"r-{i}" for i in range(1, 6)]


def test_copy_text_escapes_what_copy_reads_specially() -> None:
    """COPY text format: backslash, newline, CR and tab escaped, null as \\N, numbers and
    dates as PostgreSQL reads them, constants repeated on every row."""
    import datetime as dt

    from credo.core.copy import copy_text

    block = copy_text(
        [
            pa.array(["a\\b", "c\nd\re\tf", None, "plain"]),
            pa.array([1, None, -3, 4], pa.int64()),
            pa.array([dt.date(2024, 1, 2), None, dt.date(999, 12, 31), dt.date(2026, 1, 1)]),
            "k\t1",
        ]
    )
    assert bytes(block).decode().split("\n") == [
        "a\\\\b\t1\t2024-01-02\tk\\t1",
        "c\\nd\\re\\tf\t\\N\t\\N\tk\\t1",
        "\\N\t-3\t0999-12-31\tk\\t1",
        "plain\t4\t2026-01-01\tk\\t1",
        "",
    ]
