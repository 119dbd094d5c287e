"""Retention: every category's records expire on its retention after the conduct ended."""

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
        # the fulfilment (positive) is swept on its own 5-year retention too (issue 15)
        assert [r.external_id for r in expired] == ["j-1", "f-1"]
    with factory() as s:
        reasons = [e.payload for e in audit.iter_entries(s) if e.event_type == "record.expired"]
        assert len(reasons) == 3 and "2022-03-01" in reasons[1]
        assert audit.verify(s).ok


def test_every_category_is_swept_on_its_own_retention(
    client: TestClient, bank: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    """Issue 15: 2-year card.utilisation and payment.transfer records stayed active forever."""
    clock.freeze(dt.date(2026, 11, 21))
    card = {
        "external_id": "c-1",
        "category": "card.utilisation",
        "subject": SUBJECT,
        "occurred_on": "2024-06-01",
        "amount": "300.00",
        "currency": "CNY",
        "fields": {"account_id": "C-1", "credit_limit": "1000.00"},
    }
    recent = {**card, "external_id": "c-2", "occurred_on": "2025-06-01"}
    sent = client.post("/v1/records", json={"records": [card, recent]}, headers=bank["headers"])
    assert sent.status_code == 200, sent.text
    with factory() as s, s.begin():
        expired = retention.sweep(session=s, max_years=5, today=dt.date(2026, 6, 2))
        assert [r.external_id for r in expired] == ["c-1"]  # two years after 2024-06-01
    with factory() as s:
        states = {r.external_id: r.state for r in s.execute(select(Record)).scalars()}
        assert states == {"c-1": "expired", "c-2": "active"}
        reason = [e.payload for e in audit.iter_entries(s) if e.event_type == "record.expired"]
        assert "mixed card.utilisation record kept 2 years" in str(reason[-1])


def test_negative_records_are_capped_by_the_registry_retention() -> None:
    assert retention.retention_years(10, "negative", 5) == 5
    assert retention.retention_years(10, "neutral", 5) == 10  # features still read only 5
    assert retention.retention_years(2, "mixed", 5) == 2
