"""The pages as the people they are about read them (review 4): what a page says must match
what the registry does, forms must keep working after an error, the printable PDF keeps its
stylesheet."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
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
    # the seeded serious-violator entry runs three months from a day relative to today; the
    # day after its scheduled end, no refresh has ended it yet
    from credo.lists.models import ListEntry

    with factory() as s:
        end = s.execute(
            select(ListEntry.scheduled_end).where(ListEntry.list_id == "serious_violator")
        ).scalar_one()
    assert end is not None
    clock.freeze(dt.datetime(end.year, end.month, end.day, 12, tzinfo=dt.UTC) + dt.timedelta(1))
    sign_in(web, token)
    public = _words(web.get(f"/org/{FOODS}").text)
    assert "Not on any public list." in public  # the public page already says so
    lists = _section(web.get("/me").text, "lists-heading")
    row = next(r for r in lists.split("<tr>") if "Serious-violator" in r)
    assert "badge active" not in row, row
    assert f"ended {end.isoformat()}" in _words(row) and "its term ended" in _words(row), row
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


# --- the portal: ledgers -------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")
def test_a_ledger_balance_shows_the_records_and_rules_behind_it(
    web: TestClient,
    engine: Engine,
    factory: sessionmaker[Session],
    seeded: Seeded,
    tmp_path: Path,
) -> None:
    from credo.access import consents
    from tests.ledgers.conftest import compute, install, policy, rule

    late = rule("late", "loan.repayment", -40, when='{ field = "days_late", op = ">", value = 30 }')
    with factory() as s:
        install(s, policy(late, rule("paid", "loan.repayment", 5)))
        consents.grant(session=s, subject_id=seeded.person_subject_id, scope="ledger:city")
        s.commit()
        compute(s, engine, tmp_path, as_of=clock.today())
        late_id = s.execute(select(Record.id).where(Record.external_id == "rep-2")).scalar_one()
    csrf = sign_in(web, seeded.token)
    ledger = _words(_section(web.get("/me").text, "ledgers-heading"))
    assert "balance 975" in ledger, ledger  # 1000 - 40 + 3 x 5
    assert f"-40 for loan repayment record {late_id}" in ledger, ledger
    assert ledger.count("+5 for loan repayment record") == 3, ledger
    # disputed, its points are left out at once, and the page says so
    web.post("/me/disputes", data={"record_id": str(late_id), "reason": "paid", "csrf": csrf})
    ledger = _words(_section(web.get("/me").text, "ledgers-heading"))
    assert "balance 1010" in ledger, ledger
    assert f"record {late_id}" in ledger and "the record is disputed" in ledger, ledger


def test_the_largest_amount_is_shown_to_the_cent(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    with factory() as s, s.begin():
        regulator = s.execute(select(Furnisher).where(Furnisher.kind == "regulator")).scalar_one()
        s.add(
            Record(
                furnisher_id=regulator.id, external_id="pen-big", category="penalty.imposed",
                subject_id=seeded.org_subject_ids[FOODS], occurred_on=clock.today(),
                amount_minor=99_999_999_999_999_999, currency="CNY", legal_basis="art. 9",
                fields=json.dumps({"decision_number": "JS-BIG", "domain": "tax"}),
                state="active", version=1, content_hash="1" * 64, received_at=clock.now(),
            )
        )  # fmt: skip
    page = _words(web.get(f"/org/{FOODS}").text)
    assert "999,999,999,999,999.99 CNY" in page and "1,000,000,000,000,000.00" not in page


# --- the portal: what the notices and the pages tell the reader to do -----------------------


def test_every_part_of_the_file_a_notice_links_to_is_on_the_page(
    web: TestClient, seeded: Seeded
) -> None:
    import inspect

    from credo.notices import texts

    anchors = set(re.findall(r'"/me#([a-z-]+)"', inspect.getsource(texts)))
    assert {"lists", "records"} <= anchors
    sign_in(web, seeded.token)
    page = web.get("/me").text
    assert not {a for a in anchors if f'id="{a}"' not in page}


def _org_entry(factory: sessionmaker[Session], seeded: Seeded) -> int:
    """Beijing Foods' serious-violator entry, its seeded repair application rejected."""
    from credo.lists import repairs

    with factory() as s, s.begin():
        repairs.decide(session=s, repair_id=seeded.repair_id, approve=False, reason="unpaid")
        return repairs.describe(repairs.list_repairs(session=s, state="rejected")[0])["entry_id"]


def test_an_organisation_applies_for_credit_repair_from_its_file(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    from credo.lists.models import RepairApplication

    token = _org_token(factory)
    csrf = sign_in(web, token)
    lists = _section(web.get("/me").text, "lists-heading")
    assert "Credit-repair application" not in lists  # the seeded one waits: no second form
    assert 'action="/me/repairs"' not in lists
    entry_id = _org_entry(factory, seeded)
    lists = _section(web.get("/me").text, "lists-heading")
    assert 'action="/me/repairs"' in lists and f'value="{entry_id}"' in lists
    accept = {"accept": "text/html"}
    for data, field in (
        ({"entry_id": "x1", "statement": "fixed"}, "entry_id"),
        ({"entry_id": str(entry_id), "statement": "x" * 4001}, "statement"),
        ({"entry_id": str(entry_id), "statement": "  "}, "statement"),
    ):
        bad = web.post("/me/repairs", data={**data, "csrf": csrf}, headers=accept)
        assert bad.status_code == 422 and field in html.unescape(bad.text), bad.text[:300]
    others = web.post(
        "/me/repairs", data={"entry_id": "3", "statement": "fixed", "csrf": csrf}, headers=accept
    )
    assert others.status_code == 404  # the red-list entry of another organisation
    ok = web.post(
        "/me/repairs", data={"entry_id": str(entry_id), "statement": "Paid.", "csrf": csrf}
    )
    assert ok.status_code == 303 and ok.headers["location"].endswith("#lists")
    page = web.get(ok.headers["location"]).text
    assert "Your credit-repair application is filed" in _words(page)
    assert 'action="/me/repairs"' not in _section(page, "lists-heading")
    again = web.post(
        "/me/repairs",
        data={"entry_id": str(entry_id), "statement": "Paid.", "csrf": csrf},
        headers=accept,
    )
    assert again.status_code == 409
    with factory() as s:
        assert s.query(RepairApplication).filter_by(state="applied").count() == 1


def test_a_refused_check_can_be_sent_to_human_review_from_the_file(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    from credo.access import parties
    from credo.access.models import Inquiry
    from credo.rights import reviews
    from credo.rights.models import Review

    with factory() as s, s.begin():
        party = parties.list_all(session=s)[0]
        s.add(
            Inquiry(
                decision_id="dec_refused", at=clock.now(), party_id=party.id,
                subject_id=seeded.person_subject_id, kind="eligibility",
                purpose="deposit_free_rental", answer=False,
                reason="below the program's score threshold", inputs="{}",
            )
        )  # fmt: skip
    csrf = sign_in(web, seeded.token)
    asked = _section(web.get("/me").text, "inquiries-heading")
    assert asked.count('action="/me/reviews"') == 1  # the refusal, not the approval
    assert 'value="dec_refused"' in asked
    accept = {"accept": "text/html"}
    for data, field, status in (
        ({"decision_id": "dec_refused", "reason": ""}, "reason", 422),
        ({"decision_id": "d" * 500, "reason": "why"}, "decision_id", 422),
        ({"decision_id": "dec_nobody", "reason": "why"}, "decision_id", 404),
    ):
        bad = web.post("/me/reviews", data={**data, "csrf": csrf}, headers=accept)
        assert bad.status_code == status and field in html.unescape(bad.text), bad.text[:300]
    ok = web.post(
        "/me/reviews",
        data={"decision_id": "dec_refused", "reason": "I earn more now", "csrf": csrf},
    )
    assert ok.status_code == 303 and ok.headers["location"].endswith("#inquiries")
    page = web.get(ok.headers["location"]).text
    assert "Your request for human review is filed" in _words(page)
    assert "Human review" in _words(_section(page, "pending-heading"))
    assert 'action="/me/reviews"' not in _section(page, "inquiries-heading")
    with factory() as s, s.begin():
        [filed] = s.query(Review).all()
        reviews.decide(session=s, review_id=filed.id, outcome="overturned", note="income shown")
    asked = _words(_section(web.get("/me").text, "inquiries-heading"))
    assert f"Human review {filed.id}: overturned" in asked and "(income shown)" in asked, asked


def test_an_organisation_is_not_told_a_score_is_coming(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    sign_in(web, _org_token(factory))
    for path in ("/me", "/me/report"):
        said = _words(_section(web.get(path).text, "score-heading"))
        assert "yet" not in said and "Organisations are not scored" in said, said
    assert f'href="/org/{FOODS}"' in _section(web.get("/me").text, "score-heading")


def test_a_ledger_consent_is_named_in_words(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    from credo.access import consents

    with factory() as s, s.begin():
        consents.grant(session=s, subject_id=seeded.person_subject_id, scope="ledger:city")
    sign_in(web, seeded.token)
    given = _words(_section(web.get("/me").text, "consents-heading"))
    assert "the city points ledger" in given, given


def test_a_corrected_record_shows_what_it_said_before(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    from credo.records import service as records
    from credo.records.intake import validate_all, validator_for
    from tests.conftest import TEST_SECRET
    from tests.web.seed import PERSON_ID, PERSON_NAME

    with factory() as s, s.begin():
        record = s.execute(select(Record).where(Record.external_id == "rep-2")).scalar_one()
        bank = s.get(Furnisher, record.furnisher_id)
        assert bank is not None
        validator = validator_for(categories=bank.categories, secret=TEST_SECRET.encode())
        [valid] = validate_all(validator, [{
            "external_id": "rep-2", "category": "loan.repayment",
            "subject": {"scheme": "cn_ric", "id": PERSON_ID, "name": PERSON_NAME},
            "occurred_on": record.occurred_on.isoformat(), "amount": "2100.00",
            "currency": "CNY", "fields": {"loan_id": "L-88", "days_late": 3}}])  # fmt: skip
        records.correct(session=s, furnisher_id=bank.id, valid=valid, actor="test")
        record_id = record.id
    sign_in(web, seeded.token)
    for path in ("/me", "/me/report"):
        page = web.get(path).text
        row = _words(page.split(f'id="record-{record_id}"', 1)[1].split("</tr>", 1)[0])
        assert "days late: 3" in row and "corrected" in row, row
        assert "Version 1" in row and "days late: 45" in row, row


@pytest.mark.parametrize("name", [b"a\x00.pdf", b"a\x01b.pdf", b"a\x7f.pdf"])
def test_a_control_character_in_a_proofs_file_name_is_422(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded, name: bytes
) -> None:
    from credo.rights.models import Proof

    record_id = _judgment_for(factory, seeded.person_subject_id)
    csrf = sign_in(web, seeded.token)
    bound = b"credo-test-boundary"
    body = b""
    for key, value in (("csrf", csrf), ("record_id", str(record_id)), ("note", "paid")):
        body += b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (
            bound,
            key.encode(),
            value.encode(),
        )
    body += (
        b'--%s\r\nContent-Disposition: form-data; name="document"; filename="%s"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%s\r\n--%s--\r\n" % (bound, name, PDF, bound)
    )
    r = web.post(
        "/me/proofs",
        content=body,
        headers={
            "accept": "text/html",
            "content-type": f"multipart/form-data; boundary={bound.decode()}",
        },
    )
    assert r.status_code == 422 and "document" in r.text, r.text[:300]
    assert "\x00" not in r.text
    with factory() as s:
        assert s.query(Proof).count() == 0


def test_revoking_the_token_ends_the_portal_sessions_it_opened(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    from credo.core import credentials

    csrf = sign_in(web, seeded.token)
    assert web.get("/me").status_code == 200
    parsed = credentials.parse(seeded.token, tokens.KIND)
    assert parsed is not None
    with factory() as s, s.begin():
        tokens.revoke(session=s, token_id=parsed[0])
    r = web.get("/me")
    assert r.status_code == 303 and r.headers["location"] == "/me/signin"
    with factory() as s:
        record = s.execute(select(Record).where(Record.external_id == "rep-2")).scalar_one()
    post = web.post(
        "/me/disputes",
        data={"record_id": str(record.id), "reason": "x", "csrf": csrf},
        headers={"accept": "text/html"},
    )
    assert post.status_code == 401


def test_the_inbox_links_into_this_site_whatever_its_address(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    csrf = sign_in(web, seeded.token)
    with factory() as s:
        record = s.execute(select(Record).where(Record.external_id == "rep-2")).scalar_one()
    web.post("/me/disputes", data={"record_id": str(record.id), "reason": "paid", "csrf": csrf})
    inbox = web.get("/me/inbox").text
    links = re.findall(r'<a href="([^"]+)">', inbox.split('id="notices-h"', 1)[1])
    assert "/me#records" in links, links  # the dispute notice's link to the records
    assert all(link.startswith("/") for link in links), links  # not the configured public_url


def test_a_disputed_court_order_in_the_grade_table_says_it_is_disputed(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    from credo.rights import disputes

    with factory() as s, s.begin():
        judgment = s.execute(select(Record).where(Record.external_id == "jud-1")).scalar_one()
        disputes.open_dispute(
            session=s,
            subject_id=seeded.org_subject_ids[FOODS],
            record_id=judgment.id,
            reason="paid",
            days=20,
        )
        register.publish(session=s)
        judgment_id = judgment.id
    for path in (f"/org/{FOODS}", f"/org/{FOODS}/report"):
        grade = _section(web.get(path).text, "grade-heading")
        row = next(r for r in grade.split("<tr>") if f"#{judgment_id}" in r)
        assert "disputed" in _words(row), (path, row)  # a court order counts while disputed


def test_a_penalty_disputed_since_the_grade_says_it_leaves_at_the_next_refresh(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    from credo.rights import disputes

    with factory() as s, s.begin():
        register.publish(session=s)
        penalty = s.execute(select(Record).where(Record.external_id == "pen-1")).scalar_one()
        disputes.open_dispute(
            session=s,
            subject_id=seeded.org_subject_ids[FOODS],
            record_id=penalty.id,
            reason="paid",
            days=20,
        )
        penalty_id = penalty.id
    grade = _section(web.get(f"/org/{FOODS}").text, "grade-heading")
    row = _words(next(r for r in grade.split("<tr>") if f"#{penalty_id}" in r))
    assert "disputed" in row and "left out from the next refresh" in row, row


def test_a_pending_listing_says_it_is_not_in_force(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    sign_in(web, _org_token(factory))
    lists = _section(web.get("/me").text, "lists-heading")
    row = _words(next(r for r in lists.split("<tr>") if "Judgment-defaulter" in r))
    assert "pending" in row and "not in force" in row.lower(), row
    assert "the judgment is unfulfilled past its due date" in row, row


def test_a_too_large_proof_is_told_its_real_size(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    record_id = _judgment_for(factory, seeded.person_subject_id)
    csrf = sign_in(web, seeded.token)
    limit = web.app.state.settings.proof_max_bytes  # type: ignore[attr-defined]
    document = PDF + b"0" * (limit + 1000)
    r = web.post(
        "/me/proofs",
        data={"csrf": csrf, "record_id": str(record_id), "note": "paid"},
        files={"document": ("big.pdf", document, "application/pdf")},
        headers={"accept": "text/html"},
    )
    assert r.status_code == 413
    said = _words(r.text)
    assert f"the document has {len(document)} bytes; the limit is {limit}" in said, said


def test_a_red_list_entry_says_what_it_grants(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    with factory() as s, s.begin():
        _, token, _ = tokens.issue(session=s, scheme="cn_uscc", value="91440300708461136T", days=30)
    sign_in(web, token)
    lists = _section(web.get("/me").text, "lists-heading")
    row = _words(next(r for r in lists.split("<tr>") if "Red list" in r))
    assert "Administrative approvals handled on the fast track" in row, row
