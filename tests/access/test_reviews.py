"""Human review of an adverse decision: requested by the subject, decided by the operator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings, get_settings
from tests.access.conftest import World, grant
from tests.access.helpers import publish_score
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
        assert favourable.status_code == 409  # issue 17: only adverse decisions
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
        for beyond in ("entry:99999999999", "score:2147483648", "entry:" + "9" * 5000):
            # no id credo issued (PostgreSQL refused to look: a 500 there)
            far = client.post(
                "/v1/me/reviews",
                headers=world.tokens["good"],
                json={"decision_id": beyond, "reason": "x"},
            )
            assert far.status_code == 404, (beyond[:20], far.text[:200])
        assert client.get("/v1/admin/reviews").status_code == 401
        assert client.get("/v1/admin/reviews", headers=world.tokens["good"]).status_code == 401


def test_overturned_refusal_is_redecided_and_the_party_told(
    client: TestClient, world: World, engine: Any
) -> None:
    """Issue 17: only adverse decisions are reviewable; an overturned refusal reaches the
    relying party through GET /v1/decisions/{id} and a webhook notice in the outbox."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from credo.notices.models import Notice

    grant(client, world.tokens["fair"], world.programs["rental"])
    refused = eligibility(client, world, "fair", "rental").json()
    decision_id = refused["decision_id"]
    review = client.post(
        "/v1/me/reviews",
        headers=world.tokens["fair"],
        json={"decision_id": decision_id, "reason": "my income rose"},
    ).json()
    decided = client.post(
        f"/v1/admin/reviews/{review['id']}",
        headers=OPERATOR,
        json={"outcome": "overturned", "note": "income evidence accepted"},
    )
    assert decided.status_code == 200, decided.text
    party = world.a["headers"]
    with Session(engine) as s:
        notices = s.execute(select(Notice).where(Notice.kind == "decision.reviewed")).scalars()
        (notice,) = list(notices)
        assert notice.channel == "webhook" and notice.recipient_type == "party"
        assert json.loads(notice.payload)["answer"] is True and decision_id in notice.payload
    now = client.get(f"/v1/decisions/{decision_id}", headers=party).json()
    assert now["original_answer"] is False and now["answer"] is True
    assert now["review"]["state"] == "overturned"
    assert client.get(f"/v1/decisions/{decision_id}", headers=world.b["headers"]).status_code == 404


def test_favourable_and_others_decisions_are_refused(
    client: TestClient, world: World, engine: Any
) -> None:
    grant(client, world.tokens["fair"], world.programs["rental"])
    refused = eligibility(client, world, "fair", "rental").json()
    with unchanged(engine):
        others = client.post(
            "/v1/me/reviews",
            headers=world.tokens[next(k for k in world.tokens if k != "fair")],
            json={"decision_id": refused["decision_id"], "reason": "not mine"},
        )
        assert others.status_code == 404


def test_a_withdrawn_score_no_longer_decides_checks(
    client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    """An overturned score is withdrawn for relying parties too: the check decides on the
    score before it (640, eligible), not on the withdrawn one (510)."""
    with factory() as s, s.begin():
        newer = publish_score(s, world.subject_ids["good"], 510, band="poor")
    grant(client, world.tokens["good"], world.programs["rental"])
    assert eligibility(client, world, "good", "rental").json()["eligible"] is False
    asked = client.post(
        "/v1/me/reviews",
        headers=world.tokens["good"],
        json={"decision_id": f"score:{newer}", "reason": "the late payment was the bank's error"},
    )
    assert asked.status_code == 201, asked.text
    decided = client.post(
        f"/v1/admin/reviews/{asked.json()['id']}",
        headers=OPERATOR,
        json={"outcome": "overturned", "note": "the bank confirmed its error"},
    )
    assert decided.status_code == 200, decided.text
    assert eligibility(client, world, "good", "rental").json()["eligible"] is True
