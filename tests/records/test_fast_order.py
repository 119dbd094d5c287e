"""Rows the fast path accepts keep their file order across categories (issue 21): an external
id given twice in one chunk is stored from its first row, as row by row, whichever category
the chunk's first row has."""

from __future__ import annotations

import pyarrow as pa

from credo.records.fast import FastValidator
from tests.records.test_fast import PERSON, _per_row, _validator

REPAYMENT = {
    "category": "loan.repayment", "subject_scheme": "cn_ric", "subject_id": PERSON,
    "occurred_on": "2024-05-01", "amount": "12.5", "currency": "CNY",
    "fields": '{"loan_id": "L1", "days_late": 3}',
}  # fmt: skip
CARD = {**REPAYMENT, "category": "card.utilisation",
        "fields": '{"account_id": "A1", "credit_limit": "100.00"}'}  # fmt: skip


def test_accepted_rows_keep_file_order_across_categories() -> None:
    rows = [
        {**CARD, "external_id": "c0"},
        {**REPAYMENT, "external_id": "X"},
        {**CARD, "external_id": "X"},
        {**REPAYMENT, "external_id": "r3"},
    ]
    table = pa.Table.from_pylist(rows)
    chunk = FastValidator(_validator()).batch(table.to_batches()[0], 1)
    assert chunk.fast == 4
    assert [r[0] for r in chunk.rows] == [1, 2, 3, 4]
    assert chunk.rows == _per_row(_validator(), table).rows
