"""Columnar chunks validated a few at a time (issue 21: ``bulk.GROUP_ROWS``) are stored and
reported exactly as chunk by chunk: refusals, duplicates and conflicts across chunk
boundaries, slow rows between fast ones, two categories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from credo.core.db import make_engine, session_factory
from credo.furnishers import service as furnishers
from credo.models import metadata
from credo.records import bulk
from tests.envelopes import repayment
from tests.records.bulkfiles import write
from tests.records.test_bulk_store import person


def _envelopes() -> list[dict[str, Any]]:
    out = []
    for i in range(30):
        subject = {"scheme": "cn_ric", "id": person(i % 9), "name": f"P{i}"}
        envelope = repayment(f"g-{i}", subject=subject)
        if i % 7 == 3:
            envelope["amount"] = "-5"  # refused
        if i % 11 == 5:
            envelope["category"] = "card.utilisation"
            envelope["fields"] = {"account_id": f"A{i}", "credit_limit": "100.00"}
        if i % 13 == 6:
            envelope["legal_basis"] = "  "  # blank: the Validator's row
        out.append(envelope)
    out.append(out[2])  # a duplicate in a later chunk
    out.append({**out[4], "amount": "99.00"})  # a conflict in a later chunk
    out.insert(5, out[1])  # a duplicate in the same group
    return out


def _run(tmp_path: Path, name: str, path: Path) -> tuple[Any, ...]:
    engine = make_engine(f"sqlite:///{tmp_path / name}.db")
    metadata.create_all(engine)
    factory = session_factory(engine)
    with factory() as s, s.begin():
        bank, _ = furnishers.add(
            session=s, name="Bank", kind="bank", categories=["loan.repayment", "card.utilisation"]
        )
    summary = bulk.ingest_file(factory=factory, path=path, furnisher_id=bank.id, chunk=4)
    with Session(engine) as s:
        rows = s.execute(
            text(
                "SELECT r.id, r.external_id, r.category, s.lookup_key, s.name, r.content_hash"
                " FROM records r JOIN subjects s ON s.id = r.subject_id ORDER BY r.id"
            )
        ).all()
    engine.dispose()
    report = Path(summary.report).read_text() if summary.report else None
    return summary.accepted, summary.duplicates, summary.rejected, report, [tuple(r) for r in rows]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_grouped_validation_stores_and_reports_as_chunk_by_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    path = write(tmp_path / f"g.{fmt}", _envelopes())
    grouped = _run(tmp_path, "grouped", path)
    Path(str(path) + ".errors.csv").unlink()
    monkeypatch.setattr(bulk, "GROUP_ROWS", 1)
    single = _run(tmp_path, "single", path)
    assert grouped == single
    accepted, duplicates, rejected, report, rows = grouped
    assert len(rows) == accepted
    assert accepted > 20 and duplicates == 2 and rejected >= 5 and "conflict" in str(report)


def test_a_group_ends_at_its_byte_limit_and_stores_as_chunk_by_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GROUP_BYTES`` ends a group before ``GROUP_ROWS`` does (a file of wide ``fields``):
    the same store and report as one chunk at a time."""
    path = write(tmp_path / "g.parquet", _envelopes())
    monkeypatch.setattr(bulk, "GROUP_ROWS", 1)
    single = _run(tmp_path, "single", path)
    Path(str(path) + ".errors.csv").unlink()
    monkeypatch.setattr(bulk, "GROUP_ROWS", 10**9)
    monkeypatch.setattr(bulk, "GROUP_BYTES", 3 * 1024)
    by_bytes = _run(tmp_path, "bytes", path)
    assert by_bytes == single
