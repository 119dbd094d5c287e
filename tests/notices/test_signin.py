"""Signing in to one's own file through an e-mailed, single-use link: no operator involved."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.core.credentials import Credential
from credo.notices import signin
from credo.notices.delivery import Worker
from credo.notices.models import Notice
from tests.api.helpers import make_ric
from tests.envelopes import PERSON, repayment
from tests.notices.conftest import SmtpServer
from tests.notices.helpers import ADDRESS, idp, post, verification
from tests.web.conftest import csrf_of

T0 = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
STRANGER = make_ric(random.Random(5))


def _ask(client: TestClient, email: str = ADDRESS, who: str = PERSON) -> Any:
    return client.post("/v1/signin/links", json={"scheme": "cn_ric", "id": who, "email": email})


def _link(smtp: SmtpServer) -> str:
    body = smtp.sink.body(smtp.sink.messages[-1])
    match = re.search(r"https://credo\.example(/me/link/\S+)", body)
    assert match, body
    return match.group(1)


def test_a_person_signs_in_through_the_emailed_link_once(
    client: TestClient,
    factory: sessionmaker[Session],
    bank: dict[str, Any],
    smtp: SmtpServer,
    worker: Worker,
) -> None:
    clock.freeze(T0)
    post(client, idp(factory), verification())
    post(client, bank, repayment("r-1"))
    known = _ask(client)
    assert known.status_code == 202
    for unknown in (_ask(client, "someone.else@example.org"), _ask(client, ADDRESS, STRANGER)):
        assert (unknown.status_code, unknown.json()) == (202, known.json())
    assert known.json()["message"] == signin.ANSWER
    with factory() as s:
        (notice,) = s.scalars(select(Notice).where(Notice.kind == "signin.link"))
        assert "sl_" not in notice.payload  # the outbox never holds the token
    worker.run_once()
    (message,) = smtp.sink.messages
    assert message["To"] == ADDRESS and message["Subject"] == "Your sign-in link"
    path = _link(smtp)
    with factory() as s:  # stored hashed: the token is nowhere in the store
        (link,) = s.scalars(select(Credential).where(Credential.kind == "signin_link"))
        secret = path.rsplit(".", 1)[1]
        assert link.single_use and secret not in link.secret_hash
        assert link.expires_at == T0 + dt.timedelta(minutes=15)

    page = client.get(path)
    assert page.status_code == 200 and "Sign in to my file" in page.text
    # whose file it opens, masked: a link another person sent is seen not to be one's own
    assert f"{PERSON[:6]}********{PERSON[-4:]}" in page.text and PERSON not in page.text
    assert "If that is not your identifier, do not go on" in " ".join(page.text.split())
    csrf = csrf_of(page.text)
    # login CSRF: another site's form posting the link (no token, or this browser's cookie
    # without its token) signs no one in and leaves the link unused
    with TestClient(client.app, base_url=str(client.base_url)) as other_site:
        assert other_site.post(path, follow_redirects=False).status_code == 422
    forged = client.post(path, data={"csrf": "x" * len(csrf)}, follow_redirects=False)
    assert forged.status_code == 422 and "CSRF" in forged.text
    signed = client.post(path, data={"csrf": csrf}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/me"
    mine = client.get("/me")
    assert mine.status_code == 200 and "My file" in mine.text and "L-88" in mine.text

    inbox = client.get("/me/inbox")
    assert inbox.status_code == 200 and "How credo reaches you" in inbox.text
    assert ADDRESS in inbox.text and "Tell me every time someone checks my file" in inbox.text

    again = client.post(path, data={"csrf": csrf}, follow_redirects=False)
    assert again.status_code == 410 and "already used" in again.text
    assert "Ask for a new link" in again.text


def test_a_late_link_is_refused_with_a_clear_page(
    client: TestClient, factory: sessionmaker[Session], smtp: SmtpServer, worker: Worker
) -> None:
    clock.freeze(T0)
    post(client, idp(factory), verification())
    assert _ask(client).status_code == 202
    worker.run_once()
    path = _link(smtp)
    clock.freeze(T0 + dt.timedelta(minutes=16))
    late = client.get(path)
    assert late.status_code == 410 and "has expired" in late.text
    assert "<form" not in late.text.split("</header>")[-1].split("Ask for a new link")[0]
    signin_page = client.get("/me/signin")
    used = client.post(path, data={"csrf": csrf_of(signin_page.text)}, follow_redirects=False)
    assert used.status_code == 410
    forged = client.get("/me/link/sl_0123456789abcdef.not-a-real-secret")
    assert forged.status_code == 410 and "not one credo sent" in forged.text


def test_sign_in_requests_are_rate_limited_per_identifier_and_address(
    client: TestClient, factory: sessionmaker[Session], settings: Any
) -> None:
    clock.freeze(T0)
    post(client, idp(factory), verification())
    for n in range(settings.signin_rate):
        assert _ask(client, f"guess{n}@example.org").status_code == 202
    limited = _ask(client)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert "identifier" in limited.json()["error"]["message"]
    for n in range(settings.signin_rate):  # one address tried against many identifiers
        _ask(client, "victim@example.org", make_ric(random.Random(100 + n)))
    by_address = _ask(client, "victim@example.org", STRANGER)
    assert by_address.status_code == 429 and "address" in by_address.json()["error"]["message"]
    clock.freeze(T0 + dt.timedelta(minutes=61))
    assert _ask(client).status_code == 202  # an hour later the identifier may ask again


def test_a_malformed_address_is_refused_naming_the_field(client: TestClient) -> None:
    response = _ask(client, "not an address")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "email"


def test_the_signin_page_offers_the_email_link(client: TestClient) -> None:
    page = client.get("/me/signin")
    assert 'action="/me/signin/email"' in page.text
    sent = client.post(
        "/me/signin/email",
        data={"scheme": "cn_ric", "identifier": PERSON, "email": ADDRESS},
    )
    assert sent.status_code == 200 and signin.ANSWER in sent.text
    bad = client.post(
        "/me/signin/email", data={"scheme": "cn_ric", "identifier": PERSON, "email": "x@"}
    )
    assert bad.status_code == 422 and "email" in bad.text


def test_a_bad_identifier_or_scheme_is_refused_naming_the_field_of_this_request(
    client: TestClient,
) -> None:
    # the body's fields are scheme, id and email: an error names those, not subject.id
    bad_id = _ask(client, who="1101051949123100")
    assert bad_id.status_code == 422
    assert [d["field"] for d in bad_id.json()["error"]["details"]] == ["id"]
    assert "1101051949123100" in bad_id.json()["error"]["message"]
    bad_scheme = client.post(
        "/v1/signin/links", json={"scheme": "zz", "id": PERSON, "email": ADDRESS}
    )
    assert bad_scheme.status_code == 422
    assert [d["field"] for d in bad_scheme.json()["error"]["details"]] == ["scheme"]
