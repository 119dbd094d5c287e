"""Every page through TestClient: status, key content, persons never public, sign-in required."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.lists.models import ListEntry, RepairApplication
from credo.records.models import Record
from credo.rights import statements
from credo.rights.models import Dispute
from tests.web.conftest import OPERATOR_KEY, csrf_of, sign_in, sign_in_operator, signin_data
from tests.web.seed import FOODS, ORGS, PERSON_ID, PERSON_NAME, Seeded

HTML = {"accept": "text/html"}


def _no_person(html: str) -> None:
    assert PERSON_NAME not in html and PERSON_ID not in html and "Wang" not in html


def test_home_has_an_accessible_search_form(web: TestClient) -> None:
    r = web.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in r.text and 'href="#main"' in r.text
    assert '<label for="q">' in r.text and 'role="search"' in r.text
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert web.get("/static/credo.css").headers["content-type"].startswith("text/css")


def test_search_finds_organisations_and_never_persons(web: TestClient) -> None:
    r = web.get("/", params={"q": "beijing"})
    assert f'href="/org/{FOODS}"' in r.text and "Beijing Foods Ltd" in r.text
    for q in (PERSON_NAME, PERSON_ID, "wang"):
        r = web.get("/", params={"q": q})
        assert r.status_code == 200 and "No organisation matches" in r.text
        assert "/org/" not in r.text


def test_organisation_page_shows_public_records_lists_and_statement(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    with factory() as s, s.begin():
        judgment = s.query(Record).filter_by(external_id="jud-1").one()
        statements.attach(
            session=s,
            subject_id=seeded.org_subject_ids[FOODS],
            record_id=judgment.id,
            text="We appealed; the appeal is pending.",
        )
    r = web.get(f"/org/{FOODS}")
    assert r.status_code == 200
    for text in (
        "Beijing Foods Ltd",
        FOODS,
        "JY11101050001",
        "JS-2026-17",
        "5,000.00 CNY",
        "<strong>B</strong>",
        "(2025)京0105民初123",
        "Serious-violator list",
        "We appealed; the appeal is pending.",
        "City Market Regulator",
    ):
        assert text in r.text, text
    _no_person(r.text)
    assert "Commendations" in web.get("/org/91440300708461136T").text
    for uscc in ORGS:
        _no_person(web.get(f"/org/{uscc}").text)


def test_persons_and_bad_codes_are_not_found_as_html(web: TestClient) -> None:
    for code in (PERSON_ID, "not-a-code", "914403007084611308"):
        r = web.get(f"/org/{code}", headers=HTML)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "Error code" in r.text
        _no_person(r.text)


def test_api_errors_stay_json(web: TestClient) -> None:
    r = web.get("/v1/no-such-thing", headers=HTML)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = web.get("/no-such-page", headers=HTML)
    assert r.status_code == 404 and "<h1>Not found</h1>" in r.text


def test_portal_and_report_need_sign_in(web: TestClient) -> None:
    for path in ("/me", "/me/report"):
        r = web.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/me/signin"
    assert '<label for="token">' in web.get("/me/signin").text
    r = web.post("/me/signin", data=signin_data(web, "me", token="st_0000.nope"))
    assert r.status_code == 401 and "Sign-in failed" in r.text
    r = web.post("/me/disputes", data={"record_id": "1", "reason": "x"}, headers=HTML)
    assert r.status_code == 401


def test_portal_shows_the_whole_file(web: TestClient, seeded: Seeded) -> None:
    r = web.post("/me/signin", data=signin_data(web, "me", token=seeded.token))
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/me" in cookie
    page = web.get("/me")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    for text in (
        "Score <strong>631</strong>",
        "band <strong>good</strong>",
        'aria-labelledby="gauge-title gauge-desc"',
        "radar-title",
        "history-title",
        "A repayment was 45 days late.",
        "What would raise it",
        "loan repayment",  # the record kind in words
        "Car Rental Co",
        "Deposit-free rental",
        "Revoke",
        "Dispute this record",
    ):
        assert text in page.text, text
    report = web.get("/me/report")
    assert report.status_code == 200 and "Credit report" in report.text
    assert "<form" not in report.text.split("<main", 1)[1]
    assert "@media print" in web.get("/static/credo.css").text


def test_dispute_needs_csrf_then_shows_pending(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    csrf = sign_in(web, seeded.token)
    with factory() as s:
        record = s.query(Record).filter_by(external_id="rep-2").one()
    form = {"record_id": str(record.id), "reason": "I paid on time; see bank receipt."}
    r = web.post("/me/disputes", data=form, headers=HTML)
    assert r.status_code == 422 and "csrf_failed" in r.text
    r = web.post("/me/disputes", data={**form, "csrf": csrf})
    assert r.status_code == 303 and r.headers["location"].startswith("/me?done=dispute")
    page = web.get(r.headers["location"]).text
    assert "Your dispute is open" in page and "badge pending" in page
    with factory() as s:
        assert s.query(Dispute).filter_by(record_id=record.id, state="open").count() == 1
        assert s.get(Record, record.id).state == "disputed"  # type: ignore[union-attr]
    r = web.post("/me/disputes", data={**form, "csrf": csrf}, headers=HTML)
    assert r.status_code == 409  # already disputed


def test_consent_revoke_and_grant(web: TestClient, seeded: Seeded) -> None:
    csrf = sign_in(web, seeded.token)
    page = web.get("/me").text
    consent_id = page.split('action="/me/consents/', 1)[1].split("/", 1)[0]
    assert web.post(f"/me/consents/{consent_id}/revoke", data={"csrf": csrf}).status_code == 303
    assert "Consent revoked" in web.get("/me?done=revoked").text
    program = page.split('<option value="', 1)[1].split('"', 1)[0]
    r = web.post(
        "/me/consents",
        data={
            "csrf": csrf,
            "program_id": program,
            "expires_on": str(clock.today() + dt.timedelta(days=30)),
        },
    )
    assert r.status_code == 303


def test_sign_out_clears_the_cookie(web: TestClient, seeded: Seeded) -> None:
    csrf = sign_in(web, seeded.token)
    r = web.post("/me/signout", data={"csrf": csrf})
    assert r.status_code == 303
    web.cookies.clear()
    assert web.get("/me").status_code == 303


def test_console_needs_the_operator_key(web: TestClient) -> None:
    assert web.get("/admin").headers["location"] == "/admin/signin"
    assert web.post("/admin/signin", data=signin_data(web, "admin", key="wrong")).status_code == 401
    assert (
        web.post("/admin/repairs/1", data={"decision": "approve"}, headers=HTML).status_code == 401
    )
    r = web.post("/admin/signin", data=signin_data(web, "admin", key=OPERATOR_KEY))
    assert OPERATOR_KEY not in r.headers["set-cookie"]


def test_console_shows_state_and_approves_a_repair(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    csrf = sign_in_operator(web)
    page = web.get("/admin").text
    for text in (
        "City Market Regulator",
        "Car Rental Co",
        "Deposit-free rental",
        "Serious-violator list",
        "Approve repair",
        "Last refresh",
        "duckdb",
        "Integrity flags",
        "Review queue",
        "Ledger policies",
    ):
        assert text in page, text
    r = web.post(f"/admin/repairs/{seeded.repair_id}", data={"csrf": csrf, "decision": "approve"})
    assert r.status_code == 303
    with factory() as s:
        repair = s.get(RepairApplication, seeded.repair_id)
        assert repair is not None and repair.state == "approved"
        entry = s.get(ListEntry, repair.entry_id)
        assert entry is not None and entry.state == "ended"
    assert "Serious-violator list" not in web.get(f"/org/{FOODS}").text.split("Registration")[1]
    assert csrf_of(web.get("/admin").text) == csrf


def test_console_resolves_a_review_and_decides_a_flag(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    import datetime as dt

    from credo.access import parties
    from credo.access.models import Inquiry
    from credo.integrity import service as integrity
    from credo.integrity.flags import Flag
    from credo.integrity.models import IntegrityFlag
    from credo.rights import reviews
    from credo.rights.models import Review

    with factory() as s, s.begin():
        party, _ = parties.add(
            session=s, name="Console Lender", activities=[], purposes=["credit_decision"]
        )
        s.add(
            Inquiry(
                decision_id="dec_console",
                at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                party_id=party.id,
                subject_id=seeded.person_subject_id,
                kind="eligibility",
                purpose="credit_decision",
                answer=False,
                reason="below the program's score threshold",
                inputs="{}",
            )
        )
        s.flush()
        review = reviews.request(
            session=s,
            subject_id=seeded.person_subject_id,
            decision_id="dec_console",
            reason="income has risen",
        )
        [raised] = integrity.record(
            session=s,
            actor="test",
            flags=[Flag("rings", (seeded.person_subject_id,), {"members": 3})],
        )
        review_id, flag_id = review.id, raised.flag_id
    csrf = sign_in_operator(web)
    page = web.get("/admin").text
    assert "income has risen" in page and f"Clear flag {flag_id}" in page
    r = web.post(
        f"/admin/reviews/{review_id}",
        data={"csrf": csrf, "outcome": "overturned", "note": "evidence accepted"},
    )
    assert r.status_code == 303
    r = web.post(f"/admin/flags/{flag_id}", data={"csrf": csrf, "decision": "clear"})
    assert r.status_code == 303
    with factory() as s:
        decided = s.get(Review, review_id)
        assert decided is not None and decided.state == "overturned"
        flag = s.get(IntegrityFlag, flag_id)
        assert flag is not None and flag.state == "cleared"
    assert "No reviews are waiting." in web.get("/admin").text
