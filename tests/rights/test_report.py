"""The full report: every section, from real services, and only the subject's own data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.lists import service as lists
from credo.records.models import Record
from credo.scores import service as scores
from credo.scoring import Scorecard
from credo.subjects import tokens
from credo.subjects.service import find
from tests.envelopes import PERSON, repayment

CASE = "(2025)京0105执77"


def _fit() -> Scorecard:
    rng = np.random.default_rng(0)
    late = rng.integers(0, 6, 2000)
    util = rng.random(2000)
    bad = (rng.random(2000) < 0.05 + 0.08 * late + 0.2 * util).astype(int)
    X = pd.DataFrame({"late_30_24m": late, "utilisation": util})
    return Scorecard(
        dimensions={"late_30_24m": "history", "utilisation": "capacity"},
        descriptions={"late_30_24m": "{value} repayments 30+ days late"},
        actionable=["late_30_24m", "utilisation"],
    ).fit(X, bad)


@pytest.fixture
def token(
    client: TestClient, bank: dict[str, Any], court: dict[str, Any], factory: sessionmaker[Session]
) -> dict[str, str]:
    clock.freeze(dt.date(2026, 11, 21))
    assert (
        client.post(
            "/v1/records",
            headers=bank["headers"],
            json={
                "records": [
                    repayment("r-1", fields={"loan_id": "L-1", "days_late": 40}),
                    repayment("r-2"),
                ]
            },
        ).status_code
        == 200
    )
    subject = {"scheme": "cn_ric", "id": PERSON}
    court_records = [
        {
            "external_id": "j-1",
            "category": "court.judgment",
            "subject": subject,
            "occurred_on": "2026-01-10",
            "amount": "8000.00",
            "currency": "CNY",
            "legal_basis": "Civil Procedure Law",
            "fields": {
                "case_number": CASE,
                "court_name": "Chaoyang",
                "judgment_type": "monetary",
                "due_on": "2026-03-01",
            },
        },
        {
            "external_id": "l-1",
            "category": "court.listing",
            "subject": subject,
            "occurred_on": "2026-05-01",
            "legal_basis": "SPC Provisions art. 1",
            "fields": {
                "case_number": CASE,
                "court_name": "Chaoyang",
                "ground": "evading_execution",
            },
        },
    ]
    assert (
        client.post(
            "/v1/records", headers=court["headers"], json={"records": court_records}
        ).status_code
        == 200
    )
    card = _fit()
    with factory() as s, s.begin():
        who = find(session=s, scheme="cn_ric", value=PERSON)
        lists.refresh_lists(session=s, as_of=dt.date(2026, 11, 21))
        model = scores.add_model(session=s, scorecard=card, metrics={"n": 2000}, actor="test")
        run = scores.start_run(
            session=s,
            engine="duckdb",
            as_of=dt.date(2026, 11, 1),
            model_version_id=model.id,
            snapshot="-",
            records=4,
            subjects=1,
        )
        features = {"late_30_24m": 4, "utilisation": 0.9}
        explained = card.explain(pd.DataFrame([features]))
        scores.publish(
            session=s,
            run=run,
            actor="test",
            rows=[
                {
                    "subject_id": who.id,
                    "score": explained["score"],
                    "band": explained["band"],
                    "reasons": json.dumps(explained["reasons"]),
                    "features": json.dumps(features),
                    **explained["dimensions"],
                }
            ],
        )
        _, text, _ = tokens.issue(session=s, scheme="cn_ric", value=PERSON, days=30)
    return {"Authorization": f"Bearer {text}"}


def test_report_has_every_section(
    client: TestClient, token: dict[str, str], factory: sessionmaker[Session]
) -> None:
    with factory() as s:
        record_id = s.execute(select(Record.id).where(Record.external_id == "r-1")).scalar_one()
    assert (
        client.post(
            "/v1/me/statements",
            headers=token,
            json={"record_id": record_id, "text": "Paid late once, after surgery"},
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/v1/me/disputes",
            headers=token,
            json={"record_id": record_id, "reason": "I was 10 days late, not 40"},
        ).status_code
        == 201
    )
    report = client.get("/v1/me/report", headers=token)
    assert report.status_code == 200, report.text
    data = report.json()
    assert data["subject"] == {
        "kind": "person",
        "scheme": "cn_ric",
        "id": "110105********002X",
        "name": "Wang Fang",
    }
    score = data["score"]
    assert 350 <= score["score"] <= 950 and score["band"]
    assert set(score["dimensions"]) == {"history", "capacity", "compliance", "payments", "identity"}
    assert score["reasons"] and score["reasons"][0]["text"]
    assert score["to_raise"], "a subject below excellent is told what would raise the score"
    assert [h["score"] for h in data["score_history"]] == [score["score"]]
    by_id = {r["external_id"]: r for r in data["records"]}
    assert set(by_id) == {"r-1", "r-2", "j-1", "l-1"}
    assert by_id["r-1"]["state"] == "disputed"
    assert by_id["r-1"]["statement"] == "Paid late once, after surgery"
    assert by_id["r-1"]["furnisher"] == "Bank Seven"
    assert [d["state"] for d in data["disputes"]] == ["open"]
    listed = data["lists"]
    assert listed and listed[0]["list"] == "defaulter"
    for key in ("inquiries", "consents", "reviews", "removed", "pending_listings", "ledgers"):
        assert isinstance(data[key], list)
    assert data["score_held_for_review"] is False


def test_report_needs_a_subject_token(
    client: TestClient, token: dict[str, str], bank: dict[str, Any]
) -> None:
    assert client.get("/v1/me/report").status_code == 401
    assert client.get("/v1/me/report", headers=bank["headers"]).status_code == 401
