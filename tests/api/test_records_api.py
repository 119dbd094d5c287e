"""POST/PUT/DELETE/GET /v1/records: all-or-nothing batches, idempotency, versions, scoping."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.api.helpers import assert_error, counts, unchanged
from tests.envelopes import ORG, repayment


def post(client: TestClient, furnisher: dict[str, Any], *records: dict[str, Any]) -> Any:
    return client.post("/v1/records", json={"records": list(records)}, headers=furnisher["headers"])


def audit_types(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT event_type FROM audit_log ORDER BY seq")).scalars())


def test_batch_is_accepted_with_one_result_per_record(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    before = counts(engine)
    org = repayment("r-3", subject={"scheme": "cn_uscc", "id": ORG})
    response = post(client, bank, repayment("r-1"), repayment("r-2", amount="5.5"), org)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "results": [
            {"external_id": "r-1", "status": "accepted"},
            {"external_id": "r-2", "status": "accepted"},
            {"external_id": "r-3", "status": "accepted"},
        ]
    }
    after = counts(engine)
    assert after["records"] == before["records"] + 3
    assert after["subjects"] == before["subjects"] + 2
    assert after["audit_log"] == before["audit_log"] + 1
    assert audit_types(engine)[-1] == "records.accepted"
    got = client.get("/v1/records/r-2", headers=bank["headers"]).json()
    assert got["amount"] == "5.50" and got["state"] == "active" and got["version"] == 1
    assert got["history"] == []


def test_same_batch_again_is_all_duplicate_and_changes_nothing(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    assert post(client, bank, repayment("r-1"), repayment("r-2")).status_code == 200
    with unchanged(engine):
        response = post(client, bank, repayment("r-1"), repayment("r-2"))
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["duplicate", "duplicate"]


def test_mixed_batch_reports_duplicate_and_accepted_in_order(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    before = counts(engine)
    response = post(client, bank, repayment("r-1"), repayment("r-9"))
    assert response.json()["results"] == [
        {"external_id": "r-1", "status": "duplicate"},
        {"external_id": "r-9", "status": "accepted"},
    ]
    assert counts(engine)["records"] == before["records"] + 1
    assert counts(engine)["audit_log"] == before["audit_log"] + 1


def test_same_id_in_one_batch_twice_is_stored_once(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    response = post(client, bank, repayment("r-1"), repayment("r-1"))
    assert [r["status"] for r in response.json()["results"]] == ["accepted", "duplicate"]
    assert counts(engine)["records"] == 1


def test_same_id_other_payload_is_409_and_changes_nothing(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    with unchanged(engine):
        response = post(client, bank, repayment("r-new"), repayment("r-1", amount="99.00"))
    assert_error(response, 409, "external_id_conflict", field="external_id", value="r-1")
    assert client.get("/v1/records/r-new", headers=bank["headers"]).status_code == 404
    assert client.get("/v1/records/r-1", headers=bank["headers"]).json()["amount"] == "1200.00"


def test_idempotency_is_per_furnisher(
    client: TestClient, engine: Engine, bank: dict[str, Any], bank2: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    response = post(client, bank2, repayment("r-1", amount="7.00"))
    assert response.json()["results"] == [{"external_id": "r-1", "status": "accepted"}]
    assert client.get("/v1/records/r-1", headers=bank["headers"]).json()["amount"] == "1200.00"
    assert client.get("/v1/records/r-1", headers=bank2["headers"]).json()["amount"] == "7.00"


def test_exactly_max_batch_is_accepted(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    records = [repayment(f"r-{i}") for i in range(1000)]
    response = post(client, bank, *records)
    assert response.status_code == 200, response.text[:500]
    assert len(response.json()["results"]) == 1000
    assert counts(engine)["records"] == 1000


def test_correction_adds_a_version_and_keeps_history(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    before = counts(engine)
    body = repayment("r-1", amount="1300.00", fields={"loan_id": "L-88", "days_late": 3})
    response = client.put("/v1/records/r-1", json=body, headers=bank["headers"])
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["version"] == 2 and got["state"] == "corrected" and got["changed"] is True
    assert got["amount"] == "1300.00" and got["fields"]["days_late"] == 3
    (old,) = got["history"]
    assert old["version"] == 1 and old["reason"] == "corrected" and old["state"] == "active"
    assert old["content"]["amount_minor"] == 120000
    assert old["content"]["fields"] == {"loan_id": "L-88", "days_late": 0}
    after = counts(engine)
    assert after["records"] == before["records"]  # nothing added, nothing overwritten
    assert after["record_versions"] == before["record_versions"] + 1
    assert after["audit_log"] == before["audit_log"] + 1
    assert audit_types(engine)[-1] == "record.corrected"
    assert client.get("/v1/records/r-1", headers=bank["headers"]).json()["history"] == [old]

    # A second correction keeps both earlier versions.
    body = repayment("r-1", amount="1400.00")
    third = client.put("/v1/records/r-1", json=body, headers=bank["headers"]).json()
    assert third["version"] == 3
    assert [v["version"] for v in third["history"]] == [1, 2]
    assert third["history"][1]["content"]["amount_minor"] == 130000


def test_correction_without_external_id_in_body_uses_the_path(
    client: TestClient, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    body = repayment(amount="1.00")
    del body["external_id"]
    response = client.put("/v1/records/r-1", json=body, headers=bank["headers"])
    assert response.status_code == 200 and response.json()["amount"] == "1.00"


def test_correction_with_same_content_changes_nothing(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    with unchanged(engine):
        response = client.put("/v1/records/r-1", json=repayment("r-1"), headers=bank["headers"])
    assert response.status_code == 200
    assert response.json()["changed"] is False and response.json()["version"] == 1


def test_correction_body_id_must_match_path(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    with unchanged(engine):
        response = client.put("/v1/records/r-1", json=repayment("r-2"), headers=bank["headers"])
    assert_error(response, 422, field="external_id", value="r-2")


def test_invalid_correction_is_refused_and_changes_nothing(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    with unchanged(engine):
        response = client.put(
            "/v1/records/r-1", json=repayment("r-1", amount="-1.00"), headers=bank["headers"]
        )
    assert_error(response, 422, field="amount", value="-1.00", detail_code="negative_amount")


def test_correcting_a_missing_record_is_404(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    with unchanged(engine):
        response = client.put("/v1/records/nope", json=repayment("nope"), headers=bank["headers"])
    assert_error(response, 404, "not_found", field="external_id", value="nope")


def test_delete_marks_deleted_and_keeps_history(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    before = counts(engine)
    response = client.delete("/v1/records/r-1", headers=bank["headers"])
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["state"] == "deleted" and got["version"] == 2
    assert got["history"][0]["reason"] == "deleted"
    assert got["history"][0]["content"]["amount_minor"] == 120000
    after = counts(engine)
    assert after["records"] == before["records"]  # kept, only marked
    assert after["audit_log"] == before["audit_log"] + 1
    assert audit_types(engine)[-1] == "record.deleted"
    shown = client.get("/v1/records/r-1", headers=bank["headers"]).json()
    assert shown["state"] == "deleted" and shown["amount"] == "1200.00"


def test_deleting_twice_changes_nothing(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    first = client.delete("/v1/records/r-1", headers=bank["headers"])
    with unchanged(engine):
        second = client.delete("/v1/records/r-1", headers=bank["headers"])
    assert second.status_code == 200
    assert second.json() == first.json()


def test_correcting_a_deleted_record_is_409(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    client.delete("/v1/records/r-1", headers=bank["headers"])
    with unchanged(engine):
        response = client.put(
            "/v1/records/r-1", json=repayment("r-1", amount="5.00"), headers=bank["headers"]
        )
    assert_error(response, 409, "no_revival", field="external_id", value="r-1")


def test_resubmitting_a_deleted_record_does_not_revive_it(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    client.delete("/v1/records/r-1", headers=bank["headers"])
    with unchanged(engine):
        response = post(client, bank, repayment("r-1"))
    assert response.status_code == 200
    assert response.json()["results"] == [{"external_id": "r-1", "status": "duplicate"}]


def test_another_furnishers_record_is_404_like_a_missing_one(
    client: TestClient, engine: Engine, bank: dict[str, Any], bank2: dict[str, Any]
) -> None:
    post(client, bank, repayment("r-1"))
    headers = bank2["headers"]
    with unchanged(engine):
        theirs = [
            client.get("/v1/records/r-1", headers=headers),
            client.put("/v1/records/r-1", json=repayment("r-1", amount="1.00"), headers=headers),
            client.delete("/v1/records/r-1", headers=headers),
        ]
        missing = [
            client.get("/v1/records/r-0", headers=headers),
            client.put("/v1/records/r-0", json=repayment("r-0", amount="1.00"), headers=headers),
            client.delete("/v1/records/r-0", headers=headers),
        ]
    for mine, none in zip(theirs, missing, strict=True):
        assert_error(mine, 404, "not_found", field="external_id", value="r-1")
        assert mine.text.replace("r-1", "r-0") == none.text
    assert client.get("/v1/records/r-1", headers=bank["headers"]).json()["state"] == "active"


def test_read_shows_the_person_masked(client: TestClient, bank: dict[str, Any]) -> None:
    post(client, bank, repayment("r-1"))
    got = client.get("/v1/records/r-1", headers=bank["headers"])
    assert got.json()["subject"] == {"scheme": "cn_ric", "id": "110105********002X"}
    assert "11010519491231002X" not in got.text
