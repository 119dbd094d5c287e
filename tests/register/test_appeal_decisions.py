"""Appeals and re-ratings against ratings that a newer inspection replaces (review 5),
through the API: an open appeal on the old inspection closes when the new rating is
published (it showed the new rating 'under appeal', blocked an appeal of the new rating,
and could be 'upheld' with a rating that changed nothing); every close is audited."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.core.audit import AuditEntry
from credo.furnishers.models import Furnisher
from credo.records.models import Record
from tests.conftest import PG_URL
from tests.register.fixtures import TODAY, Registry, get_json
from tests.web.seed import FOODS

PUBLIC = "/v1/public/organisations"


def _new_inspection(factory: sessionmaker[Session], registry: Registry) -> int:
    """A newer food inspection for Beijing Foods (grade A, so a rating of 5)."""
    with factory() as s, s.begin():
        furnisher = s.execute(select(Furnisher).where(Furnisher.kind == "regulator")).scalar_one()
        record = Record(
            furnisher_id=furnisher.id, external_id="ins-new", category="inspection.result",
            subject_id=registry.seeded.org_subject_ids[FOODS], occurred_on=TODAY,
            amount_minor=None, currency=None, legal_basis="Food Safety Law art. 113",
            state="active", version=1, content_hash="0" * 64, received_at=clock.now(),
            fields=json.dumps({"domain": "food_safety", "grade": "A", "inspection_id": "IN-99"}),
        )  # fmt: skip
        s.add(record)
        s.flush()
        return record.id


def _decided_events(factory: sessionmaker[Session], request_id: int) -> list[dict[str, Any]]:
    with factory() as s:
        rows = s.execute(
            select(AuditEntry.payload).where(AuditEntry.event_type == "register.decided")
        ).scalars()
        found = [json.loads(p) if isinstance(p, str) else p for p in rows]
    return [e for e in found if e["request_id"] == request_id]


def test_an_appeal_on_a_replaced_inspection_closes_when_the_new_rating_is_published(
    api: TestClient, factory: sessionmaker[Session], registry: Registry
) -> None:
    org, op = registry.org_headers, registry.operator
    r = api.post("/v1/me/ratings/food/appeal", json={"reason": "Wrong kitchen."}, headers=org)
    assert r.status_code == 201, r.text
    appeal_id = r.json()["id"]
    new_record = _new_inspection(factory, registry)
    assert api.post("/v1/admin/register/publish", headers=op).status_code == 200

    food = get_json(api, f"{PUBLIC}/{FOODS}")["ratings"][0]
    assert food["rating"] == 5 and food["inspection_record_id"] == new_record
    assert food["status"] == "rated"  # the new rating was shown 'under appeal'
    mine = get_json(api, "/v1/me/ratings", headers=org)
    [appeal] = [q for q in mine["requests"] if q["id"] == appeal_id]
    assert appeal["state"] != "open" and appeal["decided_rating"] is None
    assert f"inspection record {new_record}" in appeal["note"]
    assert appeal_id not in {q["id"] for q in get_json(api, "/v1/admin/register/requests",
                                                         headers=op)}  # fmt: skip
    assert _decided_events(factory, appeal_id), "closing the appeal was not audited"

    late = api.post(
        f"/v1/admin/register/requests/{appeal_id}/decision",
        json={"outcome": "upheld", "rating": 1},
        headers=op,
    )
    assert late.status_code == 409, late.text
    assert late.json()["error"]["details"][0]["value"] == appeal_id
    assert get_json(api, f"{PUBLIC}/{FOODS}")["ratings"][0]["rating"] == 5

    again = api.post("/v1/me/ratings/food/appeal", json={"reason": "Still wrong."}, headers=org)
    assert again.status_code == 201, again.text  # the new rating can be appealed


def test_a_rerating_closed_by_a_newer_inspection_is_audited(
    api: TestClient, factory: sessionmaker[Session], registry: Registry
) -> None:
    org, op = registry.org_headers, registry.operator
    r = api.post("/v1/me/ratings/food/rerating", json={"reason": "New hoods."}, headers=org)
    assert r.status_code == 201, r.text
    request_id = r.json()["id"]
    _new_inspection(factory, registry)
    assert api.post("/v1/admin/register/publish", headers=op).status_code == 200
    mine = get_json(api, "/v1/me/ratings", headers=org)
    assert [q["state"] for q in mine["requests"] if q["id"] == request_id] == ["done"]
    [event] = _decided_events(factory, request_id)
    assert event["outcome"] == "done"


def test_an_appeal_on_the_current_inspection_stays_open_through_a_publish(
    api: TestClient, registry: Registry
) -> None:
    org, op = registry.org_headers, registry.operator
    r = api.post("/v1/me/ratings/food/appeal", json={"reason": "Wrong kitchen."}, headers=org)
    appeal_id = r.json()["id"]
    assert api.post("/v1/admin/register/publish", headers=op).status_code == 200
    queue = get_json(api, "/v1/admin/register/requests", headers=op)
    assert appeal_id in {q["id"] for q in queue}
    assert get_json(api, f"{PUBLIC}/{FOODS}")["ratings"][0]["status"] == "under appeal"


def test_a_publish_as_of_an_earlier_day_closes_no_request(
    api: TestClient, factory: sessionmaker[Session], registry: Registry
) -> None:
    """``credo register grade --as-of`` a day before the newest inspection rates on the older
    one: an appeal of the newest rating is not 'replaced' by it."""
    import datetime as dt

    from credo.register import service

    org, op = registry.org_headers, registry.operator
    _new_inspection(factory, registry)
    assert api.post("/v1/admin/register/publish", headers=op).status_code == 200
    r = api.post("/v1/me/ratings/food/appeal", json={"reason": "Wrong kitchen."}, headers=org)
    assert r.status_code == 201, r.text
    appeal_id = r.json()["id"]
    with factory() as s, s.begin():
        service.publish(session=s, as_of=TODAY - dt.timedelta(days=1))
    queue = get_json(api, "/v1/admin/register/requests", headers=op)
    assert appeal_id in {q["id"] for q in queue}
    assert not _decided_events(factory, appeal_id)


@pytest.mark.skipif(not PG_URL, reason="row locks: two sessions at once on PostgreSQL")
def test_two_decisions_at_once_decide_an_appeal_once(
    factory: sessionmaker[Session], registry: Registry
) -> None:
    """A second decision waits for the first and then finds the appeal decided (409); it
    read the appeal still open and overwrote the first outcome."""
    from credo.errors import Conflict
    from credo.register import appeals
    from credo.register.models import RatingRequest

    sid = registry.seeded.org_subject_ids[FOODS]
    with factory() as s, s.begin():
        request_id = appeals.request(
            session=s, subject_id=sid, domain="food", kind="appeal", reason="Wrong kitchen."
        ).id
    outcome: dict[str, object] = {}

    def second() -> None:
        with factory() as s:
            try:
                with s.begin():
                    appeals.decide(session=s, request_id=request_id, outcome="upheld", rating=5)
                outcome["second"] = "decided"
            except Conflict as exc:
                outcome["second"] = exc

    first = factory()
    try:
        with first.begin():
            appeals.decide(session=first, request_id=request_id, outcome="dismissed")
            thread = threading.Thread(target=second)
            thread.start()
            thread.join(1.0)  # waits on the first decision's lock
    finally:
        first.close()
    thread.join(30)
    assert isinstance(outcome.get("second"), Conflict), outcome
    with factory() as s:
        row = s.get(RatingRequest, request_id)
        assert row is not None and row.state == "dismissed" and row.decided_rating is None
    assert len(_decided_events(factory, request_id)) == 1


def _rating_notices(api: TestClient, org: dict[str, str]) -> list[dict[str, Any]]:
    notices = get_json(api, "/v1/me/notices", headers=org)["notices"]
    return [n for n in notices if n["kind"] == "rating.decided"]


def test_the_organisation_hears_how_its_appeal_was_decided(
    api: TestClient, registry: Registry
) -> None:
    """Reviews, repairs and proofs tell their outcome; an appeal's was told to nobody."""
    org, op = registry.org_headers, registry.operator
    appeal = api.post("/v1/me/ratings/food/appeal", json={"reason": "Wrong."}, headers=org)
    rerating = api.post("/v1/me/ratings/food/rerating", json={"reason": "Hoods."}, headers=org)
    assert appeal.status_code == rerating.status_code == 201
    decided = api.post(
        f"/v1/admin/register/requests/{appeal.json()['id']}/decision",
        json={"outcome": "upheld", "rating": 4, "note": "the right kitchen is clean"},
        headers=op,
    )
    assert decided.status_code == 200, decided.text
    [told] = _rating_notices(api, org)
    assert "upheld your appeal against your food safety rating: it is now 4 / 5" in told["what"]
    assert "(it was 3 / 5)" in told["what"] and told["why"] == "the right kitchen is clean"
    dismissed = api.post(
        f"/v1/admin/register/requests/{rerating.json()['id']}/decision",
        json={"outcome": "dismissed"},
        headers=op,
    )
    assert dismissed.status_code == 200, dismissed.text
    latest = _rating_notices(api, org)[0]
    assert "dismissed your request to be re-rated for your food safety rating" in latest["what"]


def test_an_appeal_closed_by_a_newer_inspection_is_told(
    api: TestClient, factory: sessionmaker[Session], registry: Registry
) -> None:
    org, op = registry.org_headers, registry.operator
    assert api.post("/v1/me/ratings/food/appeal", json={"reason": "Wrong."}, headers=org)
    _new_inspection(factory, registry)
    assert api.post("/v1/admin/register/publish", headers=op).status_code == 200
    [told] = _rating_notices(api, org)
    assert "closed undecided: a newer inspection was published" in told["what"]
    assert "appeal the new rating" in told["can_do"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "upheld", "rating": True}, "rating"),  # was upheld with a rating of 1
        ({"outcome": "upheld", "rating": "4"}, "rating"),
        ({"outcome": "dismissed", "rating": 3}, "rating"),  # the rating was dropped
        ({"outcome": "dismissed", "notes": "typo"}, "notes"),  # the note was dropped
        ({"outcome": "x" * 5000}, "outcome"),  # the message echoed all 5,000
    ],
    ids=["true", "text", "dismissed-with-rating", "unknown-field", "long-outcome"],
)
def test_a_decision_body_the_api_cannot_take_as_meant_is_422(
    api: TestClient, registry: Registry, body: dict[str, Any], field: str
) -> None:
    org, op = registry.org_headers, registry.operator
    appeal = api.post("/v1/me/ratings/food/appeal", json={"reason": "Wrong."}, headers=org)
    request_id = appeal.json()["id"]
    r = api.post(f"/v1/admin/register/requests/{request_id}/decision", json=body, headers=op)
    assert r.status_code == 422, r.text[:300]
    assert len(r.content) < 2000
    assert [d["field"] for d in r.json()["error"]["details"]] == [field]
    queue = get_json(api, "/v1/admin/register/requests", headers=op)
    assert [q["state"] for q in queue if q["id"] == request_id] == ["open"]
    assert get_json(api, f"{PUBLIC}/{FOODS}")["ratings"][0]["rating"] == 3
