"""Hostile values in the portal's forms (review 2): a record id is ASCII digits within
1..MAX_ID, else 422 on the form's error page naming ``record_id`` and the value; a NUL in
a form field or the path is 422 too; never a 500, nothing stored."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings
from credo.core.types import MAX_ID
from credo.records.models import Record
from credo.rights.models import Dispute, Statement
from tests.web.conftest import sign_in, web_app
from tests.web.seed import Seeded

BAD_IDS = [
    "9" * 30,
    "9" * 5000,
    str(MAX_ID + 1),
    "0",
    "-1",
    "١",
    "１",
    "1_2",
    " 1",
    "1.0",
    "",
]


@pytest.mark.parametrize("path", ["/me/statements", "/me/disputes"])
@pytest.mark.parametrize("value", BAD_IDS, ids=[repr(v)[:12] for v in BAD_IDS])
def test_a_bad_record_id_is_422_naming_it(
    engine: Engine,
    op_settings: Settings,
    factory: sessionmaker[Session],
    seeded: Seeded,
    path: str,
    value: str,
) -> None:
    with TestClient(
        web_app(op_settings, engine), follow_redirects=False, raise_server_exceptions=False
    ) as web:
        csrf = sign_in(web, seeded.token)
        form = {"record_id": value, "text": "hi", "reason": "not mine", "csrf": csrf}
        response = web.post(path, data=form, headers={"accept": "text/html"})
    assert response.status_code == 422, response.text[:300]
    assert "text/html" in response.headers["content-type"]
    page = html.unescape(response.text)
    assert "record_id" in page and f"must be a whole number from 1 to {MAX_ID}" in page
    if value:
        assert value[:64] in page
    with factory() as s:
        assert s.execute(select(func.count()).select_from(Statement)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Dispute)).scalar_one() == 0


def test_the_largest_id_is_a_missing_record_not_an_error(web: TestClient, seeded: Seeded) -> None:
    csrf = sign_in(web, seeded.token)
    form = {"record_id": str(MAX_ID), "text": "hi", "csrf": csrf}
    response = web.post("/me/statements", data=form, headers={"accept": "text/html"})
    assert response.status_code == 404


def test_a_good_record_id_still_works(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    csrf = sign_in(web, seeded.token)
    with factory() as s:
        record = s.execute(select(Record).where(Record.external_id == "rep-2")).scalar_one()
    form = {"record_id": str(record.id), "text": "paid on time", "csrf": csrf}
    response = web.post("/me/statements", data=form)
    assert response.status_code == 303


def test_a_nul_in_a_form_or_path_is_422(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    csrf = sign_in(web, seeded.token)
    with factory() as s:
        record = s.execute(select(Record).where(Record.external_id == "rep-2")).scalar_one()
    accept = {"accept": "text/html"}
    text = web.post(
        "/me/statements",
        data={"record_id": str(record.id), "text": "paid\x00", "csrf": csrf},
        headers=accept,
    )
    revoke = web.post("/me/consents/%00/revoke", data={"csrf": csrf}, headers=accept)
    for response, field in ((text, "text"), (revoke, "path")):
        assert response.status_code == 422, response.text[:300]
        page = html.unescape(response.text)
        assert field in page and "\\u0000" in page and "\x00" not in page
    with factory() as s:
        assert s.execute(select(func.count()).select_from(Statement)).scalar_one() == 0


@pytest.mark.parametrize(
    "value", ["20991201", "2099-W49-2", "2099-12-1", "1796083200", "2099-02-30"]
)
def test_a_consent_date_not_written_yyyy_mm_dd_is_422_as_in_the_api(
    engine: Engine, op_settings: Settings, factory: sessionmaker[Session], seeded: Seeded,
    value: str,
) -> None:
    """The portal takes the dates the API takes: YYYY-MM-DD only (date.fromisoformat also
    took 20991201 and the week form 2099-W49-2)."""
    from credo.access.models import Consent

    with factory() as s:
        before = s.execute(select(func.count()).select_from(Consent)).scalar_one()
    with TestClient(
        web_app(op_settings, engine), follow_redirects=False, raise_server_exceptions=False
    ) as web:
        csrf = sign_in(web, seeded.token)
        form = {"program_id": "prg_any", "expires_on": value, "csrf": csrf}
        response = web.post("/me/consents", data=form, headers={"accept": "text/html"})
    assert response.status_code == 422, response.text[:300]
    page = html.unescape(response.text)
    assert "expires_on must be a date written YYYY-MM-DD" in page and value in page
    with factory() as s:
        assert s.execute(select(func.count()).select_from(Consent)).scalar_one() == before


def test_a_form_body_over_the_limit_is_a_page_not_json(
    engine: Engine, op_settings: Settings, seeded: Seeded
) -> None:
    """A browser's upload over CREDO_MAX_BODY is answered before the app reads it: 413 as
    the site's error page for a browser (it was a raw JSON body), JSON for an API client."""
    small = op_settings.model_copy(update={"max_body": 64 * 1024})
    with TestClient(
        web_app(small, engine), follow_redirects=False, raise_server_exceptions=False
    ) as web:
        csrf = sign_in(web, seeded.token)
        big = b"%PDF-1.4\n" + b"0" * (80 * 1024)
        response = web.post(
            "/me/proofs",
            data={"csrf": csrf, "record_id": "1", "note": "paid"},
            files={"document": ("big.pdf", big, "application/pdf")},
            headers={"accept": "text/html"},
        )
        assert response.status_code == 413
        assert "text/html" in response.headers["content-type"]
        page = html.unescape(response.text)
        assert f"over the limit of {64 * 1024} bytes" in page and "<html" in page.lower()
        api = web.post("/v1/records", content=b"{" + b" " * (65 * 1024) + b"}",
                       headers={"content-type": "application/json"})  # fmt: skip
        assert api.status_code == 413 and api.json()["error"]["code"] == "too_large"
