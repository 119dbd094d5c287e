"""A listing in force that turns refused (the judgment that warned was deleted) lifts its
restrictions at once, and the subject is told so, as for an ending (review 3)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.lists.models import ListEntry
from credo.notices.models import Notice
from tests.lists.conftest import at, judgment, listing, post, refresh


def _entry(factory: sessionmaker[Session]) -> ListEntry:
    with factory() as s:
        query = select(ListEntry).where(ListEntry.rule_id == "defaulter.court_listing")
        return s.execute(query).scalar_one()


def test_a_listing_refused_after_its_warning_is_deleted_is_told_as_lifted(
    client: TestClient, court: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    at("2025-02-05")
    post(client, court, judgment("j-1", "C-5", "2025-01-01", "2025-02-01"))
    refresh(factory)
    at("2025-03-05")
    post(client, court, listing("l-1", "C-5", "2025-03-01"))
    refresh(factory)
    assert _entry(factory).state == "active"
    assert client.delete("/v1/records/j-1", headers=court["headers"]).status_code == 200
    entry = _entry(factory)
    assert (entry.state, entry.removal_reason) == ("refused", "no_prior_warning")
    with factory() as s:
        notices = list(s.execute(select(Notice).order_by(Notice.id)).scalars())
    lifted = [n for n in notices if n.kind == "restriction.lifted"]
    assert len(lifted) == 1, [n.kind for n in notices]
    payload = json.loads(lifted[0].payload)
    assert payload["reason"] == "no_prior_warning" and payload["restricts"]
