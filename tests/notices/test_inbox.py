"""The inbox and what fills it: read marks, opt-in inquiry notices, consents ending,
corrections, reviews; contact details in the report; the operator's failed list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.access import consents, parties
from credo.access.models import Inquiry
from credo.access.notify import SWEEPS
from credo.core import clock
from credo.notices.delivery import Worker
from credo.rights import reviews
from credo.rights.models import Review
from credo.subjects import tokens
from tests.envelopes import PERSON, repayment
from tests.notices.conftest import SmtpServer
from tests.notices.helpers import ADDRESS, idp, post, subject_id, verification

T0 = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
OPERATOR = {"Authorization": "Bearer op-test-key-0123456789"}


def _me(factory: sessionmaker[Session]) -> dict[str, str]:
    with factory() as s, s.begin():
        _, text, _ = tokens.issue(session=s, scheme="cn_ric", value=PERSON, days=30)
    return {"Authorization": f"Bearer {text}"}


def _kinds(client: TestClient, me: dict[str, str]) -> list[str]:
    return [n["kind"] for n in client.get("/v1/me/notices", headers=me).json()["notices"]]


def test_inbox_reads_marks_and_shows_contact_details_in_the_report(
    client: TestClient, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    clock.freeze(T0)
    checker = idp(factory)
    post(client, checker, verification())
    post(client, bank, repayment("r-1"))
    me = _me(factory)
    fixed = repayment("r-1", amount="1300.00")
    fixed.pop("external_id")
    assert client.put("/v1/records/r-1", json=fixed, headers=bank["headers"]).status_code == 200
    body = client.get("/v1/me/notices", headers=me).json()
    (notice,) = body["notices"]
    assert notice["kind"] == "record.changed" and "corrected record r-1" in notice["what"]
    assert body["unread"] == 1 and body["contact"]["email"] == ADDRESS
    assert client.post(f"/v1/me/notices/{notice['id']}/read", headers=me).status_code == 204
    assert client.get("/v1/me/notices", headers=me).json()["unread"] == 0
    other = client.post(f"/v1/me/notices/{notice['id'] + 1000}/read", headers=me)
    assert other.status_code == 404
    report = client.get("/v1/me/report", headers=me).json()
    assert report["contact"]["email"] == ADDRESS
    assert "notices and sign-in links only" in report["contact"]["used_for"]
    # the address goes with its record: deleted, it is no longer held or used
    assert client.delete("/v1/records/idv-1", headers=checker["headers"]).status_code == 200
    assert client.get("/v1/me/report", headers=me).json()["contact"]["email"] is None


def test_an_opted_in_subject_hears_of_every_inquiry_and_of_consents_ending(
    client: TestClient,
    factory: sessionmaker[Session],
    bank: dict[str, Any],
    smtp: SmtpServer,
    worker: Worker,
) -> None:
    clock.freeze(T0)
    post(client, bank, repayment("r-1"))
    me = _me(factory)
    sid = subject_id(factory)
    with factory() as s, s.begin():
        party, _ = parties.add(
            session=s, name="Car Rental", activities=["air_travel"], purposes=["fast_checkout"]
        )
        program = parties.add_program(
            session=s,
            party=party,
            name="no deposit",
            purpose="fast_checkout",
            benefit="no deposit",
            conditions=[{"score_at_least": 600}],
        )
        consent = consents.grant(
            session=s,
            subject_id=sid,
            program_id=program.id,
            expires_on=T0.date() + dt.timedelta(days=5),
        )
        party_id = party.id
    worker.sweeps = SWEEPS

    def inquiry(n: int) -> None:
        with factory() as s, s.begin():
            s.add(Inquiry(
                decision_id=f"dec_{n}", at=clock.now(), party_id=party_id, subject_id=sid,
                kind="eligibility", purpose="fast_checkout", program_id=program.id,
                consent_id=consent.id, answer=False, reason="score below 600", inputs="{}",
            ))  # fmt: skip

    clock.freeze(T0 - dt.timedelta(minutes=1))
    inquiry(1)  # before opting in: no notice
    clock.freeze(T0)
    assert client.put(
        "/v1/me/notices/preferences", json={"inquiries": True}, headers=me
    ).json() == {"inquiries": True}
    clock.freeze(T0 + dt.timedelta(minutes=1))
    inquiry(2)
    assert worker.sweep() == 2
    assert worker.sweep() == 0  # swept again: nothing twice
    notices = client.get("/v1/me/notices", headers=me).json()["notices"]
    by_kind = {n["kind"]: n for n in notices}
    assert set(by_kind) == {"inquiry.made", "consent.expiring"}
    assert "Car Rental asked about you" in by_kind["inquiry.made"]["what"]
    assert "The party was told: no" in by_kind["inquiry.made"]["means"]
    assert "2026-03-15" in by_kind["consent.expiring"]["what"]
    # the program by name, never its program:prg_… scope or id
    assert "for its program no deposit ends" in by_kind["consent.expiring"]["what"]
    inquiry_text = by_kind["inquiry.made"]["what"]
    assert "(whether you are eligible for its program no deposit)" in inquiry_text
    client.put("/v1/me/notices/preferences", json={"inquiries": False}, headers=me)
    inquiry(3)
    assert worker.sweep() == 0


def test_a_sweep_counts_subjects_notified_and_builds_nothing_twice(
    client: TestClient, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    from sqlalchemy import event

    from credo.access import notify
    from credo.notices.models import Notice, NoticePreference

    clock.freeze(T0)
    post(client, idp(factory), verification())  # the subject has an e-mail address too
    post(client, bank, repayment("r-1"))
    sid = subject_id(factory)
    with factory() as s, s.begin():
        party, _ = parties.add(
            session=s, name="Car Rental", activities=[], purposes=["fast_checkout"]
        )
        program = parties.add_program(
            session=s, party=party, name="no deposit", purpose="fast_checkout",
            benefit="no deposit", conditions=[{"score_at_least": 600}],
        )  # fmt: skip
        consent = consents.grant(
            session=s, subject_id=sid, program_id=program.id,
            expires_on=T0.date() + dt.timedelta(days=5),
        )  # fmt: skip
        s.add(NoticePreference(subject_id=sid, inquiries=True, updated_at=T0))
        s.add(Inquiry(
            decision_id="dec_1", at=T0, party_id=party.id, subject_id=sid,
            kind="eligibility", purpose="fast_checkout", program_id=program.id,
            consent_id=consent.id, answer=True, reason="ok", inputs="{}",
        ))  # fmt: skip
    with factory() as s, s.begin():
        assert [sweep(s) for sweep in notify.SWEEPS] == [1, 1]  # one subject each, two channels
        rows = s.scalars(select(Notice.idempotency_key).where(Notice.recipient_id == str(sid)))
        assert {k for k in rows if k.startswith(("consent/", "inquiry/"))} == {
            f"consent/{consent.id}/expiring/inbox", f"consent/{consent.id}/expiring/email",
            "inquiry/dec_1/inbox", "inquiry/dec_1/email",
        }  # fmt: skip
    statements: list[str] = []

    def executed(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        statements.append(statement)

    with factory() as s, s.begin():
        engine = s.get_bind()
        event.listen(engine, "before_cursor_execute", executed)
        try:
            assert [sweep(s) for sweep in notify.SWEEPS] == [0, 0]
        finally:
            event.remove(engine, "before_cursor_execute", executed)
    # swept again, each sweep selects its rows and the keys already held: no program looked up,
    # no address, nothing written
    assert len(statements) == 4, statements
    assert all(q.lstrip().startswith("SELECT") for q in statements), statements


def test_a_decided_review_is_noticed(
    client: TestClient, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    clock.freeze(T0)
    post(client, bank, repayment("r-1"))
    me = _me(factory)
    with factory() as s, s.begin():
        review = Review(
            decision_id="score:1", subject_id=subject_id(factory), reason="my income is wrong",
            state="open", requested_at=clock.now(),
        )  # fmt: skip
        s.add(review)
        s.flush()
        reviews.decide(session=s, review_id=review.id, outcome="upheld", note="checked by hand")
    (notice,) = client.get("/v1/me/notices", headers=me).json()["notices"]
    assert notice["kind"] == "review.decided" and "upheld" in notice["what"]
    assert notice["why"] == "checked by hand"


def test_the_operator_lists_undeliverable_notices(
    client: TestClient, factory: sessionmaker[Session], settings: Any
) -> None:
    from credo.notices import outbox

    with factory() as s, s.begin():
        n = outbox.enqueue(
            session=s, kind="dispute.opened", recipient_type="furnisher", recipient_id="f",
            payload={}, idempotency_key="k1", channel="webhook",
        )  # fmt: skip
        n.state, n.attempts, n.last_error = "undeliverable", 3, "receiver answered 500"
    assert client.get("/v1/admin/notices/undeliverable").status_code == 401
    (row,) = client.get("/v1/admin/notices/undeliverable", headers=OPERATOR).json()
    assert row["kind"] == "dispute.opened" and row["last_error"] == "receiver answered 500"
    with factory() as s:
        assert s.scalars(select(Inquiry)).all() == []


def test_a_lapsed_dispute_is_noticed_with_what_it_means(
    client: TestClient, factory: sessionmaker[Session], bank: dict[str, Any]
) -> None:
    from credo.records.models import Record
    from credo.rights import disputes

    clock.freeze(T0)
    post(client, bank, repayment("r-1"))
    me = _me(factory)
    with factory() as s, s.begin():
        rid = s.scalar(select(Record.id).where(Record.external_id == "r-1"))
        assert rid is not None
        disputes.open_dispute(
            session=s, subject_id=subject_id(factory), record_id=rid, reason="not mine", days=20
        )
    clock.freeze(T0 + dt.timedelta(days=22))
    with factory() as s, s.begin():
        assert len(disputes.sweep(session=s)) == 1
    latest, opened = client.get("/v1/me/notices", headers=me).json()["notices"][:2]
    assert opened["kind"] == latest["kind"] == "dispute.changed"
    assert "must answer by 2026-03-30" in opened["what"]
    assert "did not answer your dispute of record r-1 in time" in latest["what"]
    assert "no longer use" in latest["means"]
