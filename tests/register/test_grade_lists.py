"""The public grade reads only public lists and follows the defaulter list entry.

Through the real interfaces: a court furnishes records (``POST /v1/records``), the lists are
refreshed, the operator publishes (``POST /v1/admin/register/publish``), and the grade is
read back from ``/v1/public/organisations/{uscc}``, the page ``/org/{uscc}`` and the
open-data export. The red list is not public for organisations, so it never reaches the
grade; the -40 of a defaulter listing counts exactly while the organisation's list entry
is in force (ended by a fulfilment, never for a listing credo refused, ended by an
overturning review) and until that entry ends.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.ledgers.policy import PolicyError
from credo.lists import service as lists
from credo.lists.rules import LISTING_RULE
from credo.register import export
from credo.register.policy import DEFAULT_FILE, parse, public_lists
from credo.subjects import tokens
from tests.register.fixtures import TODAY, Registry, get_json
from tests.web.seed import ORGS

PHARMACY = "91440300708461136T"  # the seed's city commendation puts it on the red list
HARBOUR = "91310000631254550N"  # no court record in the seed
CASE = "(2026)沪0101执77"
GOOD = DEFAULT_FILE.read_text(encoding="utf-8")


def _rules(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["rule"]: r for r in body["grade"]["reasons"]}


def _exported(factory: sessionmaker[Session], folder: Path, uscc: str) -> dict[str, Any]:
    with factory() as s, s.begin():
        manifest = export.export(session=s, folder=folder)
    cursor = duckdb.connect().execute(
        f"SELECT * FROM read_parquet('{Path(manifest['path']) / 'organisations.parquet'}') "
        "WHERE uscc = ?",
        [uscc],
    )
    columns = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    assert row is not None
    return dict(zip(columns, row, strict=True))


def _publish(api: TestClient, registry: Registry) -> None:
    r = api.post("/v1/admin/register/publish", headers=registry.operator)
    assert r.status_code == 200, r.text
    assert r.json()["organisations"] == len(ORGS)


def _refresh(factory: sessionmaker[Session]) -> None:
    """The lists' refresh step (``credo lists refresh``; additions wait for it)."""
    with factory() as s, s.begin():
        lists.refresh_lists(session=s, as_of=clock.today())


def _furnish(api: TestClient, court: dict[str, Any], *envelopes: dict[str, Any]) -> None:
    r = api.post("/v1/records", json={"records": list(envelopes)}, headers=court["headers"])
    assert r.status_code == 200, r.text
    assert {x["status"] for x in r.json()["results"]} == {"accepted"}, r.text


def _court(external_id: str, category: str, days_ago: int, **fields: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "category": category,
        "subject": {"scheme": "cn_uscc", "id": HARBOUR, "name": ORGS[HARBOUR]},
        "occurred_on": (TODAY - dt.timedelta(days=days_ago)).isoformat(),
        "legal_basis": "Civil Procedure Law art. 255",
        "fields": {"case_number": CASE, **fields},
    }


def _judgment() -> dict[str, Any]:
    due = (TODAY - dt.timedelta(days=250)).isoformat()
    return _court(
        "j-1",
        "court.judgment",
        300,
        court_name="Huangpu Court",
        judgment_type="monetary",
        due_on=due,
    )


def _listing(days_ago: int = 100) -> dict[str, Any]:
    return _court(
        "l-1", "court.listing", days_ago, court_name="Huangpu Court", ground="evading_execution"
    )


def _entry(api: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """The organisation's own defaulter listing entry, as it reads it (``/v1/me/lists``)."""
    mine = get_json(api, "/v1/me/lists", headers=headers)["entries"]
    (entry,) = [e for e in mine if e["rule"] == LISTING_RULE and e["ref"] == CASE]
    return entry


@pytest.fixture
def harbour(factory: sessionmaker[Session], registry: Registry) -> dict[str, str]:
    """A subject token for Shanghai Harbour Construction (its own lists and reviews)."""
    with factory() as s, s.begin():
        _, token, _ = tokens.issue(session=s, scheme="cn_uscc", value=HARBOUR, days=30)
    return {"Authorization": f"Bearer {token}"}


# --- 1. the red list is not public for organisations -------------------------------------


def test_red_list_is_in_no_public_grade_page_or_export(
    api: TestClient, factory: sessionmaker[Session], registry: Registry, tmp_path: Path
) -> None:
    assert "red" not in public_lists() and {"defaulter", "serious_violator"} <= public_lists()
    red = get_json(api, "/v1/admin/lists/red?state=active", headers=registry.operator)
    assert red["total"] >= 1  # the pharmacy is on the red list (the test bites)
    body = get_json(api, f"/v1/public/organisations/{PHARMACY}")
    assert body["lists"] == []
    rules = _rules(body)
    assert not any(r.startswith("list:") for r in rules), rules
    assert set(rules) == {"commendation_city"}  # the commendation counts by its own rule
    assert body["grade"]["score"] == round(100 + rules["commendation_city"]["counted"])
    page = api.get(f"/org/{PHARMACY}")
    assert page.status_code == 200
    assert "On the red list" not in page.text and "list entry" not in page.text
    row = _exported(factory, tmp_path, PHARMACY)
    assert row["lists"] == "" and json.loads(row["grade_reasons"]) == body["grade"]["reasons"]
    assert "list:red" not in row["grade_reasons"] and row["grade_score"] == body["grade"]["score"]


def test_a_policy_cannot_count_a_list_that_is_not_public() -> None:
    with_red = GOOD.replace(
        "# --- safety ratings",
        '[[lists]]\nlist = "red"\npoints = 5\ndescription = "On the red list"\n\n'
        "# --- safety ratings",
    )
    with pytest.raises(PolicyError) as caught:
        parse(with_red, "g.toml")
    line = with_red.splitlines().index('list = "red"')  # the [[lists]] line above it
    assert f"g.toml:{line}:" in caught.value.message
    assert "list 'red' is not public for organisations" in caught.value.message
    red_rule = GOOD.replace('while_listed = "defaulter"', 'while_listed = "red"')
    with pytest.raises(PolicyError) as caught:
        parse(red_rule, "g.toml")
    assert "while_listed 'red' is not public for organisations" in caught.value.message
    unknown = GOOD.replace('while_listed = "defaulter"', 'while_listed = "blacklist"')
    with pytest.raises(PolicyError) as caught:
        parse(unknown, "g.toml")
    assert "while_listed 'blacklist' is not one of the public lists" in caught.value.message


def test_while_listed_takes_no_months_or_ends_with() -> None:
    both = GOOD.replace(
        'while_listed = "defaulter"',
        'while_listed = "defaulter"\nmonths = 60\n'
        'ends_with = { category = "court.delisting", field = "case_number" }',
    )
    with pytest.raises(PolicyError) as caught:
        parse(both, "g.toml")
    lines = both.splitlines()
    at = lines.index('while_listed = "defaulter"') + 2  # the months line after it
    assert lines[at - 1] == "months = 60"
    assert caught.value.message.startswith(f"g.toml:{at}: rule 'defaulter_listing': months")
    reasons = " ".join(d["reason"] for d in caught.value.details)
    assert "months does not apply with while_listed" in reasons
    assert "ends_with does not apply with while_listed" in reasons


# --- 2. the defaulter penalty follows the list entry ---------------------------------------


def _listed(
    api: TestClient,
    court: dict[str, Any],
    registry: Registry,
    factory: sessionmaker[Session],
    harbour: dict[str, str],
) -> dict[str, Any]:
    """Harbour is warned of a judgment left unfulfilled past its due date (a refresh 120 days
    ago), then listed (100 days ago); the grade counts the listing -40 until the entry's
    scheduled end, and the defaulter list -10."""
    clock.freeze(dt.datetime.combine(TODAY - dt.timedelta(days=120), dt.time(12), dt.UTC))
    _furnish(api, court, _judgment())
    _refresh(factory)  # the pending listing, and the warning before listing
    clock.freeze(dt.datetime.combine(TODAY, dt.time(12), dt.UTC))
    _furnish(api, court, _listing())
    _refresh(factory)
    _publish(api, registry)
    entry = _entry(api, harbour)
    assert entry["state"] == "active" and entry["scheduled_end"] is not None
    body = get_json(api, f"/v1/public/organisations/{HARBOUR}")
    rules = _rules(body)
    listing = rules["defaulter_listing"]
    assert listing["points"] == -40 and listing["counted"] == -40.0
    assert listing["counts_until"] == entry["scheduled_end"]  # the entry's end, no other
    assert listing["record_id"] in entry["record_ids"]
    assert rules["list:defaulter"]["counted"] == -10.0
    assert [e["list"] for e in body["lists"]] == ["defaulter"]
    return entry


def _not_counted(api: TestClient, factory: sessionmaker[Session], tmp_path: Path) -> None:
    body = get_json(api, f"/v1/public/organisations/{HARBOUR}")
    rules = _rules(body)
    assert "defaulter_listing" not in rules and "list:defaulter" not in rules, rules
    assert body["lists"] == []
    page = api.get(f"/org/{HARBOUR}")
    assert page.status_code == 200
    assert "listed the organisation as a judgment defaulter" not in page.text
    row = _exported(factory, tmp_path, HARBOUR)
    assert "defaulter" not in row["grade_reasons"] and row["lists"] == ""
    assert row["grade_score"] == body["grade"]["score"]


def test_a_fulfilled_judgment_ends_the_listing_penalty(
    api: TestClient,
    court: dict[str, Any],
    registry: Registry,
    factory: sessionmaker[Session],
    harbour: dict[str, str],
    tmp_path: Path,
) -> None:
    _listed(api, court, registry, factory, harbour)
    page = api.get(f"/org/{HARBOUR}")
    assert "listed the organisation as a judgment defaulter" in page.text
    _furnish(api, court, _court("f-1", "court.fulfilment", 1))  # removals apply at once
    _publish(api, registry)
    entry = _entry(api, harbour)
    assert entry["state"] == "ended" and entry["removal_reason"] == "fulfilled"
    _not_counted(api, factory, tmp_path)
    assert "court_judgment" not in _rules(get_json(api, f"/v1/public/organisations/{HARBOUR}"))


def test_a_listing_credo_refused_never_counts(
    api: TestClient,
    court: dict[str, Any],
    registry: Registry,
    factory: sessionmaker[Session],
    harbour: dict[str, str],
    tmp_path: Path,
) -> None:
    _furnish(api, court, _listing())  # no judgment fell due before it: no prior warning
    _refresh(factory)
    _publish(api, registry)
    entry = _entry(api, harbour)
    assert entry["state"] == "refused" and entry["removal_reason"] == "no_prior_warning"
    _not_counted(api, factory, tmp_path)


def test_a_listing_overturned_on_review_stops_counting(
    api: TestClient,
    court: dict[str, Any],
    registry: Registry,
    factory: sessionmaker[Session],
    harbour: dict[str, str],
    tmp_path: Path,
) -> None:
    entry = _listed(api, court, registry, factory, harbour)
    r = api.post(
        "/v1/me/reviews",
        headers=harbour,
        json={"decision_id": f"entry:{entry['id']}", "reason": "Paid in March."},
    )
    assert r.status_code == 201, r.text
    r = api.post(
        f"/v1/admin/reviews/{r.json()['id']}",
        headers=registry.operator,
        json={"outcome": "overturned", "note": "The court's records show payment."},
    )
    assert r.status_code == 200, r.text
    _refresh(factory)  # a refresh keeps an overturned entry ended
    _publish(api, registry)
    after = _entry(api, harbour)
    assert after["state"] == "ended" and after["removal_reason"] == "overturned_on_review"
    _not_counted(api, factory, tmp_path)


def test_an_extended_listing_counts_once_until_its_extended_end(
    api: TestClient,
    court: dict[str, Any],
    registry: Registry,
    factory: sessionmaker[Session],
    harbour: dict[str, str],
) -> None:
    _listed(api, court, registry, factory, harbour)
    again = _court(
        "l-2",
        "court.listing",
        10,
        court_name="Huangpu Court",
        ground="obstructing_execution",
        term_months=12,
    )
    _furnish(api, court, again)
    _refresh(factory)
    _publish(api, registry)
    entry = _entry(api, harbour)
    rules = [
        r
        for r in get_json(api, f"/v1/public/organisations/{HARBOUR}")["grade"]["reasons"]
        if r["rule"] == "defaulter_listing"
    ]
    assert len(rules) == 1 and rules[0]["counts_until"] == entry["scheduled_end"]
    assert entry["basis"]["extensions"]
