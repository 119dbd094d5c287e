"""Proof of fulfilment through the API (issue 17): checked by content, queued for the
furnisher for 3 working days then the operator; accepted, it lifts the restriction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings, get_settings
from credo.core import clock
from credo.notices.models import Notice
from credo.records.models import Record
from tests.api.helpers import assert_error, unchanged
from tests.conftest import PG_URL
from tests.envelopes import PERSON
from tests.lists.conftest import (
    OPERATOR,
    OPERATOR_KEY,
    OTHER_PERSON,
    at,
    judgment,
    listing,
    post,
    refresh,
    token,
)

CASE = "(2025)京0105执7号"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CREDO_OPERATOR_KEY", OPERATOR_KEY)
    monkeypatch.setenv("CREDO_PROOF_MAX_BYTES", "1000")
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def listed(
    client: TestClient, court: dict[str, Any], factory: sessionmaker[Session]
) -> dict[str, Any]:
    at("2025-01-10")
    post(
        client,
        court,
        judgment("j-1", CASE, "2024-11-01", "2024-12-01"),
        listing("l-1", CASE, "2025-01-05"),
        judgment("j-9", "(2025)other", "2024-11-01", "2024-12-01", OTHER_PERSON),
    )
    refresh(factory, "2025-01-10")
    with factory() as s:
        ids = {e: i for e, i in s.execute(select(Record.external_id, Record.id))}
    return {"ids": ids, "me": token(factory), "court": court["headers"]}


def _send(
    client: TestClient,
    who: dict[str, str],
    record_id: int,
    data: bytes,
    kind: str,
    note: str = "Paid in full",
) -> Any:
    return client.post(
        "/v1/me/proofs",
        headers=who,
        data={"record_id": str(record_id), "note": note},
        files={"document": ("receipt", data, kind)},
    )


def _restricted(client: TestClient, me: dict[str, str]) -> bool:
    return bool(client.get("/v1/me/lists", headers=me).json()["restrictions"])


def test_accepted_proof_lifts_the_restriction_at_once(
    client: TestClient, listed: dict[str, Any], engine: Engine
) -> None:
    me = listed["me"]
    sent = _send(client, me, listed["ids"]["l-1"], PDF, "application/pdf")
    assert sent.status_code == 201, sent.text
    proof = sent.json()
    assert proof["deadline"] == "2025-01-15" and proof["queue"] == "furnisher"  # 3 working days
    queued = client.get("/v1/furnisher/proofs", headers=listed["court"]).json()
    assert [p["id"] for p in queued] == [proof["id"]]
    accepted = client.post(
        f"/v1/furnisher/proofs/{proof['id']}",
        headers=listed["court"],
        json={"outcome": "accepted", "note": "payment confirmed"},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["fulfilment_record_id"] is not None
    entries = client.get("/v1/me/lists", headers=me).json()
    assert client.get("/v1/me/lists", headers=me).json()["restrictions"] == []
    listing_entry = [e for e in entries["entries"] if e["rule"] == "defaulter.court_listing"]
    assert [(e["state"], e["removal_reason"]) for e in listing_entry] == [("ended", "fulfilled")]
    (mine,) = client.get("/v1/me/proofs", headers=me).json()
    assert mine["state"] == "accepted"
    report = client.get("/v1/me/report", headers=me).json()
    assert [(p["id"], p["state"]) for p in report["proofs"]] == [(proof["id"], "accepted")]
    with Session(engine) as s:
        kinds = {(n.kind, n.channel) for n in s.execute(select(Notice)).scalars()}
    assert ("proof.submitted", "webhook") in kinds and ("proof.decided", "inbox") in kinds


def test_unanswered_proof_goes_to_the_operator(
    client: TestClient, listed: dict[str, Any]
) -> None:
    sent = _send(client, listed["me"], listed["ids"]["j-1"], PNG, "image/png").json()
    assert client.get("/v1/admin/proofs", headers=OPERATOR).json() == []
    early = client.post(
        f"/v1/admin/proofs/{sent['id']}", headers=OPERATOR, json={"outcome": "accepted"}
    )
    assert early.status_code == 403
    at("2025-01-16")
    assert client.get("/v1/furnisher/proofs", headers=listed["court"]).json() == []
    (late,) = client.get("/v1/admin/proofs", headers=OPERATOR).json()
    assert late["id"] == sent["id"] and late["queue"] == "operator"
    decided = client.post(
        f"/v1/admin/proofs/{sent['id']}",
        headers=OPERATOR,
        json={"outcome": "rejected", "note": "illegible"},
    )
    assert decided.status_code == 200 and decided.json()["state"] == "rejected"


def test_bad_proofs_store_nothing(
    client: TestClient, listed: dict[str, Any], engine: Engine
) -> None:
    me, ids = listed["me"], listed["ids"]
    with unchanged(engine):
        empty = _send(client, me, ids["l-1"], b"", "application/pdf")
        assert_error(empty, 422, field="document")
        large = _send(client, me, ids["l-1"], PDF + b"x" * 2000, "application/pdf")
        assert_error(large, 413, field="document")
        fake = _send(client, me, ids["l-1"], b"MZ\x90\x00 not a pdf", "application/pdf")
        assert_error(fake, 422, field="document")
        assert "content" in fake.json()["error"]["message"]
        liar = _send(client, me, ids["l-1"], PNG, "application/pdf")
        assert_error(liar, 422, field="document", value="application/pdf")
        theirs = _send(client, me, ids["j-9"], PDF, "application/pdf")
        assert_error(theirs, 404, field="record_id")
    with unchanged(engine):
        assert client.get("/v1/me/proofs", headers=me).json() == []
    assert PERSON
    assert clock.today() == dt.date(2025, 1, 10)


def test_the_same_document_sent_again_is_one_proof(
    client: TestClient, listed: dict[str, Any], engine: Engine
) -> None:
    """A double click or a retried upload of the same file while the first waits is a 409
    naming the waiting proof: one proof, one notice to the furnisher. Once that proof is
    decided the same file may be sent again (a rejected proof re-sent with a new note)."""
    me, record_id = listed["me"], listed["ids"]["l-1"]
    first = _send(client, me, record_id, PDF, "application/pdf")
    assert first.status_code == 201, first.text
    again = _send(client, me, record_id, PDF, "application/pdf", note="sent twice")
    assert again.status_code == 409, again.text
    error = again.json()["error"]
    assert error["code"] == "conflict" and f"proof {first.json()['id']}" in error["message"]
    assert [p["id"] for p in client.get("/v1/me/proofs", headers=me).json()] == [
        first.json()["id"]
    ]
    with Session(engine) as s:
        told = [n for n in s.execute(select(Notice)).scalars() if n.kind == "proof.submitted"]
    assert len(told) == 1
    rejected = client.post(
        f"/v1/furnisher/proofs/{first.json()['id']}",
        headers=listed["court"],
        json={"outcome": "rejected", "note": "unreadable"},
    )
    assert rejected.status_code == 200, rejected.text
    assert _send(client, me, record_id, PDF, "application/pdf").status_code == 201


def test_the_api_refuses_what_the_portal_refuses_in_a_proof(
    client: TestClient, listed: dict[str, Any]
) -> None:
    """One rule in rights.proofs for both doors: a control character in the file name is a
    422 naming the document (the API stored it; PostgreSQL refused it with a generic error),
    and an over-size document is told its real size, not where reading stopped."""
    me, record_id = listed["me"], listed["ids"]["l-1"]
    bound = b"credo-test-boundary"  # raw: httpx would percent-encode the name
    body = b"".join(
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (bound, k, v)
        for k, v in ((b"record_id", str(record_id).encode()), (b"note", b"Paid"))
    ) + (
        b'--%s\r\nContent-Disposition: form-data; name="document"; filename="a\x01b.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%s\r\n--%s--\r\n" % (bound, PDF, bound)
    )
    named = client.post(
        "/v1/me/proofs",
        content=body,
        headers={**me, "content-type": f"multipart/form-data; boundary={bound.decode()}"},
    )
    details = assert_error(named, 422, "invalid_input", field="document")
    assert details[0]["value"] == "a\\u0001b.pdf"
    limit = client.app.state.settings.proof_max_bytes  # type: ignore[attr-defined]
    big = PDF + b"0" * (limit + 5000)
    large = _send(client, me, record_id, big, "application/pdf")
    assert_error(large, 413, field="document", value=len(big))
    assert client.get("/v1/me/proofs", headers=me).json() == []


@pytest.mark.skipif(not PG_URL, reason="two sessions at once need a server store")
def test_the_same_document_sent_twice_at_once_is_one_proof(
    factory: sessionmaker[Session], listed: dict[str, Any]
) -> None:
    """Two sends of one document at once (a double click reaching two workers) both look
    before either has committed; the store's unique index on waiting proofs refuses the
    second (409), so there is one proof and one furnisher notice."""
    import threading

    from credo.errors import Conflict
    from credo.rights import proofs
    from credo.rights.models import Proof
    from credo.subjects.service import find

    with factory() as s:
        sid = find(session=s, scheme="cn_ric", value=PERSON).id
    ask = {"subject_id": sid, "record_id": listed["ids"]["l-1"], "note": "Paid",
           "filename": "receipt.pdf", "media_type": "application/pdf", "data": PDF,
           "max_bytes": 1 << 20}  # fmt: skip
    outcome: dict[str, object] = {}

    def second() -> None:
        with factory() as s:
            try:
                with s.begin():
                    proofs.submit(session=s, **ask)  # type: ignore[arg-type]
                outcome["second"] = "stored"
            except Conflict as exc:
                outcome["second"] = exc

    first = factory()
    try:
        with first.begin():
            proofs.submit(session=first, **ask)  # type: ignore[arg-type]
            thread = threading.Thread(target=second)
            thread.start()
            thread.join(1.0)  # its insert waits on the first's uncommitted row
    finally:
        first.close()
    thread.join(30)
    assert isinstance(outcome.get("second"), Conflict), outcome
    with factory() as s:
        assert s.query(Proof).count() == 1
        told = [n for n in s.execute(select(Notice)).scalars() if n.kind == "proof.submitted"]
        assert len(told) == 1


@pytest.mark.skipif(not PG_URL, reason="two sessions at once need a server store")
def test_two_answers_to_one_proof_at_once_decide_it_once(
    factory: sessionmaker[Session], client: TestClient, listed: dict[str, Any]
) -> None:
    """The furnisher's answer locks the proof: a second answer at once (two clerks, a double
    click) waits for the first and is a 409; it read the proof still open and stored a
    second fulfilment record."""
    import threading

    from credo.errors import Conflict
    from credo.rights import proofs
    from credo.rights.models import Proof

    sent = _send(client, listed["me"], listed["ids"]["l-1"], PDF, "application/pdf")
    assert sent.status_code == 201, sent.text
    proof_id = sent.json()["id"]
    with factory() as s:
        furnisher_id = s.get(Proof, proof_id).furnisher_id  # type: ignore[union-attr]
    outcome: dict[str, object] = {}

    def second() -> None:
        with factory() as s:
            try:
                with s.begin():
                    proofs.decide(session=s, proof_id=proof_id, accept=True, note="again",
                                  furnisher_id=furnisher_id)  # fmt: skip
                outcome["second"] = "decided"
            except Conflict as exc:
                outcome["second"] = exc

    first = factory()
    try:
        with first.begin():
            proofs.decide(session=first, proof_id=proof_id, accept=True, note="paid",
                          furnisher_id=furnisher_id)  # fmt: skip
            thread = threading.Thread(target=second)
            thread.start()
            thread.join(1.0)  # waits on the first answer's lock
    finally:
        first.close()
    thread.join(30)
    assert isinstance(outcome.get("second"), Conflict), outcome
    with factory() as s:
        fulfilments = s.execute(
            select(Record).where(Record.category == "court.fulfilment")
        ).scalars().all()
        assert len(fulfilments) == 1
