"""The portal's statement and proof forms (issue 17)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.furnishers.models import Furnisher
from credo.records.models import Record
from credo.rights.models import Proof, Statement
from tests.web.conftest import sign_in
from tests.web.seed import Seeded

PDF = b"%PDF-1.4\n%%EOF\n"


def test_statement_form_saves_and_shows_the_statement(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    csrf = sign_in(web, seeded.token)
    with factory() as s:
        record = s.execute(select(Record).where(Record.external_id == "rep-2")).scalar_one()
    assert 'action="/me/statements"' in web.get("/me").text
    form = {"record_id": str(record.id), "text": "The bank booked my payment late.", "csrf": csrf}
    r = web.post("/me/statements", data=form)
    assert r.status_code == 303 and r.headers["location"].startswith("/me?done=statement")
    assert "The bank booked my payment late." in web.get("/me").text
    with factory() as s:
        assert s.execute(select(Statement.text)).scalar_one() == form["text"]


def test_proof_form_queues_the_proof(
    web: TestClient, factory: sessionmaker[Session], seeded: Seeded
) -> None:
    with factory() as s, s.begin():
        court = s.execute(select(Furnisher).where(Furnisher.kind == "court")).scalars().first()
        assert court is not None
        s.add(
            Record(
                furnisher_id=court.id,
                external_id="jud-me",
                category="court.judgment",
                subject_id=seeded.person_subject_id,
                occurred_on=clock.today(),
                amount_minor=None,
                currency=None,
                legal_basis="Civil Procedure Law art. 255",
                fields=json.dumps({"case_number": "(2026)me"}),
                state="active",
                version=1,
                content_hash="0" * 64,
                received_at=clock.now(),
            )
        )
    csrf = sign_in(web, seeded.token)
    page = web.get("/me").text
    assert 'action="/me/proofs"' in page and 'enctype="multipart/form-data"' in page
    with factory() as s:
        rid = s.execute(select(Record.id).where(Record.external_id == "jud-me")).scalar_one()
    fields = {"record_id": str(rid), "note": "Paid at the court counter", "csrf": csrf}
    bad = web.post(
        "/me/proofs", data=fields, files={"document": ("x.pdf", b"not a pdf", "application/pdf")}
    )
    assert bad.status_code == 422 and "checked by its content" in bad.text
    r = web.post("/me/proofs", data=fields, files={"document": ("r.pdf", PDF, "application/pdf")})
    assert r.status_code == 303, r.text
    assert "Proof of fulfilment 1 for record" in web.get("/me").text
    no_csrf = web.post(
        "/me/proofs",
        data={**fields, "csrf": "0" * 40},
        files={"document": ("r.pdf", PDF, "application/pdf")},
    )
    assert no_csrf.status_code == 422
    with factory() as s:
        assert [p.state for p in s.execute(select(Proof)).scalars()] == ["submitted"]
