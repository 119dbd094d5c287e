"""Keys scoped per role, a BOLA matrix in which nothing crosses, mass assignment, rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from credo.access.ratelimit import TokenBuckets
from tests.access.conftest import World, grant
from tests.access.helpers import nothing_changed
from tests.api.helpers import assert_error

PARTY_ENDPOINTS = [
    (
        "POST",
        "/v1/programs",
        {
            "name": "n",
            "purpose": "fast_checkout",
            "benefit": "b",
            "conditions": [{"score_at_least": 600}],
        },
    ),
    ("GET", "/v1/programs", None),
    ("GET", "/v1/programs/{program}", None),
    ("POST", "/v1/checks/eligibility", {"subject": "{subject}", "program": "{program}"}),
    ("POST", "/v1/checks/restriction", {"subject": "{subject}", "activity": "air_travel"}),
]
SUBJECT_ENDPOINTS = [
    ("POST", "/v1/me/consents", {"program": "{program}", "expires_on": "2026-12-01"}),
    ("GET", "/v1/me/consents", None),
    ("DELETE", "/v1/me/consents/{consent}", None),
]


def _fill(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return names[value[1:-1]]
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def call(
    client: TestClient,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    names: dict[str, Any],
) -> Any:
    return client.request(method, _fill(path, names), json=_fill(body, names), headers=headers)


@pytest.fixture
def names(client: TestClient, world: World) -> dict[str, Any]:
    consent = grant(client, world.tokens["good"], world.programs["rental"])
    return {"program": world.programs["rental"], "subject": world.ref("good"), "consent": consent}


@pytest.mark.parametrize(("method", "path", "body"), PARTY_ENDPOINTS)
@pytest.mark.parametrize("role", ["none", "furnisher", "subject", "garbage", "party-prefix"])
def test_party_endpoints_refuse_other_roles(
    client: TestClient,
    world: World,
    names: dict[str, Any],
    bank: dict[str, Any],
    engine: Engine,
    method: str,
    path: str,
    body: Any,
    role: str,
) -> None:
    headers = {
        "none": {},
        "furnisher": bank["headers"],
        "subject": world.tokens["good"],
        "garbage": {"Authorization": "Bearer nonsense"},
        "party-prefix": {"Authorization": "Bearer rk_0000000000000000.forged"},
    }[role]
    with nothing_changed(engine):
        response = call(client, method, path, body, headers, names)
    assert_error(response, 401, "unauthenticated")


@pytest.mark.parametrize(("method", "path", "body"), SUBJECT_ENDPOINTS)
@pytest.mark.parametrize("role", ["none", "furnisher", "party"])
def test_subject_endpoints_refuse_other_roles(
    client: TestClient,
    world: World,
    names: dict[str, Any],
    bank: dict[str, Any],
    engine: Engine,
    method: str,
    path: str,
    body: Any,
    role: str,
) -> None:
    headers = {"none": {}, "furnisher": bank["headers"], "party": world.a["headers"]}[role]
    with nothing_changed(engine):
        response = call(client, method, path, body, headers, names)
    assert_error(response, 401, "unauthenticated")


def _same_not_found(theirs: Any, missing: Any, their_id: str, missing_id: str) -> None:
    """'Not yours' and 'does not exist' answer alike (status, code, message shape)."""
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text.replace(their_id, "X") == missing.text.replace(missing_id, "X")


def test_party_cannot_read_or_use_another_partys_program(
    client: TestClient, world: World, engine: Engine
) -> None:
    theirs, missing = world.programs["hotel"], "prg_000000000000"
    grant(client, world.tokens["good"], theirs)  # the subject consented to B's program
    with nothing_changed(engine):
        for path in ("/v1/programs/{}",):
            _same_not_found(
                client.get(path.format(theirs), headers=world.a["headers"]),
                client.get(path.format(missing), headers=world.a["headers"]),
                theirs,
                missing,
            )
        answers = [
            client.post(
                "/v1/checks/eligibility",
                headers=world.a["headers"],
                json={"subject": world.ref("good"), "program": p},
            )
            for p in (theirs, missing)
        ]
        _same_not_found(answers[0], answers[1], theirs, missing)
    listed = client.get("/v1/programs", headers=world.b["headers"]).json()["programs"]
    assert [p["id"] for p in listed] == [theirs]


def test_a_consent_to_one_party_does_not_open_another(
    client: TestClient, world: World, engine: Engine
) -> None:
    grant(client, world.tokens["good"], world.programs["hotel"])  # B's program only
    with nothing_changed(engine):
        response = client.post(
            "/v1/checks/eligibility",
            headers=world.a["headers"],
            json={"subject": world.ref("good"), "program": world.programs["checkout"]},
        )
    assert_error(response, 403, "consent_required")


def test_subject_cannot_see_or_revoke_anothers_consent(
    client: TestClient, world: World, engine: Engine, names: dict[str, Any]
) -> None:
    theirs, missing = names["consent"], "cns_0000000000000000"
    intruder = world.tokens["fair"]
    with nothing_changed(engine):
        _same_not_found(
            client.delete(f"/v1/me/consents/{theirs}", headers=intruder),
            client.delete(f"/v1/me/consents/{missing}", headers=intruder),
            theirs,
            missing,
        )
        assert client.get("/v1/me/consents", headers=intruder).json()["consents"] == []
    owner = client.get("/v1/me/consents", headers=world.tokens["good"]).json()["consents"]
    assert [(c["id"], c["state"]) for c in owner] == [(theirs, "live")]


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/v1/checks/eligibility", {"score": 950}),
        ("/v1/checks/eligibility", {"lists": []}),
        ("/v1/checks/eligibility", {"party_id": "{other}"}),
        ("/v1/checks/eligibility", {"subject": {"scheme": "cn_ric", "id": "{id}", "score": 950}}),
        ("/v1/checks/restriction", {"restricted": False}),
        ("/v1/checks/restriction", {"furnisher_id": "fur_x"}),
        ("/v1/programs", {"party_id": "{other}"}),
        ("/v1/programs", {"id": "prg_mine"}),
        ("/v1/programs", {"score": 900}),
        ("/v1/me/consents", {"party_id": "{other}"}),
        ("/v1/me/consents", {"subject_id": 2}),
        ("/v1/me/consents", {"state": "live", "revoked_at": None}),
        ("/v1/me/consents", {"list": "red"}),
    ],
)
def test_mass_assignment_changes_nothing(
    client: TestClient,
    world: World,
    engine: Engine,
    names: dict[str, Any],
    path: str,
    extra: dict[str, Any],
) -> None:
    base: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
        "/v1/checks/eligibility": (
            {"subject": world.ref("fair"), "program": world.programs["rental"]},
            world.a["headers"],
        ),
        "/v1/checks/restriction": (
            {"subject": world.ref("defaulter"), "activity": "air_travel"},
            world.a["headers"],
        ),
        "/v1/programs": (
            {
                "name": "m",
                "purpose": "fast_checkout",
                "benefit": "b",
                "conditions": [{"score_at_least": 600}],
            },
            world.a["headers"],
        ),
        "/v1/me/consents": (
            {"program": world.programs["hotel"], "expires_on": "2026-12-01"},
            world.tokens["fair"],
        ),
    }
    body, headers = base[path]
    filled = _fill(extra, {"other": world.b["id"], "id": world.ids["fair"]})
    with nothing_changed(engine):
        response = client.post(path, json={**body, **filled}, headers=headers)
    assert_error(response, 422, "invalid_input")


def test_rate_limit_per_key_answers_429_with_retry_after(
    client: TestClient, world: World, engine: Engine
) -> None:
    client.app.state.access_limiter = TokenBuckets(rate=0.5, burst=2)  # type: ignore[attr-defined]
    for _ in range(2):
        assert client.get("/v1/programs", headers=world.a["headers"]).status_code == 200
    with nothing_changed(engine):
        limited = client.post(
            "/v1/checks/restriction",
            headers=world.a["headers"],
            json={"subject": world.ref("good"), "activity": "air_travel"},
        )
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "2"
    assert set(limited.json()) == {"error"}
    assert client.get("/v1/programs", headers=world.b["headers"]).status_code == 200
