"""What a dispute or a correction takes away applies at once (issue: disputed penalties).

Opening a dispute of a safety penalty ends the serious-violator entry resting on it that
moment, with reason ``record_disputed`` and a lifting notice that says so; a disputed court
order stays in force; a verified dispute brings the entry back at the refresh. A correction
that lowers the tier to one that restricts nothing applies at once too. An entry's
restrictions are shown only while it is in force, as relying parties apply them. Everything
goes through the HTTP interface.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit
from credo.lists.models import ListEntry
from credo.notices.texts import END_REASONS, render
from credo.records.models import Record
from tests.access.helpers import add_party
from tests.envelopes import ORG, PERSON
from tests.lists.conftest import at, judgment, listing, penalty, post, refresh, token

FOOD_ACTIVITY = "property_purchase"


@pytest.fixture
def hotel(factory: sessionmaker[Session]) -> dict[str, Any]:
    """A relying party that enforces a serious-violator and a defaulter restriction."""
    with factory() as s, s.begin():
        return add_party(s, "Homes Agency", [FOOD_ACTIVITY, "air_travel"], ["fast_checkout"])


def _check(client: TestClient, party: dict[str, Any], who: str, activity: str) -> bool:
    scheme = "cn_uscc" if who == ORG else "cn_ric"
    response = client.post(
        "/v1/checks/restriction",
        json={"subject": {"scheme": scheme, "id": who}, "activity": activity},
        headers=party["headers"],
    )
    assert response.status_code == 200, response.text
    return bool(response.json()["restricted"])


def _public(client: TestClient) -> list[dict[str, Any]]:
    response = client.get(f"/v1/public/organisations/{ORG}")
    assert response.status_code == 200, response.text
    return list(response.json()["lists"])


def _page_lists(client: TestClient) -> str:
    """The public organisation page's list section (HTML)."""
    page = client.get(f"/org/{ORG}")
    assert page.status_code == 200, page.text
    found = re.search(r'<section aria-labelledby="lists-heading">(.*?)</section>', page.text, re.S)
    assert found, page.text
    return found[1]


def _record_id(factory: sessionmaker[Session], external_id: str) -> int:
    with factory() as s:
        return s.execute(select(Record.id).where(Record.external_id == external_id)).scalar_one()


def _entry(factory: sessionmaker[Session], rule: str) -> ListEntry:
    with factory() as s:
        return s.execute(select(ListEntry).where(ListEntry.rule_id == rule)).scalar_one()


def _dispute(client: TestClient, me: dict[str, str], record_id: int) -> dict[str, Any]:
    response = client.post(
        "/v1/me/disputes", headers=me, json={"record_id": record_id, "reason": "not ours"}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _notices(client: TestClient, me: dict[str, str]) -> list[dict[str, Any]]:
    return list(client.get("/v1/me/notices", headers=me).json()["notices"])


def _events(factory: sessionmaker[Session], kind: str) -> list[dict[str, Any]]:
    with factory() as s:
        return [json.loads(e.payload) for e in audit.iter_entries(s) if e.event_type == kind]


def _removals(factory: sessionmaker[Session]) -> list[dict[str, Any]]:
    return _events(factory, "list.removed")


def test_disputing_a_serious_penalty_lifts_its_entry_at_once(
    client: TestClient,
    regulator: dict[str, Any],
    hotel: dict[str, Any],
    factory: sessionmaker[Session],
) -> None:
    at("2025-01-10")
    post(client, regulator, penalty("p-1", "2025-01-02", "serious"))
    refresh(factory)
    assert _check(client, hotel, ORG, FOOD_ACTIVITY)
    assert [e["tier"] for e in _public(client)] == ["serious"]
    assert "buying property" in _page_lists(client)
    me = token(factory, ORG)

    at("2025-02-03")
    opened = _dispute(client, me, _record_id(factory, "p-1"))
    # no refresh: the check, the public page and the organisation's own view agree at once
    assert not _check(client, hotel, ORG, FOOD_ACTIVITY)
    assert _public(client) == []
    assert "Not on any public list." in _page_lists(client)
    mine = client.get("/v1/me/lists", headers=me).json()
    assert mine["restrictions"] == []
    (entry,) = mine["entries"]
    assert (entry["state"], entry["ended_on"], entry["removal_reason"]) == (
        "ended",
        "2025-02-03",
        "record_disputed",
    )
    assert entry["restricts"] == []
    (removed,) = _removals(factory)
    assert (removed["reason"], removed["immediate"]) == ("record_disputed", True)

    lifted, about = _notices(client, me)[:2]
    assert about["kind"] == "dispute.changed" and "ends at once" in about["means"]
    assert lifted["kind"] == "restriction.lifted"
    assert "you disputed the record it rested on" in lifted["why"]
    assert "deleted" not in lifted["why"]
    assert "buying property" in lifted["means"] and "verifies" in lifted["means"]

    summary = refresh(factory)  # the refresh agrees: nothing more to do
    assert (summary["entered"], summary["removed"], summary["changed"]) == (0, 0, 0)

    # verified: the record counts again and the refresh brings the entry back
    at("2025-02-10")
    answer = client.post(
        f"/v1/furnisher/disputes/{opened['id']}",
        headers=regulator["headers"],
        json={"outcome": "verified"},
    )
    assert answer.status_code == 200, answer.text
    assert not _check(client, hotel, ORG, FOOD_ACTIVITY)  # additions wait for the refresh
    assert refresh(factory)["entered"] == 1
    assert _check(client, hotel, ORG, FOOD_ACTIVITY)
    back = _entry(factory, "serious_violator.safety_penalty")
    assert (back.state, back.ended_on, back.removal_reason) == ("active", None, None)
    assert [e["tier"] for e in _public(client)] == ["serious"]
    assert len(_events(factory, "list.entered")) == 2


def test_a_disputed_court_listing_stays_in_force(
    client: TestClient,
    court: dict[str, Any],
    hotel: dict[str, Any],
    factory: sessionmaker[Session],
) -> None:
    at("2025-02-05")
    post(client, court, judgment("j-1", "C-1", "2025-01-01", "2025-02-01"))
    refresh(factory)  # the warning goes to the inbox
    at("2025-03-05")
    post(client, court, listing("l-1", "C-1", "2025-03-01"))
    refresh(factory)
    assert _check(client, hotel, PERSON, "air_travel")
    before = _removals(factory)  # the warning, which the listing ended
    _dispute(client, token(factory), _record_id(factory, "l-1"))
    assert _check(client, hotel, PERSON, "air_travel")
    assert _entry(factory, "defaulter.court_listing").state == "active"
    assert _removals(factory) == before


def test_removal_reasons_follow_the_record_state(
    client: TestClient, regulator: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    """A deletion says deleted; a correction that takes the penalty off the safety domains
    says corrected; each has its own words in the lifting notice."""
    at("2025-01-10")
    post(
        client,
        regulator,
        penalty("p-1", "2025-01-02", "serious"),
        penalty("p-2", "2025-01-03", "serious", "drug_safety"),
    )
    refresh(factory)
    assert client.delete("/v1/records/p-1", headers=regulator["headers"]).status_code == 200
    moved = penalty("p-2", "2025-01-03", "serious", "market")
    response = client.put("/v1/records/p-2", json=moved, headers=regulator["headers"])
    assert response.status_code == 200, response.text
    reasons = {r["reason"] for r in _removals(factory)}
    assert reasons == {"record_deleted", "record_corrected"}
    whys = {n["why"] for n in _notices(client, token(factory, ORG))}
    assert any("was deleted" in w for w in whys)
    assert any("was corrected" in w for w in whys)
    for code in ("record_deleted", "record_expired", "record_disputed", "record_corrected"):
        assert code in END_REASONS
        text = render("restriction.lifted", {"list": "serious_violator", "reason": code}, "")
        assert END_REASONS[code] in text.why


def test_a_correction_to_a_minor_tier_lifts_the_restrictions_at_once(
    client: TestClient,
    regulator: dict[str, Any],
    hotel: dict[str, Any],
    factory: sessionmaker[Session],
) -> None:
    at("2025-01-10")
    post(client, regulator, penalty("p-1", "2025-01-02", "serious"))
    refresh(factory)
    assert _check(client, hotel, ORG, FOOD_ACTIVITY)
    at("2025-02-01")
    minor = penalty("p-1", "2025-01-02", "minor")
    response = client.put("/v1/records/p-1", json=minor, headers=regulator["headers"])
    assert response.status_code == 200, response.text
    assert not _check(client, hotel, ORG, FOOD_ACTIVITY)  # no refresh
    entry = _entry(factory, "serious_violator.safety_penalty")
    assert (entry.state, entry.tier, str(entry.scheduled_end)) == ("active", "minor", "2025-04-02")
    (shown,) = _public(client)
    assert (shown["tier"], shown["restricts"], shown["scheduled_end"]) == (
        "minor",
        [],
        "2025-04-02",
    )
    summary = refresh(factory)  # nothing left for the refresh
    assert (summary["entered"], summary["removed"], summary["changed"]) == (0, 0, 0)

    # a correction back up to serious adds restrictions: that waits for the refresh
    serious = penalty("p-1", "2025-01-02", "serious")
    response = client.put("/v1/records/p-1", json=serious, headers=regulator["headers"])
    assert response.status_code == 200, response.text
    assert not _check(client, hotel, ORG, FOOD_ACTIVITY)
    assert refresh(factory)["changed"] == 1
    assert _check(client, hotel, ORG, FOOD_ACTIVITY)


def test_restrictions_are_shown_only_while_the_entry_is_in_force(
    client: TestClient,
    court: dict[str, Any],
    regulator: dict[str, Any],
    hotel: dict[str, Any],
    factory: sessionmaker[Session],
) -> None:
    at("2025-02-03")
    post(client, court, judgment("j-1", "C-1", "2025-01-01", "2025-02-01"))
    refresh(factory)  # the warning goes to the inbox on 2025-02-03
    at("2025-02-05")
    post(client, court, listing("l-1", "C-1", "2025-02-04"))
    refresh(factory)  # active, but in force only ten days after the warning
    me = token(factory)

    def shown() -> list[str]:
        entries = client.get("/v1/me/lists", headers=me).json()["entries"]
        (entry,) = [e for e in entries if e["rule"] == "defaulter.court_listing"]
        return list(entry["restricts"])

    entry = _entry(factory, "defaulter.court_listing")
    assert (entry.state, str(entry.starts_on)) == ("active", "2025-02-13")
    assert not _check(client, hotel, PERSON, "air_travel")
    assert shown() == []
    at("2025-02-13")
    assert _check(client, hotel, PERSON, "air_travel")
    assert "air_travel" in shown()

    # past its scheduled end, before any refresh: the check and the view both say nothing
    at("2025-01-10")
    post(client, regulator, penalty("p-1", "2025-01-02", "serious"))
    refresh(factory)
    at("2028-01-03")
    assert not _check(client, hotel, ORG, FOOD_ACTIVITY)
    (theirs,) = client.get("/v1/me/lists", headers=token(factory, ORG)).json()["entries"]
    # as the refresh will record it: ended on its scheduled end because its term ended
    assert (theirs["state"], theirs["removal_reason"], theirs["restricts"]) == (
        "ended", "term_expired", [],
    )
    assert theirs["ended_on"] == theirs["scheduled_end"]
    assert _public(client) == []
