"""What the console's queues and tallies show (review 5): they read the registry as checks,
the API and the report do."""

from __future__ import annotations

import datetime as dt
import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.lists.models import ListEntry
from tests.web.conftest import sign_in_operator
from tests.web.seed import Seeded


def _row(page: str, title: str) -> str:
    found = re.search(rf"<tr><td>{re.escape(title)}.*?</tr>", page, re.S)
    assert found, title
    return re.sub(r"<[^>]+>", " ", found.group(0))


def test_an_active_entry_past_its_term_counts_as_ended(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    """The lists table counted it 'active' while checks answered 'not restricted' and the
    API's lists and the report said ended (term_expired)."""
    with factory() as s, s.begin():
        entry = s.execute(
            select(ListEntry).where(
                ListEntry.list_id == "serious_violator", ListEntry.state == "active"
            )
        ).scalar_one()
        entry.scheduled_end = clock.today() - dt.timedelta(days=1)
    sign_in_operator(web)
    row = " ".join(_row(html.unescape(web.get("/admin").text), "Serious-violator list").split())
    assert row.endswith("ended 1"), row  # the only entry: no longer 'active 1'


def test_the_flag_queue_says_how_many_are_open_when_it_shows_only_some(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    """The console shows the newest 100 open flags; past that, older flags were left out
    without a word."""
    from credo.integrity import service as integrity
    from credo.integrity.flags import Flag

    with factory() as s, s.begin():
        integrity.record(
            session=s,
            actor="test",
            flags=[
                Flag("rings", (seeded.person_subject_id,), {"ring": i}, key=str(i))
                for i in range(101)
            ],
        )
    sign_in_operator(web)
    page = html.unescape(web.get("/admin").text)
    assert "101 open flags: these subjects' new scores are held (the 100 newest shown" in page
    assert page.count("Clear flag ") == 100


def test_a_review_of_a_list_entry_shows_what_was_decided(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    """The review queue's 'Automated answer' was empty for a score's or a list entry's
    review (only a relying party's check has an inquiry): the operator decided blind."""
    from credo.rights import reviews

    with factory() as s, s.begin():
        entry = s.execute(
            select(ListEntry).where(ListEntry.list_id == "serious_violator")
        ).scalar_one()
        review = reviews.request(
            session=s, subject_id=entry.subject_id, decision_id=f"entry:{entry.id}",
            reason="the penalty was paid",
        )  # fmt: skip
        expected = f"entry {entry.id}, {entry.state} since {entry.starts_on.isoformat()}"
        review_id = review.id
    sign_in_operator(web)
    page = html.unescape(web.get("/admin").text)
    row = re.search(rf"<tr><td>{review_id}</td><td>entry:.*?</tr>", page, re.S)
    assert row is not None
    assert "Serious-violator list" in row.group(0) and expected in row.group(0)
