"""The console's rating appeals and re-rating requests (review 5): the operator decides them
on the console through ``register.appeals.decide``, as the API does; a bad outcome, rating or
id is 422 naming it, a second decision 409, and nothing changes."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from credo.core.audit import AuditEntry
from credo.register import appeals, service
from credo.register.models import RatingRequest
from tests.web.conftest import sign_in_operator, web_app
from tests.web.seed import FOODS, Seeded

HTML = {"accept": "text/html"}


@pytest.fixture
def web(engine: Engine, op_settings: Settings, seeded: Seeded) -> Iterator[TestClient]:
    with TestClient(
        web_app(op_settings, engine), follow_redirects=False, raise_server_exceptions=False
    ) as client:
        yield client


def _open(factory: sessionmaker[Session], seeded: Seeded, kind: str) -> int:
    with factory() as s, s.begin():
        service.publish(session=s)
        row = appeals.request(
            session=s, subject_id=seeded.org_subject_ids[FOODS], domain="food", kind=kind,
            reason="The inspector graded the wrong kitchen.",
        )  # fmt: skip
        return row.id


def _state(factory: sessionmaker[Session], request_id: int) -> str:
    with factory() as s:
        row = s.get(RatingRequest, request_id)
        assert row is not None
        return row.state


def test_the_console_lists_and_upholds_an_appeal(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    request_id = _open(factory, seeded, "appeal")
    csrf = sign_in_operator(web)
    page = html.unescape(web.get("/admin").text)
    assert "Beijing Foods Ltd" in page and "The inspector graded the wrong kitchen." in page
    assert f"Uphold appeal {request_id}" in page and f"Dismiss appeal {request_id}" in page
    form = {"csrf": csrf, "outcome": "upheld", "rating": "4", "note": "kitchen re-checked"}
    r = web.post(f"/admin/register/requests/{request_id}", data=form)
    assert r.status_code == 303 and r.headers["location"] == "/admin?done=rating#ratings"
    assert _state(factory, request_id) == "upheld"
    public = web.get(f"/v1/public/organisations/{FOODS}").json()
    assert public["ratings"][0]["rating"] == 4 and public["ratings"][0]["status"] == "rated"
    with factory() as s:
        [entry] = [
            e for e in s.execute(
                select(AuditEntry).where(AuditEntry.event_type == "register.decided")
            ).scalars()
            if json.loads(e.payload)["request_id"] == request_id
        ]  # fmt: skip
        assert entry.actor == "operator:web" and json.loads(entry.payload)["rating"] == 4
    again = web.post(f"/admin/register/requests/{request_id}", data=form, headers=HTML)
    assert again.status_code == 409
    assert "No appeals or re-rating requests are waiting." in web.get("/admin").text


def test_a_rerating_is_closed_as_done(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    request_id = _open(factory, seeded, "rerating")
    csrf = sign_in_operator(web)
    assert f"Close re-rating {request_id} as done" in web.get("/admin").text
    r = web.post(
        f"/admin/register/requests/{request_id}", data={"csrf": csrf, "outcome": "done"}
    )
    assert r.status_code == 303
    assert _state(factory, request_id) == "done"


@pytest.mark.parametrize(
    ("form", "field", "value"),
    [
        ({"outcome": "upheld", "rating": "6"}, "rating", "6"),
        ({"outcome": "upheld", "rating": "-1"}, "rating", "-1"),
        ({"outcome": "upheld", "rating": "four"}, "rating", "four"),
        ({"outcome": "upheld", "rating": "4.5"}, "rating", "4.5"),
        ({"outcome": "upheld", "rating": "9" * 5000}, "rating", "9" * 60),
        ({"outcome": "upheld", "rating": "٤"}, "rating", "٤"),
        ({"outcome": "upheld"}, "rating", "None"),
        ({"outcome": "done", "rating": "4"}, "outcome", "done"),
        ({"outcome": "", "rating": "4"}, "outcome", ""),
        ({"outcome": "dismissed", "note": "n" * 2001}, "note", "n" * 60),
        ({"outcome": "dismissed", "rating": "3"}, "rating", "3"),
    ],
    ids=[
        "six", "minus", "word", "fraction", "long", "arabic", "none", "done", "empty", "note",
        "dismissed-with-rating",
    ],
)
def test_a_bad_decision_is_422_naming_the_field(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded,
    form: dict[str, str], field: str, value: str,
) -> None:
    request_id = _open(factory, seeded, "appeal")
    csrf = sign_in_operator(web)
    r = web.post(
        f"/admin/register/requests/{request_id}", data={**form, "csrf": csrf}, headers=HTML
    )
    assert r.status_code == 422, r.text[:300]
    page = html.unescape(r.text)
    assert f"field: {field}, value: {value}" in page
    assert _state(factory, request_id) == "open"


def test_an_unknown_or_bad_request_id_is_named(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    _open(factory, seeded, "appeal")
    csrf = sign_in_operator(web)
    form = {"csrf": csrf, "outcome": "dismissed"}
    missing = web.post("/admin/register/requests/999", data=form, headers=HTML)
    assert missing.status_code == 404 and "no rating request 999" in missing.text
    bad = web.post("/admin/register/requests/" + "9" * 30, data=form, headers=HTML)
    assert bad.status_code == 422 and "request_id must be a whole number" in bad.text
    forged = web.post("/admin/register/requests/1", data={"outcome": "dismissed"}, headers=HTML)
    assert forged.status_code == 422 and "csrf" in forged.text
