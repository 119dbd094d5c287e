"""Helpers: an identity provider that confirms an e-mail address, subjects by identifier."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from credo.subjects import service as subjects
from tests.api.helpers import add_furnisher
from tests.envelopes import PERSON

ADDRESS = "wang.fang@example.org"


def idp(factory: sessionmaker[Session]) -> dict[str, Any]:
    return add_furnisher(factory, "ID Check", "identity_provider", ["identity.verification"])


def verification(
    external_id: str = "idv-1", email: str | None = ADDRESS, who: str = PERSON
) -> dict[str, Any]:
    fields: dict[str, Any] = {"method": "document", "level": 2}
    if email is not None:
        fields["contact_email"] = email
    return {
        "external_id": external_id,
        "category": "identity.verification",
        "subject": {"scheme": "cn_ric", "id": who, "name": "Wang Fang"},
        "occurred_on": "2025-01-02",
        "fields": fields,
    }


def post(client: TestClient, furnisher: dict[str, Any], *envelopes: dict[str, Any]) -> None:
    response = client.post(
        "/v1/records", json={"records": list(envelopes)}, headers=furnisher["headers"]
    )
    assert response.status_code == 200, response.text


def subject_id(factory: sessionmaker[Session], who: str = PERSON) -> int:
    with factory() as s:
        return subjects.find(session=s, scheme="cn_ric", value=who).id
