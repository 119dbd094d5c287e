"""Listing terms: a further court.listing on the same case extends the entry (SPC rule:
one to three years on aggravation), logged with its basis; the subject sees the new end."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit
from credo.lists import rules as R
from tests.lists.conftest import at, judgment, listing, post, refresh, token

CASE = "(2025)京0105执1号"


def _listing_entry(client: Any, me: dict[str, str]) -> dict[str, Any]:
    (entry,) = [
        e
        for e in client.get("/v1/me/lists", headers=me).json()["entries"]
        if e["rule"] == R.LISTING_RULE
    ]
    return entry


def test_a_further_listing_extends_the_entry(
    client: Any, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-01-10")
    post(
        client,
        court,
        judgment("j-1", CASE, "2024-11-01", "2024-12-01"),
        listing("l-1", CASE, "2025-01-05", ground="false_asset_report"),
    )
    refresh(factory, "2025-01-10")
    me = token(factory)
    first = _listing_entry(client, me)
    assert (first["state"], first["scheduled_end"]) == ("active", "2027-01-05")

    at("2025-06-01")
    post(client, court, listing("l-2", CASE, "2025-06-01", "obstructing_execution", term_months=18))
    refresh(factory, "2025-06-01")
    extended = _listing_entry(client, me)
    assert extended["state"] == "active"
    assert extended["scheduled_end"] == "2028-07-05"  # 2027-01-05 + 18 months
    (ext,) = extended["basis"]["extensions"]
    assert ext["months"] == 18 and "listed you again" in ext["basis"]
    assert "extended 1 time(s)" in extended["basis"]["term"]
    with factory() as s:
        changed = [
            json.loads(e.payload)
            for e in audit.iter_entries(s)
            if e.event_type == "list.changed"
        ]
    assert changed[-1]["scheduled_end"] == "2028-07-05"
    assert "listed you again" in changed[-1]["term"]

    # out-of-range extensions are clamped to 12-36 months; no term means 12
    at("2025-07-02")
    post(client, court, listing("l-3", CASE, "2025-07-01", "obstructing_execution", term_months=60))
    post(client, court, listing("l-4", CASE, "2025-07-02", "evading_execution"))
    refresh(factory, "2025-07-02")
    again = _listing_entry(client, me)
    assert [e["months"] for e in again["basis"]["extensions"]] == [18, 36, 12]
    assert again["scheduled_end"] == "2032-07-05"


def test_extension_term_is_pure() -> None:
    assert R.extension_term(None)[0] == 12
    assert R.extension_term(6) == (12, R.extension_term(6)[1])
    assert R.extension_term(24)[0] == 24
    assert R.extension_term(60)[0] == 36
