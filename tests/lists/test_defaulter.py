"""Defaulter list: warning, listing, restriction, fulfilment with immediate removal, terms."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit
from credo.lists import service
from credo.lists.models import ListEntry
from credo.records.models import Record
from tests.envelopes import PERSON
from tests.lists.conftest import (
    MINOR,
    at,
    court_record,
    judgment,
    listing,
    post,
    refresh,
    token,
)


def _subject_id(factory: sessionmaker[Session], who: str = PERSON) -> int:
    from credo.subjects.service import find

    with factory() as s:
        scheme = "cn_ric" if len(who) == 18 and who[:2].isdigit() and who != "" else "cn_uscc"
        return find(session=s, scheme=scheme, value=who).id


def _apply_now(factory: sessionmaker[Session], external_id: str) -> dict[str, int]:
    """What the records intake does right after storing a record (the lead's hook)."""
    with factory() as s, s.begin():
        record = s.execute(select(Record).where(Record.external_id == external_id)).scalar_one()
        return service.apply_record_now(session=s, record=record)


def _events(factory: sessionmaker[Session]) -> list[tuple[str, dict[str, Any]]]:
    with factory() as s:
        return [
            (e.event_type, json.loads(e.payload))
            for e in audit.iter_entries(s)
            if e.event_type.startswith(("list.", "repair."))
        ]


def test_warning_listing_restriction_and_immediate_removal(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-01-10")
    post(client, court, judgment("j-1", "(2025)京0105民初1号", "2025-01-05", "2025-02-01"))
    me = token(factory)
    refresh(factory, "2025-01-20")
    assert client.get("/v1/me/lists", headers=me).json()["warnings"] == []

    at("2025-02-10")
    refresh(factory)
    body = client.get("/v1/me/lists", headers=me).json()
    (warning,) = body["warnings"]
    assert warning["state"] == "pending" and warning["starts_on"] == "2025-02-01"
    assert warning["records"][0]["external_id"] == "j-1"
    assert "Fulfil the judgment" in warning["how_to_end"]
    assert body["restrictions"] == []

    at("2025-03-05")
    post(client, court, listing("l-1", "(2025)京0105民初1号", "2025-03-01"))
    refresh(factory)
    body = client.get("/v1/me/lists", headers=me).json()
    assert body["warnings"] == []
    listed = next(e for e in body["entries"] if e["state"] == "active")
    assert listed["list"] == "defaulter" and listed["rule"] == "defaulter.court_listing"
    assert listed["starts_on"] == "2025-03-01" and listed["scheduled_end"] == "2027-03-01"
    assert {r["external_id"] for r in listed["records"]} == {"j-1", "l-1"}
    assert "air_travel" in listed["restricts"]
    assert {r["activity"] for r in body["restrictions"]} >= {"air_travel", "high_speed_rail"}
    sid = _subject_id(factory)
    with factory() as s:
        assert service.is_restricted(session=s, subject_id=sid, activity="air_travel")[0]

    at("2025-06-01")
    post(
        client, court, court_record("court.fulfilment", "f-1", "(2025)京0105民初1号", "2025-06-01")
    )
    with factory() as s:  # the intake applied the removal in the same transaction
        restricted, entry = service.is_restricted(session=s, subject_id=sid, activity="air_travel")
    assert not restricted and entry is None
    assert not any(_apply_now(factory, "f-1").values())  # nothing left to apply
    ended = next(
        e
        for e in client.get("/v1/me/lists", headers=me).json()["entries"]
        if e["rule"] == "defaulter.court_listing"
    )
    assert ended["state"] == "ended" and ended["ended_on"] == "2025-06-01"
    assert ended["removal_reason"] == "fulfilled"
    removed = [p for t, p in _events(factory) if t == "list.removed" and p["immediate"]]
    assert removed and removed[-1]["reason"] == "fulfilled"
    summary = refresh(factory)
    assert (summary["entered"], summary["removed"], summary["changed"]) == (0, 0, 0)


def test_fulfilment_through_the_api_lifts_the_listing_without_a_refresh(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-04-01")
    post(
        client,
        court,
        judgment("j-1", "C-1", "2025-01-05", "2025-02-01"),
        listing("l-1", "C-1", "2025-03-01"),
    )
    refresh(factory)
    post(client, court, court_record("court.fulfilment", "f-1", "C-1", "2025-04-01"))
    body = client.get("/v1/me/lists", headers=token(factory)).json()
    assert body["restrictions"] == []


def test_apply_intake_now_lifts_the_listings_of_a_batch(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-04-01")
    post(
        client,
        court,
        judgment("j-1", "C-1", "2025-01-05", "2025-02-01"),
        listing("l-1", "C-1", "2025-03-01"),
    )
    refresh(factory)
    post(client, court, court_record("court.fulfilment", "f-1", "C-1", "2025-04-01"))
    with factory() as s, s.begin():
        # the API's intake already applied it in the fulfilment's own transaction
        assert not any(
            service.apply_intake_now(
                session=s, furnisher_id=court["id"], external_ids=["f-1"]
            ).values()
        )
        assert service.restrictions_for(session=s, subject_id=_subject_id(factory)) == []
        assert (
            service.apply_intake_now(session=s, furnisher_id=court["id"], external_ids=["nothing"])
            == {}
        )
    assert client.get("/v1/me/lists", headers=token(factory)).json()["restrictions"] == []


def test_term_expiry_ends_the_listing_on_its_date(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2024-02-01")
    post(
        client,
        court,
        judgment("j-1", "C-1", "2023-10-01", "2023-11-01"),
        listing("l-1", "C-1", "2024-01-15", term_months=24),
    )
    refresh(factory, "2024-02-01")
    sid = _subject_id(factory)
    at("2026-01-14")
    refresh(factory)
    with factory() as s:
        assert service.is_restricted(session=s, subject_id=sid, activity="star_hotel")[0]
        # the restriction check needs no refresh: the term is in the entry
        assert not service.is_restricted(
            session=s, subject_id=sid, activity="star_hotel", on=at("2026-01-15")
        )[0]
    refresh(factory)
    with factory() as s:
        entry = s.execute(
            select(ListEntry).where(ListEntry.rule_id == "defaulter.court_listing")
        ).scalar_one()
    assert (entry.state, entry.ended_on.isoformat(), entry.removal_reason) == (
        "ended",
        "2026-01-15",
        "term_expired",
    )


def test_minors_are_never_listed_and_the_refusal_is_recorded(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2026-03-05")
    post(
        client,
        court,
        judgment("j-1", "C-9", "2025-10-01", "2025-11-01", who=MINOR),
        listing("l-1", "C-9", "2026-03-01", who=MINOR),
    )
    summary = refresh(factory)
    assert summary["refused"] == 1
    sid = _subject_id(factory, MINOR)
    with factory() as s:
        (entry,) = service.entries_for(session=s, subject_id=sid)
        assert service.restrictions_for(session=s, subject_id=sid) == []
    assert (entry.state, entry.removal_reason) == ("refused", "minor")
    assert "under 18" in json.loads(entry.basis)["refusal"]
    assert [t for t, _ in _events(factory)] == ["list.refused_minor"]


def test_a_listing_without_a_prior_warning_is_refused(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-03-05")
    post(client, court, listing("l-1", "C-2", "2025-03-01"))
    refresh(factory)
    with factory() as s:
        entry = s.execute(select(ListEntry)).scalar_one()
    assert (entry.state, entry.removal_reason) == ("refused", "no_prior_warning")


@pytest.mark.parametrize(
    ("ground", "term", "end", "why"),
    [
        ("obstructing_execution", None, "2028-03-01", "standard term of 36 months"),
        ("violating_consumption_order", 60, "2030-03-01", "set a term of 60 months"),
        ("fraudulent_litigation", 12, "2028-03-01", "so the term is 36 months"),
        ("evading_execution", 60, "2027-03-01", "so the term is 24 months"),
    ],
)
def test_aggravated_grounds_get_longer_terms(
    client: Any,
    court: dict[str, Any],
    factory: sessionmaker[Session],
    ground: str,
    term: int | None,
    end: str,
    why: str,
) -> None:
    at("2025-03-05")
    post(
        client,
        court,
        judgment("j-1", "C-3", "2025-01-01", "2025-02-01"),
        listing("l-1", "C-3", "2025-03-01", ground=ground, term_months=term),
    )
    refresh(factory)
    body = client.get("/v1/me/lists", headers=token(factory)).json()
    (entry,) = [e for e in body["entries"] if e["rule"] == "defaulter.court_listing"]
    assert entry["scheduled_end"] == end and why in entry["basis"]["term"]


def test_able_but_refuses_has_no_fixed_term_and_ends_by_delisting(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-03-05")
    post(
        client,
        court,
        judgment("j-1", "C-4", "2025-01-01", "2025-02-01"),
        listing("l-1", "C-4", "2025-03-01", ground="able_but_refuses", term_months=24),
    )
    refresh(factory)
    sid = _subject_id(factory)
    refresh(factory, "2035-01-01")
    with factory() as s:
        (item,) = [
            r
            for r in service.restrictions_for(session=s, subject_id=sid, on=at("2035-01-01"))
            if r["activity"] == "air_travel"
        ]
    assert item["ends_on"] is None
    post(
        client,
        court,
        court_record("court.delisting", "d-1", "C-4", "2035-01-01", reason="settlement"),
    )
    assert not any(_apply_now(factory, "d-1").values())  # the intake already applied it
    with factory() as s:
        assert service.restrictions_for(session=s, subject_id=sid) == []
        entry = s.execute(
            select(ListEntry).where(ListEntry.rule_id == "defaulter.court_listing")
        ).scalar_one()
    assert entry.removal_reason == "delisted:settlement"


def test_deleted_listing_record_removes_the_listing(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-02-05")
    post(client, court, judgment("j-1", "C-5", "2025-01-01", "2025-02-01"))
    refresh(factory)  # the warning before listing is delivered (inbox) on 2025-02-05
    at("2025-03-05")
    post(client, court, listing("l-1", "C-5", "2025-03-01"))
    refresh(factory)
    assert client.delete("/v1/records/l-1", headers=court["headers"]).status_code == 200
    assert not any(_apply_now(factory, "l-1").values())  # the deletion already applied it
    with factory() as s:
        entry = s.execute(
            select(ListEntry).where(ListEntry.rule_id == "defaulter.court_listing")
        ).scalar_one()
        assert service.restrictions_for(session=s, subject_id=entry.subject_id) == []
    assert (entry.state, entry.removal_reason, entry.ended_on.isoformat()) == (
        "ended",
        "record_deleted",
        "2025-03-05",
    )
    # the judgment is still unfulfilled: the refresh shows the pending listing again
    assert refresh(factory)["entered"] == 1
    body = client.get("/v1/me/lists", headers=token(factory)).json()
    assert [w["rule"] for w in body["warnings"]] == ["defaulter.warning"]
    summary = refresh(factory)
    assert (summary["entered"], summary["removed"], summary["changed"]) == (0, 0, 0)


def test_an_entry_past_its_term_reads_as_ended_before_the_refresh_closes_it(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    """The API report and the lists answer say what checks answer: an active entry whose
    scheduled end has come restricts nothing and reads as ended (term_expired) from that day,
    not as active with nothing restricted (the portal already said so; the API did not)."""
    case = "(2025)京0105民初9号"
    at("2025-03-05")
    post(
        client,
        court,
        judgment("j-9", case, "2025-01-05", "2025-02-01"),
        listing("l-9", case, "2025-03-01"),
    )
    refresh(factory)
    me = token(factory)
    listed = next(e for e in client.get("/v1/me/lists", headers=me).json()["entries"]
                  if e["rule"] == "defaulter.court_listing")  # fmt: skip
    end = listed["scheduled_end"]
    assert listed["state"] == "active" and end
    at(end)  # no refresh since
    for shown in (
        next(e for e in client.get("/v1/me/lists", headers=me).json()["entries"]
             if e["id"] == listed["id"]),
        next(e for e in client.get("/v1/me/report", headers=me).json()["lists"]
             if e["id"] == listed["id"]),
    ):  # fmt: skip
        assert (shown["state"], shown["ended_on"], shown["removal_reason"]) == (
            "ended", end, "term_expired"
        )
        assert shown["restricts"] == []
    refresh(factory, end)  # the refresh records what was shown
    with factory() as s:
        stored = s.get(ListEntry, listed["id"])
        assert stored is not None
        assert (stored.state, str(stored.ended_on), stored.removal_reason) == (
            "ended", end, "term_expired"
        )


def test_the_state_filter_reads_entries_as_they_are_shown(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    """GET /v1/admin/lists/{list}?state= filters on the state each entry reads as today
    (``shown_state``): an entry past its term before the refresh is under ended, not active."""
    from tests.lists.conftest import OPERATOR

    case = "(2025)京0105民初8号"
    at("2025-03-05")
    post(client, court, judgment("j-8", case, "2025-01-05", "2025-02-01"),
         listing("l-8", case, "2025-03-01"))  # fmt: skip
    refresh(factory)
    url = "/v1/admin/lists/defaulter"
    active = client.get(url, params={"state": "active"}, headers=OPERATOR).json()
    (listed,) = [e for e in active["entries"] if e["rule"] == "defaulter.court_listing"]
    at(listed["scheduled_end"])  # no refresh since
    active = client.get(url, params={"state": "active"}, headers=OPERATOR).json()
    ended = client.get(url, params={"state": "ended"}, headers=OPERATOR).json()
    assert listed["id"] not in [e["id"] for e in active["entries"]]
    (shown,) = [e for e in ended["entries"] if e["id"] == listed["id"]]
    assert (shown["state"], shown["removal_reason"]) == ("ended", "term_expired")
    assert {e["state"] for e in active["entries"]} <= {"active"}
    assert {e["state"] for e in ended["entries"]} == {"ended"}
