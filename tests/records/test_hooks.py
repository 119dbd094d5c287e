"""The record workflow runs the hooks later domains register, once per change, in its
transaction: store (API and bulk), correct and delete; lists lifts restrictions through it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

import credo.lists  # noqa: F401  (registers the lists' rule, as the app and the CLI do)
from credo.lists.models import ListEntry
from credo.lists.service import apply_intake_hook, restrictions_for
from credo.records import hooks, service
from credo.records.models import Record
from tests.conftest import TEST_SECRET
from tests.envelopes import repayment
from tests.lists.conftest import at, court_record, judgment, listing, refresh

SECRET = TEST_SECRET.encode()


@pytest.fixture
def seen() -> Iterator[list[tuple[str, list[str]]]]:
    calls: list[tuple[str, list[str]]] = []

    def spy(session: Session, furnisher_id: str, external_ids: Sequence[str]) -> None:
        assert session.in_transaction()
        calls.append((furnisher_id, list(external_ids)))

    hooks.on_records_changed(spy)
    yield calls
    hooks._hooks.remove(spy)


def _submit(s: Session, who: dict[str, Any], *envelopes: dict[str, Any]) -> list[tuple[str, str]]:
    return service.submit(
        session=s,
        furnisher_id=who["id"],
        categories=["loan.repayment", "court.judgment", "court.listing", "court.fulfilment"],
        envelopes=list(envelopes),
        secret=SECRET,
        max_batch=1000,
        actor="test",
    )


def test_lists_registers_its_rule_once() -> None:
    hooks.on_records_changed(apply_intake_hook)  # registering again changes nothing
    assert hooks.registered().count(apply_intake_hook) == 1


def test_store_and_delete_each_run_the_hooks_once(
    factory: sessionmaker[Session], bank: dict[str, Any], seen: list[tuple[str, list[str]]]
) -> None:
    with factory() as s, s.begin():
        assert _submit(s, bank, repayment("a"), repayment("b")) == [
            ("a", "accepted"),
            ("b", "accepted"),
        ]
    with factory() as s, s.begin():
        assert _submit(s, bank, repayment("a")) == [("a", "duplicate")]  # nothing stored
    with factory() as s, s.begin():
        record = s.query(Record).filter_by(external_id="a").one()
        service.delete(session=s, furnisher_id=bank["id"], external_id="a", actor="test")
        service.delete(session=s, furnisher_id=bank["id"], external_id="a", actor="test")
        assert record.state == "deleted"
    assert seen == [(bank["id"], ["a", "b"]), (bank["id"], ["a"])]


def test_a_fulfilment_stored_by_the_service_lifts_the_restriction_at_once(
    factory: sessionmaker[Session], court: dict[str, Any]
) -> None:
    at("2025-04-01")
    with factory() as s, s.begin():
        _submit(
            s,
            court,
            judgment("j-1", "C-1", "2025-01-05", "2025-02-01"),
            listing("l-1", "C-1", "2025-03-01"),
        )
    refresh(factory)
    with factory() as s:
        entry = s.query(ListEntry).filter_by(rule_id="defaulter.court_listing").one()
        assert entry.state == "active"
    with factory() as s, s.begin():  # no call into lists here: the hook does it
        _submit(s, court, court_record("court.fulfilment", "f-1", "C-1", "2025-04-01"))
    with factory() as s:
        entry = s.query(ListEntry).filter_by(rule_id="defaulter.court_listing").one()
        assert (entry.state, entry.removal_reason) == ("ended", "fulfilled")
        assert restrictions_for(session=s, subject_id=entry.subject_id) == []
