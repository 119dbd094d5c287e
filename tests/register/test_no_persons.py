"""No person in any public answer, export or page: search every public surface for the
listed persons' names and identifiers (a person with a public-category court judgment and a
defaulter listing is added to make the test bite)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.furnishers.models import Furnisher
from credo.lists import service as lists
from credo.register import export, service
from credo.subjects.models import Subject
from tests.register.fixtures import Registry
from tests.web.seed import ORGS, PERSON_ID, PERSON_NAME, _store

CASE = "(2026)PERSON-ONLY-77"


def _list_the_person(factory: sessionmaker[Session]) -> list[str]:
    """A judgment, a listing and a defaulter entry about the person; their identifiers."""
    today = clock.today()
    person = {"scheme": "cn_ric", "id": PERSON_ID, "name": PERSON_NAME}
    with factory() as s, s.begin():
        court = s.execute(select(Furnisher).where(Furnisher.kind == "court")).scalar_one()
        _store(s, court, [
            {"external_id": "p-jud", "category": "court.judgment", "subject": person,
             "occurred_on": (today - dt.timedelta(days=200)).isoformat(), "amount": "900.00",
             "currency": "CNY", "legal_basis": "Civil Procedure Law art. 255",
             "fields": {"case_number": CASE, "court_name": "Haidian People's Court",
                        "judgment_type": "monetary",
                        "due_on": (today - dt.timedelta(days=150)).isoformat()}},
            {"external_id": "p-list", "category": "court.listing", "subject": person,
             "occurred_on": (today - dt.timedelta(days=100)).isoformat(),
             "legal_basis": "SPC Provisions art. 1",
             "fields": {"case_number": CASE, "court_name": "Haidian People's Court",
                        "ground": "able_but_refuses"}},
        ])
        lists.refresh_lists(session=s, as_of=today)
        service.publish(session=s)
        subject = s.execute(select(Subject).where(Subject.kind == "person")).scalar_one()
        return [PERSON_NAME, PERSON_ID, PERSON_ID.lower(), subject.display_id,
                subject.lookup_key, CASE, "Wang", "L-88"]


def _clean(text: str, needles: list[str], where: str) -> None:
    for needle in needles:
        assert needle not in text, f"{needle!r} found in {where}"


def test_no_person_on_any_public_surface(
    api: TestClient, factory: sessionmaker[Session], registry: Registry, tmp_path: Path
) -> None:
    needles = _list_the_person(factory)
    surfaces: list[tuple[str, str]] = [("/", ""), ("/v1/public/grade-policy", "")]
    for q in (PERSON_NAME, PERSON_ID, PERSON_ID[:6], "Wang", CASE, "beijing", "co"):
        surfaces += [(f"/?q={q}", q), (f"/v1/public/organisations?q={q}", q)]
    for code in ORGS:
        surfaces += [(f"/org/{code}", ""), (f"/org/{code}/report", ""),
                     (f"/v1/public/organisations/{code}", "")]
    for url, echo in surfaces:
        r = api.get(url)
        assert r.status_code == 200, (url, r.status_code)
        assert '"hits":[]' in r.text or "No organisation matches" in r.text or echo in (
            "", "beijing", "co")
        _clean(r.text.replace(echo, "") if echo else r.text, needles, url)  # the query echoed
    for url in (f"/v1/public/organisations/{PERSON_ID}", f"/org/{PERSON_ID}",
                f"/org/{PERSON_ID}/report"):
        r = api.get(url)
        assert r.status_code == 404
        _clean(r.text.replace(PERSON_ID, ""), needles[:1] + needles[3:], url)
    with factory() as s, s.begin():
        manifest = export.export(session=s, folder=tmp_path)
    con = duckdb.connect()
    for path in Path(manifest["path"]).iterdir():
        if path.suffix == ".parquet":
            text = "\n".join(
                str(row) for row in con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
            )
        else:
            text = path.read_text(encoding="utf-8")
        _clean(text, needles, path.name)
    assert manifest["rows"]["organisations"] == len(ORGS)
