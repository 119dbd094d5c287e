"""Retention: negative records expire five years after the conduct ended, not before."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit, clock
from credo.records.models import Record
from credo.rights import retention
from tests.envelopes import PERSON

SUBJECT = {"scheme": "cn_ric", "id": PERSON}


def _court(external_id: str, category: str, on: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "category": category,
        "subject": SUBJECT,
        "occurred_on": on,
        "legal_basis": "Civil Procedure Law art. 255",
        "fields": fields,
    }


def test_expiry_follows_the_end_of_conduct(
    client: TestClient,
    bank: dict[str, Any],
    court: dict[str, Any],
    factory: sessionmaker[Session],
) -> None:
    clock.freeze(dt.date(2026, 11, 21))
    judgment = {
        "case_number": "(2019)京0105执1",
        "court_name": "Chaoyang",
        "judgment_type": "monetary",
        "due_on": "2020-02-01",
    }
    records = [
        _court("j-1", "court.judgment", "2020-01-01", judgment),
        _court("f-1", "court.fulfilment", "2022-03-01", {"case_number": "(2019)京0105执1"}),
    ]
    assert (
        client.post("/v1/records", json={"records": records}, headers=court["headers"]).status_code
        == 200
    )
    default = {
        "external_id": "d-1",
        "category": "loan.default",
        "subject": SUBJECT,
        "occurred_on": "2021-06-01",
        "amount": "5000.00",
        "currency": "CNY",
        "fields": {"loan_id": "L-9", "days_past_due": 120},
    }
    assert (
        client.post("/v1/records", json={"records": [default]}, headers=bank["headers"]).status_code
        == 200
    )

    def states() -> dict[str, str]:
        with factory() as s:
            return {r.external_id: r.state for r in s.execute(select(Record)).scalars()}

    with factory() as s, s.begin():
        assert retention.sweep(session=s, max_years=5, today=dt.date(2026, 5, 31)) == []
    with factory() as s, s.begin():
        expired = retention.sweep(session=s, max_years=5, today=dt.date(2026, 6, 1))
        assert [r.external_id for r in expired] == ["d-1"]
    # the judgment is older, but its conduct ended with the fulfilment in March 2022
    assert states() == {"j-1": "active", "f-1": "active", "d-1": "expired"}
    with factory() as s, s.begin():
        expired = retention.sweep(session=s, max_years=5, today=dt.date(2027, 3, 1))
        assert [r.external_id for r in expired] == ["j-1"]
    assert states()["f-1"] == "active"  # positive records are not swept
    with factory() as s:
        reasons = [e.payload for e in audit.iter_entries(s) if e.event_type == "record.expired"]
        assert len(reasons) == 2 and "2022-03-01" in reasons[1]
        assert audit.verify(s).ok
