"""Server-side sessions, login CSRF and throttled credentials (issue 18)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from credo.core import clock
from credo.core.credentials import Credential
from tests.web.conftest import OPERATOR_KEY, csrf_of, signin_data, web_app
from tests.web.seed import Seeded

HTML = {"accept": "text/html"}


def _client(app: Any, address: str = "198.51.100.7") -> TestClient:
    return TestClient(app, follow_redirects=False, client=(address, 40000))


@pytest.fixture
def app(engine: Engine, op_settings: Settings, seeded: Seeded) -> Any:
    return web_app(op_settings.model_copy(update={"auth_failures": 5}), engine)


@pytest.fixture
def browser(app: Any) -> Iterator[TestClient]:
    with _client(app) as client:
        yield client


def _sign_in(client: TestClient, area: str, **fields: str) -> str:
    r = client.post(f"/{area}/signin", data=signin_data(client, area, **fields))
    assert r.status_code == 303, r.text
    cookie = client.cookies.get("credo_operator" if area == "admin" else "credo_subject")
    assert cookie
    return cookie


@pytest.mark.parametrize(("area", "cookie_name", "page"), [
    ("admin", "credo_operator", "/admin"), ("me", "credo_subject", "/me")])  # fmt: skip
def test_each_sign_in_gets_a_new_session_and_sign_out_ends_it(
    app: Any, seeded: Seeded, factory: sessionmaker[Session], area: str, cookie_name: str,
    page: str,
) -> None:  # fmt: skip
    secret = {"key": OPERATOR_KEY} if area == "admin" else {"token": seeded.token}
    with _client(app) as first, _client(app) as second, _client(app) as thief:
        one = _sign_in(first, area, **secret)
        two = _sign_in(second, area, **secret)
        assert one != two  # a random session per sign-in
        assert OPERATOR_KEY not in one and seeded.token not in one  # never the credential
        thief.cookies.set(cookie_name, one, path=f"/{area}")
        assert thief.get(page).status_code == 200  # a stolen live cookie works...
        csrf = csrf_of(first.get(page).text)
        out = first.post(f"/{area}/signout", data={"csrf": csrf})
        assert out.status_code == 303
        assert thief.get(page).status_code == 303  # ...until its owner signs out
        assert second.get(page).status_code == 200  # the other session is untouched
    with factory() as s:
        stored = {c.id: c for c in s.execute(select(Credential)).scalars()}
    for cookie in (one, two):
        head, _, raw = cookie.partition(".")
        row = stored[head.split("_", 1)[1]]
        assert row.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in row.secret_hash and row.expires_at is not None
    assert stored[one.partition(".")[0].split("_", 1)[1]].revoked_at is not None


def test_sessions_expire(app: Any, seeded: Seeded) -> None:
    with _client(app) as client:
        _sign_in(client, "me", token=seeded.token)
        assert client.get("/me").status_code == 200
        clock.freeze(clock.now() + dt.timedelta(hours=9))
        try:
            assert client.get("/me").status_code == 303
        finally:
            clock.freeze(None)


@pytest.mark.parametrize("area", ["admin", "me"])
def test_sign_in_refuses_cross_site_posts(
    app: Any, seeded: Seeded, area: str
) -> None:
    """Login CSRF: no token, a wrong token, or a token without this browser's cookie."""
    secret = {"key": OPERATOR_KEY} if area == "admin" else {"token": seeded.token}
    with _client(app) as attacker, _client(app) as victim:
        forged = signin_data(attacker, area, **secret)  # the attacker's own form token
        for data in (secret, {**secret, "csrf": "0" * 40}, forged):
            r = victim.post(f"/{area}/signin", data=data, headers=HTML)
            assert r.status_code == 422, r.status_code
            assert "CSRF" in r.text
            assert "credo_operator" not in victim.cookies and "credo_subject" not in victim.cookies


def test_failed_sign_ins_are_throttled_per_address_with_retry_after(
    app: Any, seeded: Seeded
) -> None:
    with _client(app, "203.0.113.1") as client, _client(app, "203.0.113.2") as other:
        for _ in range(5):
            r = client.post("/me/signin", data=signin_data(client, "me", token="st_aa.nope"))
            assert r.status_code == 401
        r = client.post("/me/signin", data=signin_data(client, "me", token=seeded.token))
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert "credo_subject" not in client.cookies  # the right token was not even checked
        _sign_in(other, "me", token=seeded.token)  # another address is not held back


def test_failed_keys_are_throttled_per_key_across_addresses(app: Any, seeded: Seeded) -> None:
    key_id = seeded.token.partition(".")[0]
    for n in range(5):
        with _client(app, f"192.0.2.{n}") as client:
            data = signin_data(client, "me", token=f"{key_id}.wrong-secret")
            assert client.post("/me/signin", data=data).status_code == 401
    with _client(app, "192.0.2.200") as fresh:
        r = fresh.post("/me/signin", data=signin_data(fresh, "me", token=seeded.token))
        assert r.status_code == 429 and r.headers["retry-after"]


def test_api_bearer_keys_are_throttled(app: Any, seeded: Seeded) -> None:
    with _client(app, "203.0.113.9") as client, _client(app, "203.0.113.10") as other:
        for _ in range(5):
            r = client.get("/v1/me/report", headers={"Authorization": "Bearer st_ab.wrong"})
            assert r.status_code == 401
        r = client.get("/v1/me/report", headers={"Authorization": f"Bearer {seeded.token}"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["error"]["code"] == "rate_limited"
        ok = other.get("/v1/me/report", headers={"Authorization": f"Bearer {seeded.token}"})
        assert ok.status_code == 200
        for _ in range(5):
            r = client.get("/v1/admin/furnishers", headers={"Authorization": "Bearer guess"})
        assert r.status_code in (401, 404, 405, 429)
        assert other.get("/v1/health").status_code == 200  # no credential, no throttle
