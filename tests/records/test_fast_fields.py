"""The ``fields`` check in one pass for rows in the first row's key order (issue 21): rows in
that order, in another, spaced, with a key twice, an unknown key or a null value give what
the per-row Validator gives, whichever row comes first."""

from __future__ import annotations

import itertools
import json

import pyarrow as pa
import pytest

from credo.records.fast import FastValidator
from tests.records.test_fast import PERSON, _per_row, _validator

FIELDS = [
    '{"loan_id": "L1", "days_late": 3}',
    '{"days_late": 3, "loan_id": "L1"}',
    '{"loan_id":"L2","days_late":0,"due_on":"2024-04-30"}',
    ' { "loan_id" : "L3" ,\n "days_late" : 12 } ',
    '{"loan_id": "L1", "days_late": 3, "loan_id": "L9"}',  # a key twice: the last wins
    '{"loan_id": "L1", "days_late": 3, "extra": 1}',
    '{"loan_id": "L1", "days_late": null}',
    '{"loan_id": "L1", "days_late": 3, "due_on": null}',
    '{"loan_id": "L1", "days_late": 05}',
    '{"loan_id": "a:b", "days_late": 3}',
    '{"loan_id": "L1", "days_late": 3651}',
    '{"loan_id": "\\u0041", "days_late": 3}',
    '{"loan_id": "\\ud800", "days_late": 3}',  # a lone surrogate, escaped
    '{"loan_id": "L1", "days_late": NaN}',
    '{"loan_id": "L1", "days_late": Infinity}',
    '{"loan_id": "L1", "days_late": 1e400}',
    '{"loan_id": "L1", "days_late": 3.0}',
    '{"loan_id": ["L1"], "days_late": 3}',
    "{}",
    "[1]",
]


@pytest.mark.parametrize("first", range(len(FIELDS)))
def test_fields_in_one_pass_agree_with_the_validator(first: int) -> None:
    order = [FIELDS[first], *(f for i, f in enumerate(FIELDS) if i != first)]
    rows = [
        {
            "external_id": f"e{n}", "category": "loan.repayment", "subject_scheme": "cn_ric",
            "subject_id": PERSON, "occurred_on": "2024-05-01", "amount": "12.5",
            "currency": "CNY", "fields": text,
        }
        for n, text in enumerate(itertools.chain(order, order))
    ]  # fmt: skip
    table = pa.Table.from_pylist(rows)
    chunk = FastValidator(_validator()).batch(table.to_batches()[0], 1)
    slow = _per_row(_validator(), table)
    assert chunk.rows == slow.rows
    assert [r[0] for r in chunk.refused] == [r[0] for r in slow.refused]
    assert chunk.fast >= 2 * sum(1 for f in FIELDS[:4] if json.loads(f))  # no slow detour
