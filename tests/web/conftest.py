"""Web fixtures: the API app with the web pages installed, over a seeded store."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from tests.web.seed import Seeded, seed

OPERATOR_KEY = "op-key-for-web-tests"


def web_app(settings: Settings, engine: Engine) -> FastAPI:
    from credo.api.app import create_app

    return create_app(settings, engine=engine)


@pytest.fixture
def op_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CREDO_OPERATOR_KEY", OPERATOR_KEY)
    return Settings()


@pytest.fixture
def seeded(factory: sessionmaker[Session]) -> Seeded:
    return seed(factory)


@pytest.fixture
def web(engine: Engine, op_settings: Settings, seeded: Seeded) -> Iterator[TestClient]:
    with TestClient(web_app(op_settings, engine), follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def signin_data(client: TestClient, area: str, **fields: str) -> dict[str, str]:
    """A sign-in form's fields with its login-CSRF token (GET the form first, as a browser)."""
    form = client.get(f"/{area}/signin")
    assert form.status_code == 200
    return {**fields, "csrf": csrf_of(form.text)}


def sign_in(client: TestClient, token: str) -> str:
    """Sign in as the subject; returns the CSRF token of the portal page."""
    r = client.post("/me/signin", data=signin_data(client, "me", token=token))
    assert r.status_code == 303 and r.headers["location"] == "/me"
    page = client.get("/me")
    assert page.status_code == 200
    return csrf_of(page.text)


def sign_in_operator(client: TestClient) -> str:
    r = client.post("/admin/signin", data=signin_data(client, "admin", key=OPERATOR_KEY))
    assert r.status_code == 303, r.text
    page = client.get("/admin")
    assert page.status_code == 200
    return csrf_of(page.text)
