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
