"""The outbox contract: written in the caller's transaction, once per idempotency key."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from credo.errors import InvalidInput
from credo.notices import outbox
from credo.notices.models import Notice


def test_enqueue_is_part_of_the_callers_transaction(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        s.begin()
        outbox.enqueue(
            session=s,
            kind="review.decided",
            recipient_type="party",
            recipient_id="p1",
            payload={"decision_id": "d1"},
            idempotency_key="review-decided/d1",
            channel="webhook",
        )
        s.rollback()
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Notice)) == 0


def test_same_key_twice_is_one_notice(factory: sessionmaker[Session]) -> None:
    with factory() as s, s.begin():
        first = outbox.enqueue(
            session=s,
            kind="review.decided",
            recipient_type="party",
            recipient_id="p1",
            payload={"decision_id": "d1"},
            idempotency_key="review-decided/d1",
            channel="webhook",
        )
    with factory() as s, s.begin():
        again = outbox.enqueue(
            session=s,
            kind="review.decided",
            recipient_type="party",
            recipient_id="p1",
            payload={"decision_id": "d1", "other": 1},
            idempotency_key="review-decided/d1",
            channel="webhook",
        )
        assert again.id == first.id
        assert json.loads(again.payload) == {"decision_id": "d1"}
        assert s.scalar(select(func.count()).select_from(Notice)) == 1
        assert again.state == "pending"


@pytest.mark.parametrize(
    ("channel", "recipient_type", "code"),
    [
        ("fax", "subject", "bad_channel"),
        ("email", "party", "bad_channel"),
        ("webhook", "subject", "bad_channel"),
        ("inbox", "bank", "bad_recipient_type"),
    ],
)
def test_bad_channel_or_recipient_is_refused(
    session: Session, channel: str, recipient_type: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        outbox.enqueue(
            session=session,
            kind="x",
            recipient_type=recipient_type,
            recipient_id="1",
            payload={},
            idempotency_key="k",
            channel=channel,
        )
    assert caught.value.code == code


def test_a_batch_naming_one_key_twice_writes_one_notice(factory: sessionmaker[Session]) -> None:
    # "the same key twice is one notice" holds within one batch as across calls
    twice = [
        (7, "dispute.changed", {"state": "open"}, "dispute/1/open"),
        (7, "dispute.changed", {"state": "open"}, "dispute/1/open"),
        (8, "dispute.changed", {"state": "open"}, "dispute/2/open"),
    ]
    with factory() as s, s.begin():
        assert outbox.notify_subjects(session=s, notices=twice) == 2
    with factory() as s, s.begin():
        assert outbox.notify_subjects(session=s, notices=twice) == 0
    with factory() as s:
        keys = sorted(s.scalars(select(Notice.idempotency_key)))
    assert keys == ["dispute/1/open/inbox", "dispute/2/open/inbox"]
