"""What a person or organisation reads on the pages is in words: field values, restricted
activities and why an entry ended (no ``food_safety``, ``air_travel``, ``False``)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.records.models import Record
from credo.register import service
from credo.subjects.models import Subject
from credo.web import render, views
from tests.web.conftest import sign_in
from tests.web.seed import FOODS, Seeded

TEMPLATES = Path(render.__file__).parent / "templates"


def test_the_org_page_shows_field_values_in_words(web: TestClient) -> None:
    page = web.get(f"/org/{FOODS}").text
    shown = re.sub(r"<[^>]+>", " ", page)  # the text, not attributes or links
    assert "food_safety" not in shown and "food_business" not in shown
    assert "domain: <strong>food safety</strong>" in page


def test_field_values_booleans_grounds_and_codes() -> None:
    macro = render.environment().from_string(
        '{% from "macros.html" import fields_list %}{{ fields_list(f) }}'
    )
    html = macro.render(
        f={
            "on_time": False,
            "ground": "able_but_refuses",
            "status": "written_off",
            "case_number": "(2025)京0105民初123",
        }
    )
    assert "on time: <strong>no</strong>" in html
    assert "ground: <strong>able to fulfil the judgment but refusing to</strong>" in html
    assert "status: <strong>written off</strong>" in html
    assert "(2025)京0105民初123" in html and "False" not in html


def test_restrictions_and_end_reasons_in_words() -> None:
    env = render.environment()
    out = env.from_string('{{ r|map("activity")|join(", ") }} / {{ why|end_reason }}').render(
        r=["air_travel", "nightclub_golf"], why="delisted:settlement"
    )
    assert out == "flying, nightclubs and golf courses / the court lifted the listing (settlement)"
    for name in ("file.html", "org.html"):
        source = (TEMPLATES / name).read_text()
        assert 'restricts|map("label")' not in source and "removal_reason|label" not in source
        assert 'restricts|map("activity")' in source


def test_the_grade_table_names_rules_and_records_in_words(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    with factory() as s, s.begin():
        service.publish(session=s)
    page = web.get(f"/org/{FOODS}").text
    assert "A court judgment not yet fulfilled</td>" in page
    assert "(court_judgment)" not in page and "court.judgment #" not in page
    assert re.search(r"court judgment #\d+", page)
    counted = re.findall(r"<td>(-?\d+\.\d+)</td><td>(?:\d{4}-\d\d-\d\d|while listed)</td>", page)
    assert counted and all(len(c.split(".")[1]) == 2 for c in counted), counted


def test_a_pending_dispute_says_what_the_record_does_meanwhile(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    csrf = sign_in(web, seeded.token)
    with factory() as s:
        record = s.execute(select(Record).where(Record.external_id == "rep-2")).scalar_one()
    form = {"record_id": str(record.id), "reason": "I paid on time.", "csrf": csrf}
    assert web.post("/me/disputes", data=form).status_code == 303
    page = web.get("/me").text
    line = re.search(rf"<li>Dispute on record {record.id} .*?</li>", page)
    assert line, page
    assert "(loan repayment)" in line[0]
    assert "no list entry rests on it" in line[0]
    assert "your score leaves it out from the next refresh" in line[0]


def test_what_would_raise_it_says_alone_and_together(
    factory: sessionmaker[Session], seeded: Seeded
) -> None:
    with factory() as s:
        subject = s.get(Subject, seeded.person_subject_id)
        assert subject is not None
        context = views.portal(session=s, subject=subject)
    move = {"points_gained": 31, "score_if_alone": 504, "band_if_alone": "poor"}
    context["score"]["to_raise"] = [
        {**move, "text": "card utilisation at most 25%", "score_after": 504, "band_after": "poor"},
        {**move, "text": "no open judgments", "points_gained": 46, "score_if_alone": 519,
         "score_after": 550, "band_after": "fair"},
    ]  # fmt: skip
    context["score"]["reasons"] = [{"text": "54% of bills paid on time", "points_lost": 68}]
    page = (
        render.environment().get_template("file.html").render(context, charts={}, interactive=False)
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "card utilisation at most 25% (+31 points: 504, band poor, on its own)" in text
    assert (
        "no open judgments (+46 points: 519, band poor, on its own; 550, band fair, "
        "with the changes above)" in text
    )
    assert "54% of bills paid on time (68 points below the best)" in text


def test_a_rating_starts_from_the_inspection_without_a_plus(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    with factory() as s, s.begin():
        service.publish(session=s)
    page = web.get(f"/org/{FOODS}").text
    assert "inspection IN-77 graded B: rating 4</li>" in page  # the start, not "+4"
    assert re.search(r"penalty JS-2026-17 after the inspection \(-\d+\)</li>", page)


def test_ended_and_refused_entries_say_so_and_not_how_to_end_them(
    factory: sessionmaker[Session], seeded: Seeded
) -> None:
    with factory() as s:
        subject = s.get(Subject, seeded.person_subject_id)
        assert subject is not None
        context = views.portal(session=s, subject=subject)
    entry = {
        "list_title": "Judgment-defaulter list",
        "starts_on": "2026-01-05",
        "scheduled_end": None,
        "ended_on": None,
        "basis": {},
        "restricts": [],
        "how_to_end": "Fulfil the judgment.",
        "records": [],
    }
    context["lists"] = {
        "entries": [
            {**entry, "state": "refused", "removal_reason": "minor"},
            {**entry, "state": "ended", "ended_on": "2026-03-01", "removal_reason": "fulfilled"},
        ]
    }
    page = (
        render.environment().get_template("file.html").render(context, charts={}, interactive=False)
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "never took effect (you were under 18 at the time)" in text
    assert "ended 2026-03-01 (the court reported the judgment fulfilled)" in text
    assert "when the judgment is fulfilled" not in text and "Fulfil the judgment." not in text


def test_an_inquiry_reads_as_its_question_and_answer(
    factory: sessionmaker[Session], seeded: Seeded
) -> None:
    with factory() as s:
        subject = s.get(Subject, seeded.person_subject_id)
        assert subject is not None
        context = views.portal(session=s, subject=subject)
    asked = {"at": "2026-12-01T10:00:00", "party": "Air Co", "reason": "listed"}
    context["access"]["inquiries"] = [
        {**asked, "kind": "restriction", "purpose": "ticket_sale", "activity": "air_travel",
         "answer": True},
        {**asked, "kind": "eligibility", "purpose": "deposit_free_rental", "activity": None,
         "answer": False},
    ]  # fmt: skip
    page = (
        render.environment().get_template("file.html").render(context, charts={}, interactive=False)
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Are you restricted from flying? (purpose: ticket sale) yes, restricted" in text
    assert "Are you eligible for its program? (purpose: deposit free rental) no, not eligible" in (
        text
    )
    assert "restriction ·" not in text and "air travel" not in text


def test_a_consent_names_its_program(web: TestClient, seeded: Seeded) -> None:
    sign_in(web, seeded.token)
    page = web.get("/me").text
    row = re.search(r"<tr><td>Car Rental Co</td><td[^>]*>([^<]*)</td>", page)
    assert row and row[1] == "Deposit-free rental", row
