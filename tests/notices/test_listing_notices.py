"""A listing is warned of first: inbox and e-mail, at least CREDO_LISTING_NOTICE_DAYS before it
takes effect; unwarned, it does not take effect; lifted, the person is told."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.lists import service as lists
from credo.lists.models import ListEntry
from credo.notices.delivery import Worker
from tests.lists.conftest import at, court_record, judgment, listing, refresh, token
from tests.notices.conftest import SmtpServer
from tests.notices.helpers import ADDRESS, idp, post, subject_id, verification

CASE = "(2025)京0105民初7号"


def _listing(factory: sessionmaker[Session]) -> ListEntry:
    with factory() as s:
        return s.scalars(
            select(ListEntry).where(ListEntry.rule_id == "defaulter.court_listing")
        ).one()


def _restricted(factory: sessionmaker[Session], sid: int, on: str) -> bool:
    with factory() as s:
        day = dt.date.fromisoformat(on)
        return lists.is_restricted(session=s, subject_id=sid, activity="air_travel", on=day)[0]


def test_warning_by_email_and_inbox_before_the_listing_takes_effect_then_lifted(
    client: TestClient,
    factory: sessionmaker[Session],
    court: dict[str, Any],
    smtp: SmtpServer,
    worker: Worker,
) -> None:
    at("2025-01-10")
    post(client, idp(factory), verification())
    post(client, court, judgment("j-1", CASE, "2025-01-05", "2025-02-01"))
    sid = subject_id(factory)
    at("2025-02-03")
    refresh(factory)  # the judgment is overdue: a warning goes out (inbox now, e-mail queued)
    me = token(factory)
    (warning,) = client.get("/v1/me/notices", headers=me).json()["notices"]
    assert warning["kind"] == "listing.warning" and warning["email"]["state"] == "pending"
    assert "flying" in warning["means"] and "2025-02-13" in warning["means"]
    assert CASE in warning["why"] and "Civil Procedure Law" in warning["why"]
    assert "Pay or fulfil the judgment" in warning["can_do"]

    at("2025-02-05")
    post(client, court, listing("l-1", CASE, "2025-02-04"))
    refresh(factory)  # the court lists; the warning e-mail is not delivered yet
    entry = _listing(factory)
    assert entry.state == "pending" and "not been delivered" in json.loads(entry.basis)["held"]
    assert not _restricted(factory, sid, "2025-02-05")
    # the portal says why it is not in force: the warning is not delivered (not its term)
    from tests.web.conftest import signin_data

    raw = me["Authorization"].removeprefix("Bearer ")
    signed = client.post("/me/signin", data=signin_data(client, "me", token=raw))
    assert signed.status_code == 200 and "My file" in signed.text  # followed to /me
    portal = " ".join(client.get("/me").text.split())
    assert "Not in force: the warning before listing has not been delivered" in portal

    worker.run_once()  # the e-mail goes out on 2025-02-05
    (mail,) = smtp.sink.messages
    assert mail["To"] == ADDRESS and mail["Subject"].startswith("Warning: you may be put on")
    assert "takes effect no earlier than 2025-02-13" in smtp.sink.body(mail)

    at("2025-02-06")
    refresh(factory)
    entry = _listing(factory)
    basis = json.loads(entry.basis)
    assert entry.state == "active" and entry.starts_on == dt.date(2025, 2, 15)
    assert basis["warning_delivered_on"] == "2025-02-05" and basis["listed_on"] == "2025-02-04"
    assert not _restricted(factory, sid, "2025-02-14")  # ten full days after the warning
    assert _restricted(factory, sid, "2025-02-15")
    kinds = [n["kind"] for n in client.get("/v1/me/notices", headers=me).json()["notices"]]
    assert kinds == ["listing.entered", "listing.warning"]
    worker.run_once()
    entered = smtp.sink.messages[-1]
    body = smtp.sink.body(entered)
    assert "judgment defaulters" in entered["Subject"] and "2025-02-15" in body
    assert "Fulfil the judgment" in body

    at("2025-03-01")
    post(client, court, court_record("court.fulfilment", "f-1", CASE, "2025-03-01"))
    assert not _restricted(factory, sid, "2025-03-01")
    notices = client.get("/v1/me/notices", headers=me).json()["notices"]
    lifted = notices[0]
    assert lifted["kind"] == "restriction.lifted" and "2025-03-01" in lifted["what"]
    assert "You may again use flying" in lifted["means"]
    worker.run_once()
    assert smtp.sink.messages[-1]["Subject"].startswith("You are no longer on")
    assert len(smtp.sink.unique()) == len(smtp.sink.messages) == 3  # each sent once


def test_without_an_address_the_inbox_warning_starts_the_notice_period(
    client: TestClient, factory: sessionmaker[Session], court: dict[str, Any]
) -> None:
    at("2025-03-05")
    post(
        client,
        court,
        judgment("j-1", CASE, "2025-01-05", "2025-02-01"),
        listing("l-1", CASE, "2025-03-01"),
    )
    refresh(factory)  # warned only now, in the inbox: the court's date is too early
    entry = _listing(factory)
    assert entry.state == "active" and entry.starts_on == dt.date(2025, 3, 15)
    sid = subject_id(factory)
    assert not _restricted(factory, sid, "2025-03-14")
    assert _restricted(factory, sid, "2025-03-15")
    kinds = {
        n["kind"] for n in client.get("/v1/me/notices", headers=token(factory)).json()["notices"]
    }
    assert kinds == {"listing.warning", "listing.entered"}
    assert refresh(factory)["changed"] == 0  # nothing more to do; no notice twice
    # the warning names the judgment's due day (not the listing's) and says the court has
    # already ordered the listing: "you may be put on" would be untrue
    (warning,) = [
        n
        for n in client.get("/v1/me/notices", headers=token(factory)).json()["notices"]
        if n["kind"] == "listing.warning"
    ]
    assert "fell due on 2025-02-01" in warning["what"]
    assert "The court ordered your listing on 2025-03-01" in warning["what"]
    assert warning["title"].startswith("Warning: a court has ordered you put on the list")
    assert "takes effect on 2025-03-15 at the earliest" in warning["means"]


def test_an_email_warning_that_cannot_go_leaves_the_inbox_copy_as_the_delivery(
    client: TestClient,
    factory: sessionmaker[Session],
    court: dict[str, Any],
    smtp: SmtpServer,
    worker: Worker,
) -> None:
    """The contact address is removed before the warning e-mail goes (skipped): the inbox
    copy the person has is the delivery, so the listing is not held pending for ever."""
    at("2025-01-10")
    identity = idp(factory)
    post(client, identity, verification())
    post(client, court, judgment("j-1", CASE, "2025-01-05", "2025-02-01"))
    at("2025-02-03")
    refresh(factory)  # inbox copy now, e-mail queued
    deleted = client.delete("/v1/records/idv-1", headers=identity["headers"])
    assert deleted.status_code == 200, deleted.text
    worker.run_once()  # no address any more: the e-mail is skipped
    assert smtp.sink.messages == []
    at("2025-02-05")
    post(client, court, listing("l-1", CASE, "2025-02-04"))
    refresh(factory)
    entry = _listing(factory)
    basis = json.loads(entry.basis)
    assert entry.state == "active", basis
    assert basis["warning_delivered_on"] == "2025-02-03"
    assert entry.starts_on == dt.date(2025, 2, 13)
    sid = subject_id(factory)
    assert not _restricted(factory, sid, "2025-02-12") and _restricted(factory, sid, "2025-02-13")
