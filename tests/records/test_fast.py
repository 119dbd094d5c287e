"""The vectorised fast path accepts only what the per-row Validator accepts, with equal output."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credo.catalogue import get_catalogue
from credo.records.fast import Chunk, FastValidator
from credo.records.readers import from_columns
from credo.records.validation import Validator

TODAY = dt.date(2026, 11, 21)
PERMITTED = frozenset(
    {
        "loan.opened",
        "loan.repayment",
        "card.utilisation",
        "tax.filing",
        "court.judgment",
        "court.listing",
        "inspection.result",
        "identity.verification",
        "payment.transfer",
    }
)
CATEGORIES = sorted(PERMITTED | {"licence.revoked", "medical.history", "no.such"})
PERSON = "11010519491231002X"
ORG = "91350100M000100Y43"

text = st.one_of(
    st.sampled_from(["", " ", "\u3000", "L1", "mortgage", 'a"b', "x\\y", "北京", "A", "repaid"]),
    st.text(max_size=6),
)
date_text = st.one_of(
    st.sampled_from(
        ["2024-01-31", "2026-02-30", "2027-01-01", "2026-11-21", "2026-11-22", "0999-01-01"]
    ),
    st.sampled_from(["0001-01-01", "1899-12-31", "1900-01-01", "1000-01-01"]),
    st.sampled_from(["2024-1-5", "20240105", "2024-01-05T00", "２０２４-01-05"]),
)
json_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5000),
    st.sampled_from([10**16, -0.0, 1.5, 90, 480, 481, 0, 3650, 2023, 1989]),
    text,
    date_text,
    st.sampled_from(["12.50", "007", "1e3", "-0", "-1", "0.0000001", " 5", "5000"]),
    st.sampled_from(["12_000", "１２", "٣", "1E5", "-0.00", "+5", "5.", ".5", "L\x00"]),
)
field_names = st.sampled_from(
    [
        "loan_id", "product", "term_months", "income_band", "days_late", "due_on",
        "account_id", "credit_limit", "tax_year", "on_time", "case_number", "court_name",
        "judgment_type", "inspection_id", "domain", "grade", "method", "level",
        "counterparty_scheme", "counterparty_id", "direction", "religion", "extra",
    ]
)  # fmt: skip


def _fields_text(draw: Any, category: str) -> str | None:
    catalogue = get_catalogue()
    values: dict[str, Any] = {}
    if category in catalogue.categories and draw(st.booleans()):
        for spec in catalogue.categories[category].fields:  # plausible values first
            if spec.choices:
                values[spec.name] = draw(st.sampled_from(spec.choices))
            elif spec.type == "integer":
                values[spec.name] = int(spec.min or 0)
            elif spec.type == "date":
                values[spec.name] = "2024-03-01"
            elif spec.type == "decimal":
                values[spec.name] = "100.50"
            elif spec.type == "boolean":
                values[spec.name] = True
            else:
                values[spec.name] = "X1"
    for name in draw(st.lists(field_names, max_size=3)):
        if draw(st.booleans()):
            values.pop(name, None)
        else:
            values[name] = draw(json_value)
    mode = draw(st.sampled_from(["compact", "spaced", "raw", "none", "dup"]))
    if mode == "none":
        return None
    if mode == "raw":
        return draw(st.sampled_from(["", "[1]", "{", "5", '{"a":1,}', '{"loan_id":NaN}']))
    if mode == "spaced":
        return json.dumps(values, indent=1, ensure_ascii=draw(st.booleans()))
    out = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    if mode == "dup" and values:
        first = next(iter(values))
        out = out[:-1] + "," + json.dumps(first) + ":" + json.dumps(draw(json_value)) + "}"
    return out


@st.composite
def rows(draw: Any) -> dict[str, Any]:
    category = draw(st.sampled_from(CATEGORIES))
    return {
        "external_id": draw(
            st.one_of(st.sampled_from(["r1", "", " ", "x" * 129, "é" * 128]), text)
        ),
        "category": category,
        "subject_scheme": draw(st.sampled_from(["cn_ric", "cn_uscc", "nope", ""])),
        "subject_id": draw(st.sampled_from([PERSON, ORG, "110105194912310021", "", "abc"])),
        "subject_name": draw(
            st.one_of(st.sampled_from(["", "张伟", "n" * 201, "W\x00", "\x00"]), text)
        ),
        "occurred_on": draw(date_text),
        "amount": draw(
            st.sampled_from(["", "12.5", "12.50", "12.505", "-1", "1e3", "0", "1000000000000000"])
            | st.sampled_from(["12_000", "１２", "٣", "1E5", "-0.00", "-0", " 12 ", "012.5", "12."])
        ),
        "currency": draw(st.sampled_from(["", "CNY", "cny", "ÄÖÜ", "US"])),
        "legal_basis": draw(
            st.sampled_from(["", " ", "Art. 5", "x" * 257, 'say "hi"', "法", "Art\x00 5"])
        ),
        "fields": _fields_text(draw, category),
    }


def _validator() -> Validator:
    return Validator(catalogue=get_catalogue(), permitted=PERMITTED, secret=b"t", today=TODAY)


def _per_row(validator: Validator, table: pa.Table) -> Chunk:
    chunk = Chunk()
    for number, row in enumerate(table.to_pylist(), start=1):
        envelope = from_columns(row)
        result = validator.validate(envelope) if isinstance(envelope, dict) else [envelope]
        if isinstance(result, list):
            chunk.refused.append((number, None, []))
        else:
            chunk.add(number, result)
    return chunk


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(rows(), min_size=1, max_size=40), st.booleans())
def test_fast_path_agrees_with_the_validator(batch: list[dict[str, Any]], as_date: bool) -> None:
    table = pa.Table.from_pylist(batch, schema=pa.schema([(k, pa.string()) for k in batch[0]]))
    if as_date:  # Parquet from synth stores occurred_on as date32
        kept = ("2024-01-31", "2026-11-21")
        good = [r["occurred_on"] if r["occurred_on"] in kept else None for r in batch]
        days = pa.array([dt.date.fromisoformat(d) if d else None for d in good], pa.date32())
        table = table.set_column(table.schema.get_field_index("occurred_on"), "occurred_on", days)
    validator = _validator()
    fast = FastValidator(validator).batch(table.to_batches()[0], 1)
    slow = _per_row(_validator(), table)
    assert fast.rows == slow.rows  # same accepted rows, same normalised values and hashes
    assert [r[0] for r in fast.refused] == [r[0] for r in slow.refused]


def test_fast_path_takes_the_common_rows() -> None:
    row = {
        "external_id": "e1", "category": "loan.repayment", "subject_scheme": "cn_ric",
        "subject_id": PERSON, "subject_name": "张伟", "occurred_on": "2024-05-01",
        "amount": "12.5", "currency": "CNY", "legal_basis": "",
        "fields": '{"loan_id": "L1", "days_late": 3, "due_on": "2024-04-30"}',
    }  # fmt: skip
    table = pa.Table.from_pylist([row, {**row, "external_id": "e2", "amount": "-1"}])
    chunk = FastValidator(_validator()).batch(table.to_batches()[0], 1)
    assert chunk.fast == 1 and len(chunk.rows) == 1 and [r[0] for r in chunk.refused] == [2]
    assert chunk.rows == _per_row(_validator(), table).rows


def _dump(db: Path) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT r.external_id, r.category, s.lookup_key, r.occurred_on, r.amount_minor,"
            " r.currency, r.legal_basis, r.fields, r.content_hash, s.name"
            " FROM records r JOIN subjects s ON s.id = r.subject_id ORDER BY r.external_id"
        ).fetchall()


def test_synth_population_loads_as_per_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from credo.config import get_settings
    from credo.records import fast
    from tests.records.bulkfiles import cli, last_json

    assert cli("synth", "--persons", "150", "--organisations", "20", "--years", "2", "--seed", "3",
               "--out", str(tmp_path / "s")).exit_code == 0  # fmt: skip
    dumps = []
    for name, fast_on in (("fast", True), ("slow", False)):
        monkeypatch.setenv("CREDO_DATABASE_URL", f"sqlite:///{tmp_path / name}.db")
        get_settings.cache_clear()
        if not fast_on:
            monkeypatch.setattr(fast, "_fits", lambda batch: False)
        assert cli("init").exit_code == 0
        loaded = cli("load", str(tmp_path / "s"), "--json")
        assert loaded.exit_code == 0, loaded.output
        result = last_json(loaded)
        assert result["rejected"] == 0 and result["accepted"] > 1000
        dumps.append(_dump(tmp_path / f"{name}.db"))
    assert dumps[0] == dumps[1]
