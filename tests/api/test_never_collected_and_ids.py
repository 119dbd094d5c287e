"""Never-collected names in any spelling and at any depth; external ids a path can carry."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.helpers import assert_error, unchanged
from tests.envelopes import repayment


def _post(client: TestClient, bank: dict[str, Any], envelope: dict[str, Any]) -> Any:
    return client.post("/v1/records", json={"records": [envelope]}, headers=bank["headers"])


@pytest.mark.parametrize(
    ("place", "name"),
    [
        ("fields", "Religion"),
        ("fields", "ethnicGroup"),
        ("fields", "BLOOD-TYPE"),
        ("fields", "ｒｅｌｉｇｉｏｎ"),
        ("envelope", "politicalParty"),
        ("subject", "Religion"),
    ],
)
def test_never_collected_in_any_spelling(
    client: TestClient, engine: Engine, bank: dict[str, Any], place: str, name: str
) -> None:
    envelope = repayment("nc-1")
    target = {"fields": envelope["fields"], "envelope": envelope, "subject": envelope["subject"]}
    target[place][name] = "x"
    with unchanged(engine):
        response = _post(client, bank, envelope)
    details = assert_error(response, 422)
    assert any(d.get("code") == "never_collected" for d in details), details
    assert not any(d.get("code") == "unknown_field" for d in details), details


@pytest.mark.parametrize(
    "nested",
    [
        {"notes": {"religion": "x"}},
        {"notes": [{"meta": {"GPS": [1, 2]}}]},
        {"loan_id": {"healthStatus": "x"}},
    ],
)
def test_never_collected_nested_inside_an_object(
    client: TestClient, engine: Engine, bank: dict[str, Any], nested: dict[str, Any]
) -> None:
    envelope = repayment("nc-2")
    envelope["fields"] = {**envelope["fields"], **nested}
    with unchanged(engine):
        response = _post(client, bank, envelope)
    details = assert_error(response, 422)
    assert any(d.get("code") == "never_collected" for d in details), details
    assert not any(d.get("code") == "unknown_field" for d in details), details


@pytest.mark.parametrize(
    "external_id",
    ["a/b", "../x", ".", "..", " r-1", "r 1", "r?1", "r#1", "r%2F1", "é-1", "-r", "x" * 129, ""],
)
def test_external_id_outside_the_charset_is_refused(
    client: TestClient, engine: Engine, bank: dict[str, Any], external_id: str
) -> None:
    with unchanged(engine):
        response = _post(client, bank, repayment(external_id))
    assert_error(response, 422, field="external_id")


def test_every_allowed_external_id_can_be_read_corrected_and_deleted(
    client: TestClient, bank: dict[str, Any]
) -> None:
    for external_id in ("bank7-000123", "A.b_c:d~e-9", "9" * 128):
        assert _post(client, bank, repayment(external_id)).status_code == 200
        got = client.get(f"/v1/records/{external_id}", headers=bank["headers"])
        assert got.status_code == 200, got.text
        assert got.json()["external_id"] == external_id
        gone = client.delete(f"/v1/records/{external_id}", headers=bank["headers"])
        assert gone.status_code in (200, 204), gone.text
