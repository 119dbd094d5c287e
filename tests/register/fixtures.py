"""Register fixtures: the web tests' seeded registry, graded, and a token for Beijing Foods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from credo.core import clock
from credo.register import service
from credo.subjects import tokens
from tests.web.conftest import OPERATOR_KEY
from tests.web.seed import FOODS, Seeded, seed

TODAY = dt.date(2026, 11, 21)


@dataclass
class Registry:
    seeded: Seeded
    org_token: str
    org_headers: dict[str, str]
    operator: dict[str, str]


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.freeze(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


@pytest.fixture
def registry(factory: sessionmaker[Session]) -> Registry:
    seeded = seed(factory)
    with factory() as s, s.begin():
        service.publish(session=s)
        _, token, _ = tokens.issue(session=s, scheme="cn_uscc", value=FOODS, days=30)
    return Registry(
        seeded,
        token,
        {"Authorization": f"Bearer {token}"},
        {"Authorization": f"Bearer {OPERATOR_KEY}"},
    )


@pytest.fixture
def api(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, registry: Registry
) -> Iterator[TestClient]:
    from credo.api.app import create_app

    monkeypatch.setenv("CREDO_OPERATOR_KEY", OPERATOR_KEY)
    with TestClient(create_app(Settings(), engine=engine), follow_redirects=False) as client:
        yield client


def get_json(client: TestClient, url: str, **kw: Any) -> Any:
    r = client.get(url, **kw)
    assert r.status_code == 200, r.text
    return r.json()
