"""What a notice says is true on the day the person reads it: dates, restrictions, deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.lists import service as lists
from credo.lists.models import ListEntry
from tests.lists.conftest import at, judgment, listing, refresh, token
from tests.notices.helpers import post, subject_id

CASE = "(2025)京0105民初9号"


def test_a_listing_told_before_it_takes_effect_says_from_when_it_restricts(
    client: TestClient, factory: sessionmaker[Session], court: dict[str, Any]
) -> None:
    at("2025-03-05")
    post(
        client,
        court,
        judgment("j-1", CASE, "2025-01-05", "2025-02-01"),
        listing("l-1", CASE, "2025-03-01"),
    )
    refresh(factory)  # warned only now: the listing takes effect ten days later
    sid = subject_id(factory)
    with factory() as s:
        entry = s.scalars(select(ListEntry).where(ListEntry.rule_id == "defaulter.court_listing"))
        assert entry.one().starts_on == dt.date(2025, 3, 15)
        for day, restricted in (("2025-03-05", False), ("2025-03-15", True)):
            on = dt.date.fromisoformat(day)
            answer = lists.is_restricted(session=s, subject_id=sid, activity="air_travel", on=on)
            assert answer[0] is restricted
    notices = client.get("/v1/me/notices", headers=token(factory)).json()["notices"]
    (entered,) = [n for n in notices if n["kind"] == "listing.entered"]
    # read on 2025-03-05, when the person may still fly: say from when it restricts
    assert "From 2025-03-15" in entered["means"], entered["means"]
    assert "refuse you flying" in entered["means"]


def test_a_dispute_notice_says_what_an_unanswered_deadline_does_and_what_deletion_does(
    client: TestClient, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    from credo.records.models import Record
    from credo.rights import disputes
    from tests.envelopes import repayment

    at("2026-03-10")
    post(client, bank, repayment("r-1"))
    me = token(factory)
    with factory() as s:
        rid = s.scalar(select(Record.id).where(Record.external_id == "r-1"))
    opened = client.post(
        "/v1/me/disputes", json={"record_id": rid, "reason": "not mine"}, headers=me
    )
    assert opened.status_code == 201, opened.text
    deadline = opened.json()["deadline"]
    (told,) = client.get("/v1/me/notices", headers=me).json()["notices"]
    assert f"must answer by {deadline}" in told["what"]
    # the deadline's consequence, which the sweep carries out the day after it
    assert "If it does not, the record is deleted" in told["what"], told["what"]

    at((dt.date.fromisoformat(deadline) + dt.timedelta(days=1)).isoformat())
    with factory() as s, s.begin():
        assert len(disputes.sweep(session=s)) == 1
    lapsed = client.get("/v1/me/notices", headers=me).json()["notices"][0]
    assert "in time, so the record was deleted" in lapsed["what"]
    # a deleted record has no "new version": it is no longer used at all
    assert "old version" not in lapsed["means"], lapsed["means"]
    assert "no longer used" in lapsed["means"]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_proof_decision_is_told_in_words_with_what_to_do_next(
    client: TestClient, factory: sessionmaker[Session], court: dict[str, Any]
) -> None:
    from credo.records.models import Record

    case = "(2025)京0105执8号"
    at("2025-01-10")
    post(
        client,
        court,
        judgment("j-1", case, "2024-11-01", "2024-12-01"),
        listing("l-1", case, "2025-01-05"),
    )
    refresh(factory, "2025-01-10")
    me = token(factory)
    with factory() as s:
        rid = s.scalar(select(Record.id).where(Record.external_id == "l-1"))

    def decided(outcome: str, note: str) -> dict[str, Any]:
        sent = client.post(
            "/v1/me/proofs",
            headers=me,
            data={"record_id": str(rid), "note": "Paid in full"},
            files={"document": ("receipt", PDF, "application/pdf")},
        )
        assert sent.status_code == 201, sent.text
        answer = client.post(
            f"/v1/furnisher/proofs/{sent.json()['id']}",
            headers=court["headers"],
            json={"outcome": outcome, "note": note},
        )
        assert answer.status_code == 200, answer.text
        notices = client.get("/v1/me/notices", headers=me).json()["notices"]
        return next(n for n in notices if n["kind"] == "proof.decided")

    rejected = decided("rejected", "no payment reached the court")
    assert rejected["title"] == "Your proof of fulfilment was decided"  # not "Notice: proof..."
    assert "was rejected" in rejected["what"] and "l-1" in rejected["what"]
    assert "no payment reached the court" in rejected["why"]
    assert "nothing changes" in rejected["means"].lower()
    assert "new proof" in rejected["can_do"]
    accepted = decided("accepted", "payment confirmed")
    assert "was accepted" in accepted["what"]
    assert "ends at once" in accepted["means"]
    assert client.get("/v1/me/lists", headers=me).json()["restrictions"] == []


def test_a_deleted_record_is_told_as_gone_not_as_a_new_version(
    client: TestClient, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    from tests.envelopes import repayment

    at("2026-03-10")
    post(client, bank, repayment("r-1"))
    me = token(factory)
    deleted = client.delete("/v1/records/r-1", headers=bank["headers"])
    assert deleted.status_code == 200, deleted.text
    (told,) = client.get("/v1/me/notices", headers=me).json()["notices"]
    assert told["kind"] == "record.changed" and "deleted record r-1" in told["what"]
    assert "new version" not in told["means"], told["means"]
    assert "no longer used" in told["means"]


def test_a_corrected_record_names_no_furnisher_id(
    client: TestClient, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    from tests.envelopes import repayment

    at("2026-03-10")
    post(client, bank, repayment("r-1"))
    me = token(factory)
    corrected = client.put(
        "/v1/records/r-1", json=repayment("r-1", amount="1100.00"), headers=bank["headers"]
    )
    assert corrected.status_code == 200, corrected.text
    (told,) = client.get("/v1/me/notices", headers=me).json()["notices"]
    assert told["kind"] == "record.changed"
    assert bank["id"] not in told["what"] and "fur_" not in told["what"], told["what"]
    # named by its name, which the record's notice now carries (furnisher_name)
    assert told["what"] == "Bank Seven corrected record r-1 (loan repayment)."
