"""The organisation page shows grade and ratings with their reasons; the report page; the
organisation answers its ratings (reply, appeal, re-rating) through the portal."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from credo.register import service
from credo.subjects import tokens
from tests.web.conftest import sign_in
from tests.web.seed import FOODS, PERSON_ID, PERSON_NAME, Seeded


def _graded(factory: sessionmaker[Session]) -> str:
    with factory() as s, s.begin():
        service.publish(session=s)
        return tokens.issue(session=s, scheme="cn_uscc", value=FOODS, days=5)[1]


def test_org_page_shows_grade_ratings_and_reasons(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    assert "Not graded yet" in web.get(f"/org/{FOODS}").text
    _graded(factory)
    html = web.get(f"/org/{FOODS}").text
    assert "Public credit grade" in html and 'grade-C">C</strong>' in html
    assert "A court judgment not yet fulfilled" in html and "On the serious-violator list" in html
    assert "Food safety: <strong>3 / 5</strong>" in html
    assert "inspection IN-77 graded B: rating 4" in html
    assert 'href="/v1/public/grade-policy"' in html and f'/org/{FOODS}/report.pdf' in html
    assert "credit score" not in html.lower() and "350" not in html


def test_report_page_is_printable(web: TestClient, factory: sessionmaker[Session]) -> None:
    _graded(factory)
    r = web.get(f"/org/{FOODS}/report")
    assert r.status_code == 200 and "Public credit report" in r.text
    assert 'href="/static/credo.css"' in r.text and "<style>" not in r.text
    assert "JS-2026-17" in r.text and PERSON_NAME not in r.text and PERSON_ID not in r.text
    assert web.get("/org/91110000600037341X/report").status_code == 404


def test_portal_reply_appeal_and_rerating(
    web: TestClient, factory: sessionmaker[Session]
) -> None:
    token = _graded(factory)
    csrf = sign_in(web, token)
    me = web.get("/me").text
    assert "Your safety ratings" in me and "appeals until 2026-" in me
    r = web.post("/me/ratings/food/reply", data={"csrf": csrf, "text": "Kitchen rebuilt."})
    assert r.status_code == 303 and r.headers["location"] == "/me?done=reply#ratings"
    r = web.post("/me/ratings/food/appeal", data={"csrf": csrf, "reason": "Wrong kitchen."})
    assert r.status_code == 303
    r = web.post("/me/ratings/food/rerating", data={"csrf": csrf, "reason": "Hoods fixed."})
    assert r.status_code == 303
    me = web.get("/me?done=rerating").text
    assert "(under appeal)" in me and "Re-rating requested on" in me
    public = web.get(f"/org/{FOODS}").text
    assert "under appeal" in public and "Kitchen rebuilt." in public
    bad = web.post("/me/ratings/food/appeal", data={"csrf": "nope", "reason": "x"})
    assert bad.status_code == 422


def test_a_person_sees_no_ratings_section(web: TestClient, seeded: Seeded) -> None:
    sign_in(web, seeded.token)
    assert "Your safety ratings" not in web.get("/me").text
