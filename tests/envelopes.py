"""Valid envelopes to build tests from (each test changes one thing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

PERSON = "11010519491231002X"
ORG = "91110000600037341L"


def repayment(external_id: str = "r-1", **overrides: Any) -> dict[str, Any]:
    """A valid loan.repayment envelope about a person (DESIGN.md's example)."""
    envelope: dict[str, Any] = {
        "external_id": external_id,
        "category": "loan.repayment",
        "subject": {"scheme": "cn_ric", "id": PERSON, "name": "Wang Fang"},
        "occurred_on": "2026-03-01",
        "amount": "1200.00",
        "currency": "CNY",
        "legal_basis": None,
        "fields": {"loan_id": "L-88", "days_late": 0},
    }
    envelope.update(overrides)
    return envelope


def licence(external_id: str = "l-1", **overrides: Any) -> dict[str, Any]:
    """A valid licence.granted envelope about an organisation."""
    envelope: dict[str, Any] = {
        "external_id": external_id,
        "category": "licence.granted",
        "subject": {"scheme": "cn_uscc", "id": ORG, "name": "Beijing Foods Ltd"},
        "occurred_on": "2025-05-01",
        "legal_basis": "Food Safety Law art. 35",
        "fields": {"licence_number": "JY11101050001", "licence_type": "food_business"},
    }
    envelope.update(overrides)
    return envelope


TODAY = dt.date(2026, 11, 21)
