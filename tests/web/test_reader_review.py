"""The pages as the people they are about read them (review 4): what a page says must match
what the registry does, forms must keep working after an error, the printable PDF keeps its
stylesheet."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.furnishers.models import Furnisher
from credo.records.models import Record
from credo.register import appeals
from credo.register import service as register
from credo.scores import service as scores
from credo.scores.models import ModelVersion
from credo.subjects import tokens
from tests.web.conftest import csrf_of, sign_in
from tests.web.seed import FOODS, Seeded

PDF = b"%PDF-1.4\n%%EOF\n"


def _words(page: str) -> str:
    """A page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def _org_token(factory: sessionmaker[Session]) -> str:
    with factory() as s, s.begin():
        _, token, _ = tokens.issue(session=s, scheme="cn_uscc", value=FOODS, days=400)
    return token


# --- sign-in ---------------------------------------------------------------------------


def test_the_token_form_still_signs_in_after_an_email_link_error(
    web: TestClient, seeded: Seeded
) -> None:
    web.get("/me/signin")  # the browser holds the pre-sign-in cookie
    refused = web.post(
        "/me/signin/email",
        data={"scheme": "passport", "identifier": "x", "email": "a@example.org"},
    )
    assert refused.status_code == 422 and "scheme" in refused.text
    # the page answered is the sign-in page again: its token form must work as is
    r = web.post("/me/signin", data={"token": seeded.token, "csrf": csrf_of(refused.text)})
    assert r.status_code == 303 and r.headers["location"] == "/me", r.text[:300]


# --- the public register ---------------------------------------------------------------


def test_an_unrated_organisation_with_an_inspection_is_not_told_it_has_none(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    before = _words(web.get(f"/org/{FOODS}").text)
    assert "IN-77" in before  # the food-safety inspection is on the page
    assert "no inspection on record" not in before
    assert "published by the next refresh" in before
    with factory() as s, s.begin():
        register.publish(session=s)
    after = _words(web.get(f"/org/{FOODS}").text)
    assert "Food safety: 3 / 5" in after and "no inspection on record" not in after
    # an organisation with no inspection at all, once the register is published
    pharmacy = _words(web.get("/org/91440300708461136T").text)
    assert "no inspection on record in the last three years" in pharmacy


def test_the_pdf_keeps_its_stylesheet_unescaped(
    web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed: list[str] = []

    def fake_pdf(document: str, chromium: str) -> bytes:
        printed.append(document)
        return PDF

    monkeypatch.setattr("credo.web.register.render_pdf", fake_pdf)
    r = web.get(f"/org/{FOODS}/report.pdf")
    assert r.status_code == 200 and r.content == PDF
    style = printed[0].split("<style>", 1)[1].split("</style>", 1)[0]
    assert '"Segoe UI"' in style and "&#34;" not in style and "&gt;" not in style


def test_the_printable_organisation_report_reads_as_the_page_does(web: TestClient) -> None:
    report = _words(web.get(f"/org/{FOODS}/report").text)
    assert "domain: food safety" in report and "food_safety" not in report
    assert "5,000.00 CNY" in report and "82,000.00 CNY" in report


# --- the portal: score ---------------------------------------------------------------------


def test_one_point_is_one_point(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    with factory() as s, s.begin():
        model = s.execute(select(ModelVersion)).scalars().first()
        assert model is not None
        run = scores.start_run(
            session=s,
            engine="duckdb",
            as_of=clock.today(),
            model_version_id=model.id,
            snapshot="-",
            records=4,
            subjects=1,
        )
        scores.publish(session=s, run=run, actor="test", rows=[{
            "subject_id": seeded.person_subject_id, "score": 640, "band": "good",
            "history": 60, "capacity": 71, "compliance": 90, "payments": None, "identity": 64,
            "reasons": json.dumps([{"feature": "history_months", "value": 35, "points_lost": 1,
                                    "text": "Your credit history is short."}])}])  # fmt: skip
    sign_in(web, seeded.token)
    page = _words(web.get("/me").text)
    assert "(1 point below the best)" in page and "1 points" not in page


# --- the portal: disputes ------------------------------------------------------------------


def test_a_dispute_says_the_score_shown_still_counts_the_record_until_the_refresh(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    csrf = sign_in(web, seeded.token)
    with factory() as s:
        record = s.execute(select(Record).where(Record.external_id == "rep-2")).scalar_one()
    r = web.post("/me/disputes", data={"record_id": str(record.id), "reason": "paid", "csrf": csrf})
    page = web.get(r.headers["location"])
    text = _words(page.text)
    # the score shown (as of yesterday) still gives this record as its first reason
    assert "A repayment was 45 days late." in text
    notice = text.split("Your dispute is open.", 1)[1].split("Printable report", 1)[0]
    pending = _words(_section(page.text, "pending-heading"))
    for said in (notice, pending):
        assert "not used in scores" not in said, said
        assert "from the next refresh" in said, said


# --- the portal: proofs --------------------------------------------------------------------


def _judgment_for(factory: sessionmaker[Session], subject_id: int) -> int:
    with factory() as s, s.begin():
        court = s.execute(select(Furnisher).where(Furnisher.kind == "court")).scalars().first()
        assert court is not None
        record = Record(
            furnisher_id=court.id, external_id="jud-me", category="court.judgment",
            subject_id=subject_id, occurred_on=clock.today() - dt.timedelta(days=10),
            amount_minor=None, currency=None, legal_basis="Civil Procedure Law art. 255",
            fields=json.dumps({"case_number": "(2026)me"}), state="active", version=1,
            content_hash="0" * 64, received_at=clock.now(),
        )  # fmt: skip
        s.add(record)
        s.flush()
        return record.id


def test_a_proof_says_by_when_the_furnisher_answers_and_when_the_operator_took_it(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    clock.freeze(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC))  # a Wednesday
    record_id = _judgment_for(factory, seeded.person_subject_id)
    csrf = sign_in(web, seeded.token)
    fields = {"record_id": str(record_id), "note": "Paid at the court counter", "csrf": csrf}
    document = {"document": ("r.pdf", PDF, "application/pdf")}
    sent = web.post("/me/proofs", data=fields, files=document)
    assert sent.status_code == 303, sent.text
    waiting = _words(_section(web.get("/me").text, "pending-heading"))
    # three working days: Thursday, Friday, Monday
    assert "the furnisher must answer by 2026-12-07" in waiting, waiting
    clock.freeze(dt.datetime(2026, 12, 8, 9, tzinfo=dt.UTC))  # the day after the deadline
    web.cookies.clear()
    sign_in(web, seeded.token)
    late = _words(_section(web.get("/me").text, "pending-heading"))
    assert "since 2026-12-07" not in late, late  # it was still the furnisher's that day
    assert "the furnisher did not answer by 2026-12-07" in late and "operator" in late, late


# --- the portal: lists -------------------------------------------------------------------


def test_an_entry_whose_term_is_over_is_not_shown_in_force(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    token = _org_token(factory)
    # the serious-violator entry runs 2026-11-02 to 2027-02-02; no refresh has ended it yet
    clock.freeze(dt.datetime(2027, 2, 3, 12, tzinfo=dt.UTC))
    sign_in(web, token)
    public = _words(web.get(f"/org/{FOODS}").text)
    assert "Not on any public list." in public  # the public page already says so
    lists = _section(web.get("/me").text, "lists-heading")
    row = next(r for r in lists.split("<tr>") if "Serious-violator" in r)
    assert "badge active" not in row, row
    assert "ended 2027-02-02" in _words(row) and "its term ended" in _words(row), row
    assert "apply for credit repair" not in row, row


# --- the portal: ratings -------------------------------------------------------------------


def test_no_appeal_form_once_the_appeal_was_decided(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    token = _org_token(factory)
    with factory() as s, s.begin():
        register.publish(session=s)
    csrf = sign_in(web, token)
    assert 'action="/me/ratings/food/appeal"' in web.get("/me").text
    r = web.post("/me/ratings/food/appeal", data={"reason": "grade B was wrong", "csrf": csrf})
    assert r.status_code == 303
    with factory() as s, s.begin():
        [request] = appeals.open_requests(session=s)
        appeals.decide(session=s, request_id=request.id, outcome="dismissed", note="stands")
    page = web.get("/me").text
    assert 'action="/me/ratings/food/appeal"' not in page
    again = web.post("/me/ratings/food/appeal", data={"reason": "again", "csrf": csrf})
    assert again.status_code == 409  # what the form would have led to


# --- the portal: inquiries ------------------------------------------------------------------


def test_an_inquiry_time_says_it_is_utc(web: TestClient, seeded: Seeded) -> None:
    sign_in(web, seeded.token)
    for path in ("/me", "/me/report"):
        asked = _words(_section(web.get(path).text, "inquiries-heading"))
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC Car Rental Co", asked), asked
