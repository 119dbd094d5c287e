"""The console's decisions at once (review 5; the races need PostgreSQL): two operators (or
a double click that reaches two workers) deciding the same repair application or review:
the second waits for the first and finds it decided (409); it read it still open and
overwrote the first. The domain call runs off the event loop, so that wait stops nothing."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from credo.core.audit import AuditEntry
from credo.errors import Conflict
from credo.lists import repairs
from credo.lists.models import RepairApplication
from credo.rights import reviews
from credo.rights.models import Review
from tests.conftest import PG_URL
from tests.web.conftest import sign_in_operator
from tests.web.seed import Seeded

on_postgres = pytest.mark.skipif(not PG_URL, reason="row locks: two sessions on PostgreSQL")


def _race(
    factory: sessionmaker[Session],
    first: Callable[[Session], object],
    second: Callable[[Session], object],
) -> object:
    """Run ``first`` in a transaction, start ``second`` while it is open, then commit."""
    outcome: dict[str, object] = {}

    def run_second() -> None:
        with factory() as s:
            try:
                with s.begin():
                    second(s)
                outcome["second"] = "decided"
            except Conflict as exc:
                outcome["second"] = exc

    session = factory()
    try:
        with session.begin():
            first(session)
            thread = threading.Thread(target=run_second)
            thread.start()
            thread.join(1.0)
    finally:
        session.close()
    thread.join(30)
    return outcome.get("second")


def _events(factory: sessionmaker[Session], event_type: str) -> int:
    with factory() as s:
        query = select(func.count()).where(AuditEntry.event_type == event_type)
        return s.execute(query.select_from(AuditEntry)).scalar_one()


@on_postgres
def test_a_repair_is_decided_once(factory: sessionmaker[Session], seeded: Seeded) -> None:
    rid = seeded.repair_id
    second = _race(
        factory,
        lambda s: repairs.decide(session=s, repair_id=rid, approve=False, reason="not yet"),
        lambda s: repairs.decide(session=s, repair_id=rid, approve=True, reason=""),
    )
    assert isinstance(second, Conflict), second
    with factory() as s:
        repair = s.get(RepairApplication, rid)
        assert repair is not None and repair.state == "rejected"


@on_postgres
def test_a_review_is_decided_once(factory: sessionmaker[Session], seeded: Seeded) -> None:
    from credo.access import parties
    from credo.access.models import Inquiry
    from credo.core import clock

    with factory() as s, s.begin():
        party, _ = parties.add(
            session=s, name="Lender", activities=[], purposes=["credit_decision"]
        )
        s.add(Inquiry(decision_id="dec_race", at=clock.now(), party_id=party.id,
                      subject_id=seeded.person_subject_id, kind="eligibility",
                      purpose="credit_decision", answer=False, reason="below",
                      inputs="{}"))  # fmt: skip
        s.flush()
        review_id = reviews.request(
            session=s, subject_id=seeded.person_subject_id, decision_id="dec_race",
            reason="income has risen",
        ).id  # fmt: skip
    second = _race(
        factory,
        lambda s: reviews.decide(session=s, review_id=review_id, outcome="upheld", note="no"),
        lambda s: reviews.decide(session=s, review_id=review_id, outcome="overturned", note="y"),
    )
    assert isinstance(second, Conflict), second
    with factory() as s:
        review = s.get(Review, review_id)
        assert review is not None and review.state == "upheld"
    assert _events(factory, "review.decided") == 1


def test_a_console_decision_runs_off_the_event_loop(
    web: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form posts are async routes: their domain call ran on the event loop, so one
    waiting on a row lock (a second decision of the same request) stopped every request,
    the first decision's commit included."""
    where: list[str] = []
    decide = repairs.decide

    def spy(**kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
            where.append("event loop")
        except RuntimeError:
            where.append("worker thread")
        return decide(**kwargs)

    monkeypatch.setattr(repairs, "decide", spy)
    csrf = sign_in_operator(web)
    form = {"csrf": csrf, "decision": "reject", "reason": "not yet"}
    assert web.post(f"/admin/repairs/{seeded.repair_id}", data=form).status_code == 303
    assert where == ["worker thread"]
