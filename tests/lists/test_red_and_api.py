"""Red list benefits, operator list views, authentication and privacy of entries."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit
from credo.lists import service
from credo.lists.models import ListEntry
from tests.api.helpers import assert_error
from tests.envelopes import ORG, PERSON
from tests.lists.conftest import (
    OPERATOR,
    OTHER_PERSON,
    at,
    judgment,
    listing,
    post,
    refresh,
    token,
)


def _inspection(ext: str, on: str, grade: str) -> dict[str, Any]:
    return {
        "external_id": ext,
        "category": "inspection.result",
        "subject": {"scheme": "cn_uscc", "id": ORG, "name": "Beijing Foods Ltd"},
        "occurred_on": on,
        "legal_basis": "Work Safety Law art. 65",
        "fields": {"inspection_id": f"I-{ext}", "domain": "food_safety", "grade": grade},
    }


def test_commendations_and_grade_a_streaks_grant_benefits(
    client: Any, regulator: dict[str, Any], honours: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-06-01")
    post(
        client,
        honours,
        {
            "external_id": "c-1",
            "category": "commendation",
            "subject": {"scheme": "cn_ric", "id": PERSON, "name": "Wang Fang"},
            "occurred_on": "2025-05-01",
            "legal_basis": "City Honours Regulation art. 4",
            "fields": {"title": "Model Taxpayer", "authority": "City Tax Bureau", "level": "city"},
        },
    )
    post(client, regulator, *[_inspection(f"i-{n}", f"2024-0{n}-01", "A") for n in (1, 2, 3)])
    refresh(factory)
    body = client.get("/v1/me/lists", headers=token(factory)).json()
    (red,) = body["entries"]
    assert red["list"] == "red" and red["scheduled_end"] == "2028-05-01"
    assert {b["benefit"] for b in body["benefits"]} >= {"fast_track_approval"}
    assert body["restrictions"] == []
    org = client.get("/v1/me/lists", headers=token(factory, ORG)).json()
    (streak,) = org["entries"]
    assert (streak["rule"], streak["starts_on"], streak["scheduled_end"]) == (
        "red.inspection_streak",
        "2024-03-01",
        "2025-03-01",
    )
    assert streak["state"] == "ended" and streak["removal_reason"] == "term_expired"
    post(
        client,
        regulator,
        _inspection("i-4", "2025-04-01", "A"),
        _inspection("i-5", "2025-05-01", "A"),
    )
    refresh(factory)
    fresh = client.get("/v1/me/lists", headers=token(factory, ORG)).json()
    (extended,) = fresh["entries"]  # the unbroken streak goes on: same entry, later end
    assert (extended["state"], extended["scheduled_end"]) == ("active", "2026-05-01")
    post(client, regulator, _inspection("i-6", "2025-05-20", "C"))
    refresh(factory)
    with factory() as s:
        entries = list(
            s.execute(
                select(ListEntry).where(ListEntry.rule_id == "red.inspection_streak")
            ).scalars()
        )
        assert service.benefits_for(session=s, subject_id=entries[0].subject_id) == []
    assert [(e.removal_reason, e.ended_on.isoformat()) for e in entries] == [
        ("inspection_grade_C", "2025-05-20")
    ]


def test_subject_token_required_and_others_entries_invisible(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-03-05")
    post(
        client,
        court,
        judgment("j-1", "C-1", "2025-01-01", "2025-02-01"),
        listing("l-1", "C-1", "2025-03-01"),
        judgment("j-2", "C-2", "2025-01-01", "2025-02-01", who=OTHER_PERSON),
    )
    refresh(factory)
    assert_error(client.get("/v1/me/lists"), 401, "unauthenticated")
    assert_error(client.get("/v1/me/lists", headers={"Authorization": "Bearer st_x.y"}), 401)
    assert_error(client.get("/v1/me/lists", headers=OPERATOR), 401)
    mine = client.get("/v1/me/lists", headers=token(factory)).json()
    theirs = client.get("/v1/me/lists", headers=token(factory, OTHER_PERSON)).json()
    assert {e["ref"] for e in mine["entries"] + mine["warnings"]} == {"C-1"}
    assert [w["ref"] for w in theirs["warnings"]] == ["C-2"] and theirs["entries"] == []
    assert theirs["restrictions"] == []


def test_operator_list_view_needs_the_operator_key(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-03-05")
    post(
        client,
        court,
        judgment("j-1", "C-1", "2025-01-01", "2025-02-01"),
        listing("l-1", "C-1", "2025-03-01"),
    )
    refresh(factory)
    assert_error(client.get("/v1/admin/lists/defaulter"), 401)
    assert_error(
        client.get(
            "/v1/admin/lists/defaulter", headers={"Authorization": "Bearer op-test-key-wrong"}
        ),
        401,
    )
    assert_error(client.get("/v1/admin/lists/defaulter", headers=token(factory)), 401)
    body = client.get("/v1/admin/lists/defaulter", headers=OPERATOR).json()
    assert body["total"] == 2 and body["list"] == "defaulter"
    active = client.get("/v1/admin/lists/defaulter?state=active", headers=OPERATOR).json()
    assert [e["ref"] for e in active["entries"]] == ["C-1"]
    assert_error(client.get("/v1/admin/lists/grey", headers=OPERATOR), 404)


def test_refresh_is_idempotent_and_every_change_is_audited(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-03-05")
    post(
        client,
        court,
        judgment("j-1", "C-1", "2025-01-01", "2025-02-01"),
        listing("l-1", "C-1", "2025-03-01"),
    )
    first = refresh(factory)
    assert (first["entered"], first["removed"]) == (1, 0)  # warning ended "listed" at once
    with factory() as s:
        count = sum(1 for _ in audit.iter_entries(s))
    second = refresh(factory)
    assert (second["entered"], second["removed"], second["changed"], second["refused"]) == (
        0,
        0,
        0,
        0,
    )
    assert second["entries"] == first["entries"]
    with factory() as s:
        events = list(audit.iter_entries(s))
        assert len(events) == count and audit.verify(s).ok
    (entered,) = [json.loads(e.payload) for e in events if e.event_type == "list.entered"]
    assert entered["ref"] == "C-1" and entered["scheduled_end"] == "2027-03-01"
