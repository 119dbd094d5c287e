"""A serious-violator entry's notices say what its *tier* restricts: minor and general entries
are published but restrict nothing, so they are announced as publications (``listing.published``,
``publication.ended``), never as restrictions, and not decided as if they restricted; a serious
entry's notices name its five activities (not the defaulter list's eleven)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.lists import rules as R
from credo.notices.delivery import Worker
from credo.notices.models import Notice
from tests.envelopes import ORG
from tests.lists.conftest import at, penalty, refresh, token
from tests.notices.conftest import SmtpServer
from tests.notices.helpers import idp, post

OPERATOR = {"Authorization": "Bearer op-test-key-0123456789"}
ADDRESS = "compliance@example.org"
SERIOUS_MEANS = (
    "From 2025-01-02 until 2028-01-02, relying parties will refuse you buying property, "
    "buying luxury cars, star-rated hotels, nightclubs and golf courses and high-premium "
    "insurance."
)


@pytest.mark.parametrize(
    ("list_id", "tier", "expected"),
    [
        (R.SERIOUS_VIOLATOR, "minor", ()),
        (R.SERIOUS_VIOLATOR, "general", ()),
        (R.SERIOUS_VIOLATOR, "serious", R.LISTS[R.SERIOUS_VIOLATOR].restricts),
        (R.SERIOUS_VIOLATOR, "unheard_of", R.LISTS[R.SERIOUS_VIOLATOR].restricts),
        (R.DEFAULTER, None, tuple(R.RESTRICTIONS)),
        (R.RED, None, ()),
    ],
)
def test_restrictions_are_the_lists_and_the_tiers(
    list_id: str, tier: str | None, expected: tuple[str, ...]
) -> None:
    assert R.restrictions(R.LISTS[list_id], tier) == expected
    if tier in R.TIERS:
        assert bool(R.restrictions(R.LISTS[list_id], tier)) is R.TIERS[tier].restricts


def _org_email() -> dict[str, Any]:
    return {
        "external_id": "idv-org",
        "category": "identity.verification",
        "subject": {"scheme": "cn_uscc", "id": ORG, "name": "Test Kitchen Ltd"},
        "occurred_on": "2025-01-02",
        "fields": {"method": "document", "level": 2, "contact_email": ADDRESS},
    }


def _notices(client: TestClient, me: dict[str, str]) -> list[dict[str, Any]]:
    return list(client.get("/v1/me/notices", headers=me).json()["notices"])


def _decided_payloads(factory: sessionmaker[Session]) -> dict[int, dict[str, Any]]:
    """entry id -> the payload of its repair.decided notice (the inbox copy)."""
    with factory() as s:
        rows = s.scalars(
            select(Notice).where(Notice.kind == "repair.decided", Notice.channel == "inbox")
        )
        return {p["entry_id"]: p for p in (json.loads(n.payload) for n in rows)}


def _repair(client: TestClient, me: dict[str, str], entry_id: int) -> None:
    applied = client.post(
        "/v1/me/repairs", json={"entry_id": entry_id, "statement": "fine paid"}, headers=me
    )
    assert applied.status_code == 201, applied.text
    decided = client.post(
        f"/v1/admin/repairs/{applied.json()['id']}", json={"decision": "approve"},
        headers=OPERATOR,
    )  # fmt: skip
    assert decided.status_code == 200, decided.text


def test_each_tier_is_noticed_and_only_a_restricting_tier_names_restrictions(
    client: TestClient,
    factory: sessionmaker[Session],
    regulator: dict[str, Any],
    smtp: SmtpServer,
    worker: Worker,
) -> None:
    at("2025-01-10")
    post(client, idp(factory), _org_email())
    post(
        client,
        regulator,
        penalty("p-1", "2025-01-02", "general", "drug_safety"),
        penalty("p-2", "2025-01-02", "minor", "construction_safety"),
    )
    refresh(factory)
    me = token(factory, ORG)
    lists = client.get("/v1/me/lists", headers=me).json()
    entries = {e["ref"]: e for e in lists["entries"]}
    assert set(entries) == {"D-p-1", "D-p-2"} and lists["restrictions"] == []
    published = _notices(client, me)  # published, restricting nothing: told so
    assert [n["kind"] for n in published] == ["listing.published"] * 2
    assert all("restricts nothing" in n["means"] for n in published)
    assert not any("refuse you" in n["means"] for n in published)
    worker.run_once()
    assert len(smtp.sink.messages) == 2

    post(client, regulator, penalty("p-3", "2025-01-02", "serious"))
    refresh(factory)
    entered = _notices(client, me)[0]
    assert entered["kind"] == "listing.entered" and "serious violators" in entered["title"]
    assert entered["means"].startswith(SERIOUS_MEANS)
    assert "flying" not in entered["means"] and "high-speed" not in entered["means"]
    worker.run_once()
    mail = smtp.sink.messages[-1]
    assert mail["To"] == ADDRESS and SERIOUS_MEANS in smtp.sink.body(mail)

    refresh(factory, "2025-04-02")  # the minor entry's term ends: it restricted nothing
    by_ref = {e["ref"]: e for e in client.get("/v1/me/lists", headers=me).json()["entries"]}
    assert by_ref["D-p-2"]["removal_reason"] == "term_expired"
    kinds = [n["kind"] for n in _notices(client, me)]
    assert kinds == ["publication.ended", "listing.entered", *["listing.published"] * 2]

    at("2025-04-07")  # the general entry may be repaired after three months
    _repair(client, me, entries["D-p-1"]["id"])
    kinds = [n["kind"] for n in _notices(client, me)]
    # the repair's decision, and the entry's end told as every end is: a publication ended
    # (it restricted nothing: no "You may again use ...")
    assert kinds[:3] == ["repair.decided", "publication.ended", "publication.ended"]
    assert _decided_payloads(factory)[entries["D-p-1"]["id"]]["restricts"] == []

    at("2026-01-05")  # the serious entry after twelve months
    serious_id = by_ref["D-p-3"]["id"]
    _repair(client, me, serious_id)
    assert _decided_payloads(factory)[serious_id]["restricts"] == list(
        R.LISTS[R.SERIOUS_VIOLATOR].restricts
    )
    assert client.get("/v1/me/lists", headers=me).json()["restrictions"] == []
    kinds = [n["kind"] for n in _notices(client, me)]
    assert kinds[:5] == [
        "repair.decided", "restriction.lifted", "repair.decided", "publication.ended",
        "publication.ended",
    ]  # fmt: skip
    worker.run_once()
    bodies = [smtp.sink.body(m) for m in smtp.sink.messages]
    assert len(smtp.sink.unique()) == len(bodies) == 8  # each notice mailed once
    assert sum("approved your application" in b for b in bodies) == 2
    assert not any("refuse you nothing" in b or "use nothing" in b for b in bodies)
