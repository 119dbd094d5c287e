"""The portal, the printable page and the API show one report (``rights.report.build``)."""

from __future__ import annotations

import html
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from credo.subjects.models import Subject
from credo.web import views
from tests.web.conftest import sign_in
from tests.web.seed import Seeded


def _api_report(web: TestClient, token: str) -> dict[str, Any]:
    answer = web.get("/v1/me/report", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()
    return report


def _shown(page: str, value: Any, where: str) -> None:
    assert html.escape(str(value), quote=False) in page or str(value) in page, (where, value)


def test_the_portal_renders_the_report_the_api_answers(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    api = _api_report(web, seeded.token)
    with factory() as s:
        subject = s.get(Subject, seeded.person_subject_id)
        assert subject is not None
        portal = views.portal(session=s, subject=subject)["report"].model_dump(mode="json")
    # one builder: the portal's report is the API's, field by field
    assert set(portal) == set(api)
    for field in api:
        assert portal[field] == api[field], field

    sign_in(web, seeded.token)
    for path in ("/me", "/me/report"):
        page = web.get(path).text
        score = api["score"]
        assert score is not None
        _shown(page, f"Score <strong>{score['score']}</strong>", f"{path} score")
        _shown(page, f"band <strong>{score['band']}</strong>", f"{path} band")
        for reason in score["reasons"]:
            _shown(page, reason["text"], f"{path} reason")
        for change in score["to_raise"]:
            _shown(page, change["text"], f"{path} what would raise it")
        assert api["records"], "the seed holds records"
        for record in api["records"]:
            _shown(page, f'id="record-{record["record_id"]}"', f"{path} record row")
            for key in ("occurred_on", "furnisher"):
                _shown(page, record[key], f"{path} record {key}")
            kind = record["category"].replace(".", " ").replace("_", " ")  # in words
            _shown(page, f"<td>{kind}</td>", f"{path} record category")
            if record["statement"]:
                _shown(page, record["statement"], f"{path} statement")
        for removed in api["removed"]:
            _shown(page, f"Record {removed['record_id']}", f"{path} removed")
            _shown(page, removed["why"], f"{path} removed why")
        for entry in api["lists"] + api["pending_listings"]:
            _shown(page, entry["list_title"], f"{path} list entry")
        assert api["inquiries"], "the seed holds an inquiry"
        for inquiry in api["inquiries"]:
            _shown(page, inquiry["party"], f"{path} inquiry party")
            _shown(page, inquiry["reason"], f"{path} inquiry reason")
        for consent in api["consents"]:
            _shown(page, consent["scope"], f"{path} consent")
        for ledger in api["ledgers"]:
            _shown(page, ledger["scheme"], f"{path} ledger")
        for repair in api["repairs"]:
            _shown(page, f"Credit-repair application {repair['id']}", f"{path} repair")
