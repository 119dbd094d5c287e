"""Strict values in envelopes (review 2): amounts and decimals are ASCII digits, dates are
not before 1900-01-01, text columns hold no NUL; the columnar fast path and the per-row
Validator give the same verdict on each (a NUL inside ``fields`` stays accepted)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from credo.records.fast import FastValidator
from credo.records.validation import EARLIEST, parse_date, parse_decimal
from tests.records.test_fast import PERSON, _per_row, _validator

ROW = {
    "external_id": "e1", "category": "loan.repayment", "subject_scheme": "cn_ric",
    "subject_id": PERSON, "subject_name": "张伟", "occurred_on": "2024-05-01",
    "amount": "12.50", "currency": "CNY", "legal_basis": "",
    "fields": '{"loan_id": "L1", "days_late": 3, "due_on": "2024-04-30"}',
}  # fmt: skip


@pytest.mark.parametrize(
    "text", ["12_000", "１２", "٣", "١٢.٥", "1e5", "1E5", " 12 ", "12.", ".5", "+12", "NaN", ""]
)
def test_parse_decimal_takes_only_ascii_digits(text: str) -> None:
    with pytest.raises(ValueError, match="decimal number"):
        parse_decimal(text)


def test_parse_decimal_keeps_plain_numbers() -> None:
    assert parse_decimal("0012.50") == Decimal("12.50")
    assert parse_decimal("-3.1415") == Decimal("-3.1415")
    assert parse_decimal(7) == 7 and parse_decimal(1.5) == Decimal("1.5")


def test_parse_date_refuses_dates_before_1900() -> None:
    assert dt.date(1900, 1, 1) == EARLIEST and parse_date("1900-01-01") == EARLIEST
    for value in ("0001-01-01", "1899-12-31", dt.date(1, 1, 1)):
        with pytest.raises(ValueError, match="before 1900-01-01"):
            parse_date(value)


CHANGES: list[dict[str, Any]] = [
    {"subject_name": "W\x00"},
    {"legal_basis": "Art\x00 5"},
    {"amount": "12_000"},
    {"amount": "１２"},
    {"amount": "1e5"},
    {"amount": "-0.00"},
    {"amount": " 12 "},
    {"occurred_on": "0001-01-01"},
    {"occurred_on": "1899-12-31"},
    {"fields": '{"loan_id": "L1", "days_late": 3, "due_on": "1899-12-31"}'},
    {"fields": '{"loan_id": "L1", "days_late": 3, "due_on": "1000-01-01"}'},
]


@pytest.mark.parametrize("change", CHANGES, ids=[repr(c)[:40] for c in CHANGES])
def test_fast_and_per_row_both_refuse(change: dict[str, Any]) -> None:
    table = pa.Table.from_pylist([ROW, {**ROW, "external_id": "e2", **change}])
    fast = FastValidator(_validator()).batch(table.to_batches()[0], 1)
    slow = _per_row(_validator(), table)
    assert [r[0] for r in fast.refused] == [r[0] for r in slow.refused] == [2]
    assert fast.rows == slow.rows and len(fast.rows) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"occurred_on": "1900-01-01"},
        {"amount": "0012.5"},
        {"fields": '{"loan_id": "L\\u0000", "days_late": 3}'},
    ],
)
def test_fast_and_per_row_both_accept(change: dict[str, Any]) -> None:
    table = pa.Table.from_pylist([{**ROW, **change}])
    fast = FastValidator(_validator()).batch(table.to_batches()[0], 1)
    slow = _per_row(_validator(), table)
    assert not fast.refused and not slow.refused
    assert fast.rows == slow.rows and len(fast.rows) == 1
