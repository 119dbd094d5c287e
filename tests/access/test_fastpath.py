"""The checks' fast path (``api/fastpath.FastChecks`` and ``access/hotpath``) answers
exactly as the FastAPI route and the session path do, on a file store (a pooled store: the
in-memory one the other tests use takes the inquiry in its own connection)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from credo.access import hotpath
from credo.access.models import Inquiry, RelyingParty
from credo.core.db import make_engine
from credo.models import metadata
from tests.access.conftest import World, grant

JSON = {"Content-Type": "application/json"}
ROUTE = {"Content-Type": "application/vnd.credo+json"}  # JSON to FastAPI, not the fast path


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    store = make_engine(f"sqlite:///{tmp_path}/store.db")
    metadata.create_all(store)
    yield store
    store.dispose()


def _asks(world: World) -> list[tuple[str, dict[str, Any]]]:
    a, b = world.a["key"], world.b["key"]
    rental, hotel = world.programs["rental"], world.programs["hotel"]
    asks = [(a, {"subject": world.ref(who), "program": rental}) for who in world.ids]
    return [
        *asks,
        (a, {"subject": {"scheme": "cn_ric", "id": "11010519491231002X"}, "program": rental}),
        (a, {"subject": world.ref("good"), "program": hotel}),  # another party's program
        (b, {"subject": world.ref("good"), "program": rental}),
        (a, {"subject": world.ref("good"), "program": "prg_nope"}),
        (a, {"subject": world.ref("good"), "program": world.programs["checkout"]}),  # no consent
        ("rp_nope.secret", {"subject": world.ref("good"), "program": rental}),
        (a + "x", {"subject": world.ref("good"), "program": rental}),
        ("", {"subject": world.ref("good"), "program": rental}),
        (a, {"subject": {"scheme": "cn_ric", "id": "not a number"}, "program": rental}),
    ]


def _answers(
    client: TestClient, engine: Engine, world: World, headers: dict[str, str]
) -> list[tuple[int, Any, Any]]:
    answers = []
    for key, body in _asks(world):
        auth = {"Authorization": f"Bearer {key}"} if key else {}
        response = client.post("/v1/checks/eligibility", json=body, headers={**headers, **auth})
        answer = response.json()
        decision = answer.pop("decision_id", None) if response.status_code == 200 else None
        logged = None
        if decision is not None:
            with engine.connect() as conn:
                row = conn.execute(
                    select(Inquiry).where(Inquiry.decision_id == decision)
                ).one()._asdict()
            logged = {k: v for k, v in row.items() if k not in ("id", "decision_id", "at")}
        answers.append((response.status_code, answer, logged))
    return answers


def test_fast_path_answers_as_the_route_and_the_session_path(
    client: TestClient, engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for who in ("good", "fair", "unscored", "defaulter", "red"):
        grant(client, world.tokens[who], world.programs["rental"])
    fast = _answers(client, engine, world, JSON)
    statuses = [status for status, _, _ in fast]
    assert statuses == [200] * 5 + [403, 404, 404, 404, 403] + [401] * 3 + [422]
    assert [a["eligible"] for _, a, _ in fast[:5]] == [True, False, False, False, True]
    assert all(logged is not None for _, _, logged in fast[:5])  # every answer is logged
    assert _answers(client, engine, world, ROUTE) == fast
    decided: list[Any] = []

    async def session_path(*args: Any) -> None:
        decided.append(args)
        return None

    monkeypatch.setattr(hotpath, "decide", session_path)
    assert _answers(client, engine, world, JSON) == fast
    assert decided  # the session path did decide


def test_a_revoked_party_is_refused_at_once(
    client: TestClient, engine: Engine, world: World
) -> None:
    grant(client, world.tokens["good"], world.programs["rental"])
    body = {"subject": world.ref("good"), "program": world.programs["rental"]}
    headers = {"Authorization": f"Bearer {world.a['key']}"}
    assert client.post("/v1/checks/eligibility", json=body, headers=headers).status_code == 200
    with engine.begin() as conn:  # behind the cache's back: the audit head has not moved
        conn.execute(update(RelyingParty).values(active=False))
    assert client.post("/v1/checks/eligibility", json=body, headers=headers).status_code == 200
    grant(client, world.tokens["fair"], world.programs["rental"])  # an audited change
    refused = client.post("/v1/checks/eligibility", json=body, headers=headers)
    assert refused.status_code == 401, refused.text


def test_bodies_the_fast_path_does_not_take_get_the_routes_answer(
    client: TestClient, world: World
) -> None:
    headers = {"Authorization": f"Bearer {world.a['key']}"}
    extra = {"subject": world.ref("good"), "program": world.programs["rental"], "score": 900}
    response = client.post("/v1/checks/eligibility", json=extra, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "score"
    text = client.post(
        "/v1/checks/eligibility",
        content=b'{"subject": 1}',
        headers={**headers, "Content-Type": "text/plain"},
    )
    assert text.status_code == 422, text.text
