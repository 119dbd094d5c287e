"""Serious-violator list: tiers, publication, and the credit-repair flow through the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.lists import service
from credo.lists.models import ListEntry
from credo.subjects.models import Subject
from tests.api.helpers import assert_error
from tests.envelopes import ORG, PERSON
from tests.lists.conftest import OPERATOR, at, penalty, post, refresh, token


def _entries(factory: sessionmaker[Session]) -> dict[str, ListEntry]:
    with factory() as s:
        return {e.ref: e for e in s.execute(select(ListEntry)).scalars()}


def test_tiers_set_terms_and_only_serious_restricts(
    client: Any, regulator: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-01-10")
    post(
        client,
        regulator,
        penalty("p-1", "2025-01-02", "serious", "food_safety"),
        penalty("p-2", "2025-01-02", "general", "drug_safety"),
        penalty("p-3", "2025-01-02", "minor", "construction_safety"),
        penalty("p-4", "2025-01-02", "serious", "market"),
        penalty("p-5", "2025-01-02", "serious", "food_safety", who=PERSON),
    )
    refresh(factory)
    entries = _entries(factory)
    assert set(entries) == {"D-p-1", "D-p-2", "D-p-3"}  # market and persons: not this list
    ends = {
        ref: (e.tier, e.scheduled_end.isoformat()) for ref, e in entries.items() if e.scheduled_end
    }
    assert ends == {
        "D-p-1": ("serious", "2028-01-02"),
        "D-p-2": ("general", "2026-01-02"),
        "D-p-3": ("minor", "2025-04-02"),
    }
    org = entries["D-p-1"].subject_id
    with factory() as s:
        restricted = service.restrictions_for(session=s, subject_id=org)
        assert {r["entry_id"] for r in restricted} == {entries["D-p-1"].id}
        assert {r["activity"] for r in restricted} >= {"property_purchase", "luxury_car"}
        public = service.public_entries(session=s, subject_id=org)
        assert {p["ref"] for p in public} == {"D-p-1", "D-p-2", "D-p-3"}
        person = s.execute(select(Subject).where(Subject.kind == "person")).scalar_one()
        assert service.public_entries(session=s, subject_id=person.id) == []
    refresh(factory, "2025-04-02")
    assert _entries(factory)["D-p-3"].removal_reason == "term_expired"


def test_repair_flow(
    client: Any, regulator: dict[str, Any], court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-01-10")
    post(client, regulator, penalty("p-1", "2025-01-02", "serious"))
    refresh(factory)
    entry = _entries(factory)["D-p-1"]
    me = token(factory, ORG)
    listed = client.get("/v1/me/lists", headers=me).json()["entries"][0]
    assert listed["repair_from"] == "2026-01-02" and "credit repair" in listed["how_to_end"]

    early = client.post(
        "/v1/me/repairs", json={"entry_id": entry.id, "statement": "fixed"}, headers=me
    )
    details = assert_error(early, 422, "repair_too_early", field="entry_id")
    assert details[0]["repair_from"] == "2026-01-02"
    assert "2026-01-02" in early.json()["error"]["message"]

    at("2026-01-05")  # a Monday
    applied = client.post(
        "/v1/me/repairs",
        json={"entry_id": entry.id, "statement": "kitchen rebuilt, fine paid"},
        headers=me,
    )
    assert applied.status_code == 201, applied.text
    repair = applied.json()
    assert repair["decide_by"] == "2026-01-19" and repair["state"] == "applied"
    again = client.post("/v1/me/repairs", json={"entry_id": entry.id, "statement": "x"}, headers=me)
    assert_error(again, 409, "repair_pending")

    assert_error(client.get("/v1/admin/repairs"), 401)
    assert_error(client.get("/v1/admin/repairs", headers=me), 401)
    queue = client.get("/v1/admin/repairs", headers=OPERATOR).json()["repairs"]
    assert [(r["id"], r["decide_by"], r["overdue"]) for r in queue] == [
        (repair["id"], "2026-01-19", False)
    ]
    at("2026-01-20")
    assert client.get("/v1/admin/repairs", headers=OPERATOR).json()["repairs"][0]["overdue"]

    url = f"/v1/admin/repairs/{repair['id']}"
    assert_error(client.post(url, json={"decision": "reject"}, headers=OPERATOR), 422)
    rejected = client.post(
        url, json={"decision": "reject", "reason": "inspection pending"}, headers=OPERATOR
    )
    assert rejected.json()["state"] == "rejected"
    assert_error(
        client.post(url, json={"decision": "approve"}, headers=OPERATOR), 409, "repair_decided"
    )
    assert client.get("/v1/me/lists", headers=me).json()["restrictions"]

    second = client.post(
        "/v1/me/repairs", json={"entry_id": entry.id, "statement": "passed"}, headers=me
    ).json()
    approved = client.post(
        f"/v1/admin/repairs/{second['id']}", json={"decision": "approve"}, headers=OPERATOR
    )
    assert approved.status_code == 200 and approved.json()["decided_by"] == "operator"
    body = client.get("/v1/me/lists", headers=me).json()
    assert body["restrictions"] == []
    assert body["entries"][0]["removal_reason"] == "repaired"
    assert body["entries"][0]["ended_on"] == "2026-01-20"
    summary = refresh(factory)  # the refresh keeps the repair
    assert (summary["entered"], summary["removed"], summary["changed"]) == (0, 0, 0)
    assert_error(
        client.post("/v1/me/repairs", json={"entry_id": entry.id, "statement": "x"}, headers=me),
        409,
        "entry_not_active",
    )


def test_defaulter_entries_and_others_entries_cannot_be_repaired(
    client: Any, regulator: dict[str, Any], court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    from tests.lists.conftest import judgment, listing

    at("2025-03-05")
    post(
        client,
        court,
        judgment("j-1", "C-1", "2025-01-01", "2025-02-01", who=ORG),
        listing("l-1", "C-1", "2025-03-01", who=ORG),
    )
    post(client, regulator, penalty("p-1", "2025-01-02", "serious"))
    refresh(factory)
    entries = _entries(factory)
    me = token(factory, ORG)
    refused = client.post(
        "/v1/me/repairs", json={"entry_id": entries["C-1"].id, "statement": "paid"}, headers=me
    )
    assert_error(refused, 422, "not_repairable")
    post(client, court, judgment("j-2", "C-2", "2025-01-01", "2025-02-01"))
    person = token(factory, PERSON)
    assert_error(
        client.post(
            "/v1/me/repairs",
            json={"entry_id": entries["D-p-1"].id, "statement": "x"},
            headers=person,
        ),
        404,
    )
