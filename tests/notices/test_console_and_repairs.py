"""The operator sees undeliverable notices in the console and sends one again; an
organisation hears the decision on its credit-repair application."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from credo.notices import outbox
from credo.notices.models import Notice
from tests.envelopes import ORG
from tests.lists.conftest import at, penalty, refresh, token
from tests.notices.helpers import post
from tests.web.conftest import csrf_of, signin_data

OPERATOR = {"Authorization": "Bearer op-test-key-0123456789"}


def test_the_console_lists_undeliverable_notices_and_sends_one_again(
    client: TestClient, factory: sessionmaker[Session], settings: Any
) -> None:
    with factory() as s, s.begin():
        n = outbox.enqueue(
            session=s, kind="dispute.opened", recipient_type="furnisher", recipient_id="fur_x",
            payload={}, idempotency_key="dispute/9/furnisher", channel="webhook",
        )  # fmt: skip
        n.state, n.attempts, n.last_error = "undeliverable", 8, "ConnectTimeout: timed out"
        notice_id = n.id
    signed = client.post(
        "/admin/signin",
        data=signin_data(client, "admin", key="op-test-key-0123456789"),
        follow_redirects=False,
    )
    assert signed.status_code == 303
    page = client.get("/admin")
    assert "Undeliverable notices" in page.text and "ConnectTimeout: timed out" in page.text
    assert "furnisher fur_x" in page.text
    again = client.post(
        f"/admin/notices/{notice_id}/retry", data={"csrf": csrf_of(page.text)},
        follow_redirects=False,
    )  # fmt: skip
    assert again.status_code == 303
    with factory() as s:
        row = s.get(Notice, notice_id)
        assert row is not None and (row.state, row.attempts) == ("pending", 0)
    assert "Every notice was delivered" in client.get("/admin").text


def test_an_organisation_hears_its_repair_decision(
    client: TestClient, factory: sessionmaker[Session], regulator: dict[str, Any], settings: Any
) -> None:
    at("2025-01-10")
    post(client, regulator, penalty("p-1", "2025-01-02", "serious"))
    refresh(factory)
    me = token(factory, ORG)
    entered = client.get("/v1/me/notices", headers=me).json()["notices"]
    assert [n["kind"] for n in entered] == ["listing.entered"]
    assert "serious violators" in entered[0]["title"]
    entry_id = client.get("/v1/me/lists", headers=me).json()["entries"][0]["id"]
    at("2026-01-05")
    applied = client.post(
        "/v1/me/repairs", json={"entry_id": entry_id, "statement": "fine paid"}, headers=me
    )
    assert applied.status_code == 201, applied.text
    decided = client.post(
        f"/v1/admin/repairs/{applied.json()['id']}", json={"decision": "approve"},
        headers=OPERATOR,
    )  # fmt: skip
    assert decided.status_code == 200, decided.text
    notices = client.get("/v1/me/notices", headers=me).json()["notices"]
    latest = notices[0]
    assert latest["kind"] == "repair.decided" and "approved your application" in latest["what"]
    # the entry's end is told as every other end is, with what it no longer restricts
    lifted = [n for n in notices if n["kind"] == "restriction.lifted"]
    assert len(lifted) == 1, [n["kind"] for n in notices]
    assert "credit-repair application was approved" in lifted[0]["why"]
    decided_again = client.post(
        f"/v1/admin/repairs/{applied.json()['id']}", json={"decision": "approve"},
        headers=OPERATOR,
    )  # fmt: skip
    assert decided_again.status_code == 409
    again = client.get("/v1/me/notices", headers=me).json()["notices"]
    assert len(again) == len(notices)
