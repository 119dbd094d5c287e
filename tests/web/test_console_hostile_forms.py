"""Hostile values in the operator console's decision forms (review 5): an id in the path is
ASCII digits within 1..MAX_ID, a decision is one of its buttons, a note or reason at most
what the API takes, a CSRF token any text; else 422 on the console's error page naming the
field and the value, never a 500, and nothing is decided."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from credo.core.audit import AuditEntry
from credo.core.types import MAX_ID
from credo.lists.models import RepairApplication
from tests.web.conftest import sign_in_operator, signin_data, web_app
from tests.web.seed import Seeded

HTML = {"accept": "text/html"}
BAD_IDS = ["9" * 20, "9" * 5000, str(MAX_ID + 1), "0", "abc", "１", "1_2"]
PATHS = {
    "repair_id": ("/admin/repairs/{}", {"decision": "approve"}),
    "review_id": ("/admin/reviews/{}", {"outcome": "upheld", "note": "checked"}),
    "flag_id": ("/admin/flags/{}", {"decision": "clear"}),
    "notice_id": ("/admin/notices/{}/retry", {}),
}


@pytest.fixture
def web(engine: Engine, op_settings: Settings, seeded: Seeded) -> Iterator[TestClient]:
    with TestClient(
        web_app(op_settings, engine), follow_redirects=False, raise_server_exceptions=False
    ) as client:
        yield client


def _page(response: object) -> str:
    return html.unescape(response.text)  # type: ignore[attr-defined]


def _audit_count(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


@pytest.mark.parametrize("field", sorted(PATHS))
@pytest.mark.parametrize("value", BAD_IDS, ids=[repr(v)[:12] for v in BAD_IDS])
def test_a_bad_id_in_the_path_is_422_naming_it(web: TestClient, field: str, value: str) -> None:
    csrf = sign_in_operator(web)
    path, form = PATHS[field]
    response = web.post(path.format(value), data={**form, "csrf": csrf}, headers=HTML)
    assert response.status_code == 422, response.text[:300]
    page = _page(response)
    assert f"{field} must be a whole number from 1 to {MAX_ID}" in page
    assert value[:60] in page


def test_a_repair_decision_that_is_no_button_is_422_and_decides_nothing(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    """Any decision but 'approve' was taken as a rejection (a missing one too)."""
    csrf = sign_in_operator(web)
    before = _audit_count(factory)
    for form in ({"decision": "approved", "reason": "x"}, {"reason": "x"}):
        response = web.post(
            f"/admin/repairs/{seeded.repair_id}", data={**form, "csrf": csrf}, headers=HTML
        )
        assert response.status_code == 422, response.text[:300]
        page = _page(response)
        assert "decision" in page and "not one of approve, reject" in page
        assert form.get("decision", "''") in page
    with factory() as s:
        repair = s.get(RepairApplication, seeded.repair_id)
        assert repair is not None and repair.state == "applied"
    assert _audit_count(factory) == before


@pytest.mark.parametrize(
    ("path", "form", "field"),
    [
        ("/admin/repairs/{repair}", {"decision": "reject"}, "reason"),
        ("/admin/flags/1", {"decision": "clear"}, "note"),
        ("/admin/reviews/1", {"outcome": "upheld"}, "note"),
    ],
)
def test_a_note_longer_than_the_api_takes_is_422(
    web: TestClient,
    factory: sessionmaker[Session],
    seeded: Seeded,
    path: str,
    form: dict[str, str],
    field: str,
) -> None:
    """The API takes at most 2,000 characters; the console stored up to the form's 64 KiB."""
    csrf = sign_in_operator(web)
    form = {**form, field: "y" * 2001, "csrf": csrf}
    response = web.post(path.format(repair=seeded.repair_id), data=form, headers=HTML)
    assert response.status_code == 422, response.text[:300]
    assert f"{field} must be at most 2000 characters (got 2001)" in _page(response)
    with factory() as s:
        repair = s.get(RepairApplication, seeded.repair_id)
        assert repair is not None and repair.state == "applied"


def test_a_repair_reason_of_2000_characters_is_taken(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    csrf = sign_in_operator(web)
    form = {"decision": "reject", "reason": "z" * 2000, "csrf": csrf}
    response = web.post(f"/admin/repairs/{seeded.repair_id}", data=form)
    assert response.status_code == 303
    with factory() as s:
        repair = s.get(RepairApplication, seeded.repair_id)
        assert repair is not None and repair.state == "rejected"


@pytest.mark.parametrize("token", ["é" * 40, "\u202e", "☃"], ids=["latin", "rtl", "snowman"])
def test_a_csrf_token_that_is_not_ascii_is_422_not_500(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded, token: str
) -> None:
    """compare_digest refuses str with non-ASCII characters (a TypeError: the page was a 500)."""
    sign_in_operator(web)
    response = web.post(
        f"/admin/repairs/{seeded.repair_id}",
        data={"csrf": token, "decision": "approve"},
        headers=HTML,
    )
    assert response.status_code == 422, response.text[:300]
    assert "CSRF token is missing or wrong" in _page(response)
    signin = web.post("/admin/signin", data={**signin_data(web, "admin", key="k"), "csrf": token})
    assert signin.status_code == 422, signin.text[:300]
    with factory() as s:
        repair = s.get(RepairApplication, seeded.repair_id)
        assert repair is not None and repair.state == "applied"


def test_review_buttons_name_the_review_not_a_decision_number(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    """'Overturn decision 1' named the review's id as if it were the decision's."""
    from credo.access import parties
    from credo.access.models import Inquiry
    from credo.core import clock
    from credo.rights import reviews

    with factory() as s, s.begin():
        party, _ = parties.add(
            session=s, name="Lender", activities=[], purposes=["credit_decision"]
        )
        s.add(
            Inquiry(
                decision_id="dec_77",
                at=clock.now(),
                party_id=party.id,
                subject_id=seeded.person_subject_id,
                kind="eligibility",
                purpose="credit_decision",
                answer=False,
                reason="below",
                inputs="{}",
            )
        )
        s.flush()
        review = reviews.request(
            session=s,
            subject_id=seeded.person_subject_id,
            decision_id="dec_77",
            reason="income has risen",
        )
        review_id = review.id
    sign_in_operator(web)
    page = web.get("/admin").text
    assert f"Overturn the decision (review {review_id})" in page
    assert f"Uphold the decision (review {review_id})" in page
    assert f"Overturn decision {review_id}" not in page
