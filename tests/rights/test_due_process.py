"""Due process that holds: statements per (record, subject), corrections through the
dispute, no re-aging or revival (issue 17), all through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.records.models import Record
from credo.rights import retention
from tests.api.helpers import assert_error, unchanged
from tests.envelopes import ORG, PERSON
from tests.lists.conftest import OTHER_PERSON, court_record, judgment, post, token

SECRET_TEXT = "My private reply: I paid the court in cash on 3 March."


@pytest.fixture(autouse=True)
def _clock() -> None:
    clock.freeze(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC))


def _record_id(factory: sessionmaker[Session], external_id: str) -> int:
    with factory() as s:
        return s.execute(select(Record.id).where(Record.external_id == external_id)).scalar_one()


def _judgment(who: str = PERSON, on: str = "2025-01-05") -> dict[str, Any]:
    return judgment("j-1", "(2025)京0105民初1号", on, "2025-02-01", who)


def test_statement_is_detached_when_the_record_moves(
    client: TestClient, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    post(client, court, _judgment())
    rid = _record_id(factory, "j-1")
    me = token(factory)
    said = client.post(
        "/v1/me/statements", headers=me, json={"record_id": rid, "text": SECRET_TEXT}
    )
    assert said.status_code == 201, said.text
    # shown in the furnisher's view and the subject's report while the record is the subject's
    assert client.get("/v1/records/j-1", headers=court["headers"]).json()["statement"] == (
        SECRET_TEXT
    )
    mine = client.get("/v1/me/report", headers=me).json()
    assert [r["statement"] for r in mine["records"]] == [SECRET_TEXT]

    # the court corrects the record onto an organisation
    moved = client.put("/v1/records/j-1", json=_judgment(ORG), headers=court["headers"])
    assert moved.status_code == 200, moved.text
    assert moved.json()["statement"] is None
    org = client.get(f"/v1/public/organisations/{ORG}")
    assert org.status_code == 200, org.text
    assert SECRET_TEXT not in org.text
    org_report = client.get("/v1/me/report", headers=token(factory, ORG)).json()
    assert SECRET_TEXT not in str(org_report)
    # its author still sees it, as detached
    mine = client.get("/v1/me/report", headers=me).json()
    assert mine["records"] == []
    assert [(s["text"], s["detached"]) for s in mine["statements"]] == [(SECRET_TEXT, True)]

    # re-pointed to a second person, who cannot overwrite the first person's statement
    assert (
        client.put(
            "/v1/records/j-1", json=_judgment(OTHER_PERSON), headers=court["headers"]
        ).status_code
        == 200
    )
    them = token(factory, OTHER_PERSON)
    assert SECRET_TEXT not in str(client.get("/v1/me/report", headers=them).json())
    # both are told: the person it left that it is no longer about them (not whom it names),
    # the person it names now that it was added to their file (not "corrected")
    left = client.get("/v1/me/notices", headers=me).json()["notices"][0]
    assert left["title"] == "A record is no longer in your file", left
    assert "no longer about you" in left["what"] and OTHER_PERSON not in str(left)
    assert "The furnisher that reported it" not in left["what"]  # named by its name
    named = client.get("/v1/me/notices", headers=them).json()["notices"]
    assert [n["title"] for n in named] == ["A record about you was added to your file"]
    assert "dispute it in your file" in named[0]["can_do"]
    theirs = client.post(
        "/v1/me/statements", headers=them, json={"record_id": rid, "text": "Not me either."}
    )
    assert theirs.status_code == 201
    mine = client.get("/v1/me/report", headers=me).json()
    assert [(s["text"], s["detached"]) for s in mine["statements"]] == [(SECRET_TEXT, True)]
    assert client.get("/v1/records/j-1", headers=court["headers"]).json()["statement"] == (
        "Not me either."
    )


def test_put_on_a_disputed_record_answers_the_dispute(
    client: TestClient, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    post(client, court, _judgment())
    rid = _record_id(factory, "j-1")
    me = token(factory)
    opened = client.post(
        "/v1/me/disputes", headers=me, json={"record_id": rid, "reason": "wrong amount"}
    )
    assert opened.status_code == 201
    fixed = _judgment()
    fixed["fields"]["court_name"] = "Haidian Court"
    response = client.put("/v1/records/j-1", json=fixed, headers=court["headers"])
    assert response.status_code == 200 and response.json()["state"] == "corrected"
    (dispute,) = client.get("/v1/me/disputes", headers=me).json()
    assert dispute["state"] == "corrected" and dispute["resolved_at"] is not None
    assert client.get("/v1/furnisher/disputes", headers=court["headers"]).json() == []


def test_delete_on_a_disputed_record_answers_the_dispute(
    client: TestClient, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    post(client, court, _judgment())
    me = token(factory)
    client.post(
        "/v1/me/disputes",
        headers=me,
        json={"record_id": _record_id(factory, "j-1"), "reason": "not mine"},
    )
    assert client.delete("/v1/records/j-1", headers=court["headers"]).status_code == 200
    (dispute,) = client.get("/v1/me/disputes", headers=me).json()
    assert dispute["state"] == "deleted"
    report = client.get("/v1/me/report", headers=me).json()
    assert [d["state"] for d in report["disputes"]] == ["deleted"]


def test_negative_record_cannot_be_re_aged(
    client: TestClient, court: dict[str, Any], engine: Engine
) -> None:
    post(client, court, _judgment(on="2025-01-05"))
    with unchanged(engine):
        later = client.put(
            "/v1/records/j-1", json=_judgment(on="2025-05-05"), headers=court["headers"]
        )
    assert_error(later, 409, "no_re_aging", field="occurred_on", value="2025-05-05")
    assert "no_re_aging" in later.json()["error"]["message"]
    earlier = client.put(
        "/v1/records/j-1", json=_judgment(on="2025-01-04"), headers=court["headers"]
    )
    assert earlier.status_code == 200


def test_expired_record_cannot_be_revived(
    client: TestClient, court: dict[str, Any], factory: sessionmaker[Session], engine: Engine
) -> None:
    old = court_record(
        "court.judgment",
        "j-2015",
        "(2015)京0105民初9号",
        "2015-03-01",
        court_name="Chaoyang Court",
        judgment_type="monetary",
        due_on="2015-04-01",
    )
    post(client, court, old)
    with factory() as s, s.begin():
        assert [r.external_id for r in retention.sweep(session=s, max_years=5)] == ["j-2015"]
    revived = {**old, "occurred_on": "2025-03-01"}
    with unchanged(engine):
        response = client.put("/v1/records/j-2015", json=revived, headers=court["headers"])
    assert_error(response, 409, "no_revival", field="external_id", value="j-2015")
    assert "expired" in response.json()["error"]["message"]
    with factory() as s:
        assert s.execute(
            select(Record.state).where(Record.external_id == "j-2015")
        ).scalar_one() == "expired"


def test_statement_shows_in_list_entry_views(
    client: TestClient,
    court: dict[str, Any],
    factory: sessionmaker[Session],
) -> None:
    from credo.lists.service import refresh_lists
    from tests.lists.conftest import listing

    case = "(2025)京0105民初1号"
    post(client, court, _judgment(), listing("l-1", case, "2025-03-01"))
    with factory() as s, s.begin():
        refresh_lists(session=s, as_of=dt.date(2025, 6, 2))
    me = token(factory)
    said = client.post(
        "/v1/me/statements",
        headers=me,
        json={"record_id": _record_id(factory, "l-1"), "text": "I appealed the listing."},
    )
    assert said.status_code == 201
    (entry,) = [e for e in client.get("/v1/me/lists", headers=me).json()["entries"]
                if e["rule"] == "defaulter.court_listing"]  # fmt: skip
    cited = {r["external_id"]: r["statement"] for r in entry["records"]}
    assert cited["l-1"] == "I appealed the listing." and cited["j-1"] is None
    report = client.get("/v1/me/report", headers=me).json()
    (listed,) = [e for e in report["lists"] if e["rule"] == "defaulter.court_listing"]
    assert {r["external_id"]: r["statement"] for r in listed["records"]}["l-1"] == (
        "I appealed the listing."
    )
