"""Human review of list entries and scores (issue 17): only adverse ones; an overturned
entry ends at once and stays ended through refreshes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings, get_settings
from tests.api.helpers import add_furnisher, unchanged
from tests.envelopes import PERSON
from tests.lists.conftest import (
    OPERATOR,
    OPERATOR_KEY,
    at,
    judgment,
    listing,
    post,
    refresh,
    token,
)

CASE = "(2025)京0105执3号"


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CREDO_OPERATOR_KEY", OPERATOR_KEY)
    get_settings.cache_clear()
    return get_settings()


def _entry(client: TestClient, me: dict[str, str], rule: str) -> dict[str, Any]:
    (found,) = [e for e in client.get("/v1/me/lists", headers=me).json()["entries"]
                if e["rule"] == rule]  # fmt: skip
    return found


def test_overturned_entry_ends_and_stays_ended(
    client: TestClient,
    court: dict[str, Any],
    factory: sessionmaker[Session],
    engine: Any,
) -> None:
    at("2025-01-10")
    post(
        client,
        court,
        judgment("j-1", CASE, "2024-11-01", "2024-12-01"),
        listing("l-1", CASE, "2025-01-05"),
    )
    honours = add_furnisher(factory, "City Honours", "regulator", ["commendation"])
    post(
        client,
        honours,
        {
            "external_id": "c-1",
            "category": "commendation",
            "subject": {"scheme": "cn_ric", "id": PERSON},
            "occurred_on": "2025-01-02",
            "legal_basis": "City honours rules art. 3",
            "fields": {"title": "Model worker", "authority": "City", "level": "city"},
        },
    )
    refresh(factory, "2025-01-10")
    me = token(factory)
    listed = _entry(client, me, "defaulter.court_listing")
    red = _entry(client, me, "red.commendation")
    with unchanged(engine):
        favourable = client.post(
            "/v1/me/reviews", headers=me, json={"decision_id": f"entry:{red['id']}", "reason": "x"}
        )
        assert favourable.status_code == 409
        assert favourable.json()["error"]["code"] == "not_adverse"
        missing = client.post(
            "/v1/me/reviews", headers=me, json={"decision_id": "entry:999999", "reason": "x"}
        )
        assert missing.status_code == 404
    asked = client.post(
        "/v1/me/reviews",
        headers=me,
        json={"decision_id": f"entry:{listed['id']}", "reason": "I was never served"},
    )
    assert asked.status_code == 201, asked.text
    queue = client.get("/v1/admin/reviews", headers=OPERATOR).json()
    assert [q["decision_id"] for q in queue] == [f"entry:{listed['id']}"]
    decided = client.post(
        f"/v1/admin/reviews/{asked.json()['id']}",
        headers=OPERATOR,
        json={"outcome": "overturned", "note": "no proof of service"},
    )
    assert decided.status_code == 200, decided.text
    after = _entry(client, me, "defaulter.court_listing")
    assert (after["state"], after["removal_reason"]) == ("ended", "overturned_on_review")
    assert client.get("/v1/me/lists", headers=me).json()["restrictions"] == []
    # the person is told at once, not at the ticket counter, that the restriction is lifted
    notices = client.get("/v1/me/notices", headers=me).json()["notices"]
    lifted = [n for n in notices if n["kind"] == "restriction.lifted"]
    assert len(lifted) == 1, [n["kind"] for n in notices]
    assert "a human review overturned it" in lifted[0]["why"]
    refresh(factory, "2025-01-11")
    assert len(client.get("/v1/me/notices", headers=me).json()["notices"]) == len(notices)
    again = _entry(client, me, "defaulter.court_listing")
    assert (again["state"], again["removal_reason"]) == ("ended", "overturned_on_review")


def _score(factory: sessionmaker[Session], subject_id: int, score: int, band: str) -> int:
    import json

    from credo.core import clock
    from credo.scores.models import ModelVersion, Score, ScoreRun

    with factory() as s, s.begin():
        model = s.query(ModelVersion).filter_by(version="t-1").one_or_none()
        if model is None:
            model = ModelVersion(
                version="t-1", model="{}", created_at=clock.now(), active=True, metrics={}
            )
            s.add(model)
            s.flush()
        run = ScoreRun(started_at=clock.now(), engine="duckdb", as_of=clock.today(),
                       model_version_id=model.id, snapshot="-", records=0, subjects=1,
                       published=1, finished_at=clock.now())  # fmt: skip
        s.add(run)
        s.flush()
        row = Score(
            subject_id=subject_id,
            model_version_id=model.id,
            run_id=run.id,
            as_of=clock.today(),
            score=score,
            band=band,
            reasons=json.dumps([]),
        )
        s.add(row)
        s.flush()
        return row.id


def test_overturned_score_is_withdrawn_and_the_previous_one_republished(
    client: TestClient, court: dict[str, Any], factory: sessionmaker[Session], engine: Any
) -> None:
    from credo.scores import service as scores
    from credo.subjects.service import find

    at("2025-01-10")
    post(client, court, judgment("j-1", CASE, "2024-11-01", "2024-12-01"))
    me = token(factory)
    with factory() as s:
        subject_id = find(session=s, scheme="cn_ric", value=PERSON).id
    earlier = _score(factory, subject_id, 660, "very_good")
    latest = _score(factory, subject_id, 540, "poor")
    with unchanged(engine):
        good = client.post(
            "/v1/me/reviews", headers=me, json={"decision_id": f"score:{earlier}", "reason": "x"}
        )
        assert good.status_code == 409 and good.json()["error"]["code"] == "not_adverse"
    asked = client.post(
        "/v1/me/reviews",
        headers=me,
        json={"decision_id": f"score:{latest}", "reason": "the default was not mine"},
    )
    assert asked.status_code == 201, asked.text
    decided = client.post(
        f"/v1/admin/reviews/{asked.json()['id']}",
        headers=OPERATOR,
        json={"outcome": "overturned", "note": "the default belongs to someone else"},
    )
    assert decided.status_code == 200, decided.text
    with factory() as s:
        current = scores.latest_or_none(session=s, subject_id=subject_id)
        assert current is not None and current.id == earlier
    report = client.get("/v1/me/report", headers=me).json()
    assert (report["score"]["score"], report["score"]["band"]) == (660, "very_good")
    marks = [(p["score"], p["withdrawn_on"] is not None) for p in report["score_history"]]
    assert marks == [(660, False), (540, True)]  # the withdrawn score is shown as withdrawn
