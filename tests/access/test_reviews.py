"""Human review of an adverse decision: requested by the subject, decided by the operator."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from credo.config import Settings, get_settings
from tests.access.conftest import World, grant
from tests.access.test_checks import eligibility
from tests.api.helpers import unchanged

OPERATOR = {"Authorization": "Bearer operator-test-key"}


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CREDO_OPERATOR_KEY", "operator-test-key")
    get_settings.cache_clear()
    return get_settings()


def test_review_walks_from_refusal_to_outcome(
    client: TestClient, world: World, engine: Any
) -> None:
    grant(client, world.tokens["fair"], world.programs["rental"])
    refused = eligibility(client, world, "fair", "rental").json()
    assert refused["eligible"] is False
    asked = client.post(
        "/v1/me/reviews",
        headers=world.tokens["fair"],
        json={"decision_id": refused["decision_id"], "reason": "my income rose this year"},
    )
    assert asked.status_code == 201, asked.text
    review_id = asked.json()["id"]
    queue = client.get("/v1/admin/reviews", headers=OPERATOR).json()
    assert [q["id"] for q in queue] == [review_id]
    decision = queue[0]["decision"]
    assert decision["answer"] is False and decision["program_id"] == world.programs["rental"]
    assert decision["inputs"], "the operator sees what the automated decision used"
    decided = client.post(
        f"/v1/admin/reviews/{review_id}",
        headers=OPERATOR,
        json={"outcome": "overturned", "note": "income evidence accepted"},
    )
    assert decided.status_code == 200 and decided.json()["state"] == "overturned"
    report = client.get("/v1/me/report", headers=world.tokens["fair"]).json()
    assert report["reviews"][0]["outcome_note"] == "income evidence accepted"
    with unchanged(engine):
        again = client.post(
            f"/v1/admin/reviews/{review_id}",
            headers=OPERATOR,
            json={"outcome": "upheld", "note": "no"},
        )
        assert again.status_code == 409


def test_bad_review_requests_change_nothing(client: TestClient, world: World, engine: Any) -> None:
    grant(client, world.tokens["good"], world.programs["rental"])
    granted = eligibility(client, world, "good", "rental").json()
    assert granted["eligible"] is True
    grant(client, world.tokens["fair"], world.programs["rental"])
    refused = eligibility(client, world, "fair", "rental").json()
    with unchanged(engine):
        favourable = client.post(
            "/v1/me/reviews",
            headers=world.tokens["good"],
            json={"decision_id": granted["decision_id"], "reason": "x"},
        )
        assert favourable.status_code == 422
        not_mine = client.post(
            "/v1/me/reviews",
            headers=world.tokens["good"],
            json={"decision_id": refused["decision_id"], "reason": "x"},
        )
        missing = client.post(
            "/v1/me/reviews",
            headers=world.tokens["good"],
            json={"decision_id": "dec_nothing", "reason": "x"},
        )
        assert not_mine.status_code == missing.status_code == 404
        assert client.get("/v1/admin/reviews").status_code == 401
        assert client.get("/v1/admin/reviews", headers=world.tokens["good"]).status_code == 401
