"""Publishing grades and ratings on a store; reply, appeal and re-rating through the services."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.core.audit import AuditEntry
from credo.errors import Conflict, Forbidden, InvalidInput, NotFound
from credo.records.models import Record
from credo.register import appeals, service
from credo.register.models import OrgGrade, RatingRequest
from tests.register.fixtures import TODAY, Registry
from tests.web.seed import FOODS


def _foods(registry: Registry) -> int:
    return registry.seeded.org_subject_ids[FOODS]


def test_every_organisation_and_no_person_is_graded(
    factory: sessionmaker[Session], registry: Registry
) -> None:
    with factory() as s:
        rows = {g.subject_id: g for g in s.execute(select(OrgGrade)).scalars()}
        assert set(rows) == set(registry.seeded.org_subject_ids.values())
        assert registry.seeded.person_subject_id not in rows
        foods = rows[_foods(registry)]
        assert foods.grade == "C"
        reasons = {r["rule"] for r in json.loads(foods.reasons)}
        assert {"list:serious_violator", "court_judgment", "penalty_minor"} <= reasons
        assert s.execute(
            select(AuditEntry).where(AuditEntry.event_type == "register.published")
        ).first() is not None


def test_a_disputed_record_does_not_count_but_a_disputed_court_order_does(
    factory: sessionmaker[Session], registry: Registry
) -> None:
    """The one rule for disputed records (docs/rights.md): court orders stay in force."""
    with factory() as s, s.begin():
        for category in ("penalty.imposed", "court.judgment"):
            record = s.execute(select(Record).where(Record.category == category)).scalar_one()
            record.state = "disputed"
        service.publish(session=s, subject_ids=[_foods(registry)])
    with factory() as s:
        grade = service.grade_of(session=s, subject_id=_foods(registry))
        assert grade is not None
        rules = {r["rule"] for r in grade["reasons"]}
        assert "penalty_minor" not in rules and "court_judgment" in rules


def test_appeal_shows_under_appeal_until_decided_and_upheld_sets_the_rating(
    factory: sessionmaker[Session], registry: Registry
) -> None:
    sid = _foods(registry)
    with factory() as s, s.begin():
        req = appeals.request(session=s, subject_id=sid, domain="food", kind="appeal",
                              reason="The inspector graded the wrong kitchen.")
        req_id = req.id
        with pytest.raises(Conflict, match="open appeal"):
            appeals.request(session=s, subject_id=sid, domain="food", kind="appeal", reason="x")
    with factory() as s:
        [food] = service.ratings_of(session=s, subject_ids=[sid])[sid]
        assert food["status"] == "under appeal" and food["rating"] == 3
    with factory() as s, s.begin():
        with pytest.raises(InvalidInput, match="new rating"):
            appeals.decide(session=s, request_id=req_id, outcome="upheld")
        appeals.decide(session=s, request_id=req_id, outcome="upheld", rating=4, note="agreed")
    with factory() as s, s.begin():
        [food] = service.ratings_of(session=s, subject_ids=[sid])[sid]
        assert food["status"] == "rated" and food["rating"] == 4
        service.publish(session=s)  # a later refresh keeps the rating set on appeal
    with factory() as s, s.begin():
        assert service.ratings_of(session=s, subject_ids=[sid])[sid][0]["rating"] == 4
        with pytest.raises(Conflict, match="already decided"):
            appeals.request(session=s, subject_id=sid, domain="food", kind="appeal", reason="y")


def test_the_appeal_window_closes_after_21_days(
    factory: sessionmaker[Session], registry: Registry
) -> None:
    clock.freeze(dt.datetime.combine(TODAY + dt.timedelta(days=22), dt.time(12), dt.UTC))
    with factory() as s, s.begin(), pytest.raises(Conflict, match="closed on 2026-12-12"):
        appeals.request(session=s, subject_id=_foods(registry), domain="food", kind="appeal",
                        reason="late")


def test_reply_replaces_the_previous_and_can_be_withdrawn(
    factory: sessionmaker[Session], registry: Registry
) -> None:
    sid = _foods(registry)
    with factory() as s, s.begin():
        appeals.reply(session=s, subject_id=sid, domain="food", text="First answer.")
        appeals.reply(session=s, subject_id=sid, domain="food", text="We rebuilt the kitchen.")
    with factory() as s, s.begin():
        food = service.ratings_of(session=s, subject_ids=[sid])[sid][0]
        assert food["reply"]["text"] == "We rebuilt the kitchen."
        assert appeals.withdraw_reply(session=s, subject_id=sid, domain="food") == 1
    with factory() as s:
        assert service.ratings_of(session=s, subject_ids=[sid])[sid][0]["reply"] is None
        with pytest.raises(InvalidInput, match="1-2000"):
            appeals.reply(session=s, subject_id=sid, domain="food", text="  ")
        with pytest.raises(InvalidInput, match="domain 'fire'"):
            appeals.reply(session=s, subject_id=sid, domain="fire", text="x")
        with pytest.raises(NotFound, match="no drug safety rating"):
            appeals.reply(session=s, subject_id=sid, domain="drug", text="x")


def test_rerating_closes_itself_when_a_newer_inspection_is_published(
    factory: sessionmaker[Session], registry: Registry
) -> None:
    from credo.furnishers.models import Furnisher

    sid = _foods(registry)
    with factory() as s, s.begin():
        req = appeals.request(session=s, subject_id=sid, domain="food", kind="rerating",
                              reason="New extraction hoods and staff training.")
        req_id = req.id
        assert service.ratings_of(session=s, subject_ids=[sid])[sid][0][
            "rerating_requested_on"] == TODAY.isoformat()
        furnisher = s.execute(select(Furnisher).where(Furnisher.kind == "regulator")).scalar_one()
        s.add(Record(furnisher_id=furnisher.id, external_id="ins-new", category="inspection.result",
                     subject_id=sid, occurred_on=TODAY, amount_minor=None, currency=None,
                     legal_basis="Food Safety Law art. 113", state="active", version=1,
                     content_hash="0" * 64, received_at=clock.now(),
                     fields=json.dumps({"domain": "food_safety", "grade": "A",
                                        "inspection_id": "IN-99"})))
        s.flush()
        service.publish(session=s)
    with factory() as s:
        row = s.get(RatingRequest, req_id)
        assert row is not None and row.state == "done"
        food = service.ratings_of(session=s, subject_ids=[sid])[sid][0]
        assert food["rating"] == 5 and food["inspection_on"] == TODAY.isoformat()


def test_a_person_cannot_answer_ratings(
    factory: sessionmaker[Session], registry: Registry
) -> None:
    with factory() as s, pytest.raises(Forbidden, match="only an organisation"):
        appeals.request(session=s, subject_id=registry.seeded.person_subject_id, domain="food",
                        kind="appeal", reason="x")
