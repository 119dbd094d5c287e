"""Access fixtures: the API with the access router, two parties, four subjects, programs."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from credo.access import parties
from credo.config import Settings
from credo.core import clock
from tests.access.helpers import (
    add_party,
    add_subject,
    publish_score,
    put_on_list,
    subject_headers,
)
from tests.api.helpers import make_ric
from tests.envelopes import TODAY

RENTAL_RULE = [{"score_at_least": 600}, {"not_on_list": "defaulter"}]


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.freeze(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """The API, with the access routes included if app.py does not include them yet."""
    from credo.api.app import create_app

    app = create_app(settings, engine=engine)
    with TestClient(app) as test_client:
        yield test_client


@dataclass
class World:
    """Two parties, subjects by situation, their tokens, and party A's programs."""

    a: dict[str, Any]
    b: dict[str, Any]
    ids: dict[str, str]
    subject_ids: dict[str, int]
    tokens: dict[str, dict[str, str]]
    programs: dict[str, str] = field(default_factory=dict)

    def ref(self, who: str) -> dict[str, str]:
        return {"scheme": "cn_ric", "id": self.ids[who]}


def grant(client: TestClient, headers: dict[str, str], program: str, days: int = 30) -> str:
    expires = (TODAY + dt.timedelta(days=days)).isoformat()
    response = client.post(
        "/v1/me/consents", json={"program": program, "expires_on": expires}, headers=headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def world(client: TestClient, factory: sessionmaker[Session]) -> World:
    rng = random.Random(8)
    ids = {who: make_ric(rng) for who in ("good", "fair", "unscored", "defaulter", "red")}
    with factory() as s, s.begin():
        subject_ids = {who: add_subject(s, value) for who, value in ids.items()}
        publish_score(s, subject_ids["good"], 550)  # an older score, superseded
        for who, score in (("good", 640), ("fair", 580), ("defaulter", 720), ("red", 610)):
            publish_score(s, subject_ids[who], score)
        put_on_list(s, subject_ids["defaulter"], "defaulter")
        put_on_list(s, subject_ids["red"], "red")
        a = add_party(s, "Car Rental Co", ["air_travel"], ["deposit_free_rental", "fast_checkout"])
        b = add_party(s, "Hotel Group", ["star_hotel"], ["fast_checkout", "green_channel"])
        heads = {who: subject_headers(s, value) for who, value in ids.items()}
        world = World(a, b, ids, subject_ids, heads)
        for name, purpose, conditions, owner in (
            ("rental", "deposit_free_rental", RENTAL_RULE, a),
            ("checkout", "fast_checkout", [{"score_at_least": 650}], a),
            ("red", "fast_checkout", [{"on_list": "red"}], a),
            ("hotel", "fast_checkout", [{"score_at_least": 600}], b),
        ):
            party = parties.get(session=s, party_id=owner["id"])
            program = parties.add_program(
                session=s,
                party=party,
                name=name,
                purpose=purpose,
                benefit=f"{name} benefit",
                conditions=conditions,
            )
            world.programs[name] = program.id
    return world
