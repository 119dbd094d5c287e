"""What the store keeps about subjects: persons only as HMAC + mask, organisations in clear."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from stdnum.cn import ric

from credo.subjects.identifiers import keyed_hash
from tests.api.helpers import add_furnisher
from tests.conftest import TEST_SECRET
from tests.envelopes import ORG, PERSON, repayment

OTHER = "11010519800101002" + ric.calc_check_digit("11010519800101002" + "0")


def rows(engine: Engine, table: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table}"))]


def leaks(number: str, row: dict[str, Any]) -> list[str]:
    """Columns of a row that hold the number, its lower-case form or its first 14 characters."""
    needles = (number, number.lower(), number[:14], number[6:14] + number[14:17])
    return [k for k, v in row.items() if any(n in str(v) for n in needles)]


def test_person_is_stored_as_hmac_and_mask_only(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    person = repayment("r-1", subject={"scheme": "cn_ric", "id": PERSON.lower(), "name": "Wang"})
    org = repayment("r-2", subject={"scheme": "cn_uscc", "id": ORG, "name": "Foods Ltd"})
    response = client.post("/v1/records", json={"records": [person, org]}, headers=bank["headers"])
    assert response.status_code == 200, response.text
    subjects = {r["scheme"]: r for r in rows(engine, "subjects")}
    assert set(subjects) == {"cn_ric", "cn_uscc"}

    stored = subjects["cn_ric"]
    assert stored["kind"] == "person"
    assert stored["lookup_key"] == keyed_hash(TEST_SECRET.encode(), "cn_ric", PERSON)
    assert stored["display_id"] == "110105********002X"
    assert leaks(PERSON, stored) == []
    for table in ("records", "audit_log", "record_versions"):
        for row in rows(engine, table):
            assert leaks(PERSON, row) == [], (table, row)

    organisation = subjects["cn_uscc"]
    assert organisation["kind"] == "organisation"
    assert organisation["lookup_key"] == ORG and organisation["display_id"] == ORG


def test_same_person_written_differently_is_one_subject(
    client: TestClient, engine: Engine, bank: dict[str, Any]
) -> None:
    records = [
        repayment("r-1", subject={"scheme": "cn_ric", "id": PERSON}),
        repayment("r-2", subject={"scheme": "cn_ric", "id": PERSON.lower()}),
        repayment("r-3", subject={"scheme": "cn_ric", "id": " 110105 19491231 002X"}),
    ]
    client.post("/v1/records", json={"records": records[:1]}, headers=bank["headers"])
    client.post("/v1/records", json={"records": records[1:]}, headers=bank["headers"])
    assert len(rows(engine, "subjects")) == 1
    assert len({r["subject_id"] for r in rows(engine, "records")}) == 1


def test_counterparty_of_a_transfer_is_pseudonymised(
    client: TestClient, engine: Engine, factory: Any
) -> None:
    platform = add_furnisher(factory, "Pay", "payment_platform", ["payment.transfer"])
    envelope = {
        "external_id": "t-1",
        "category": "payment.transfer",
        "subject": {"scheme": "cn_ric", "id": PERSON},
        "occurred_on": "2026-06-01",
        "amount": "10.00",
        "currency": "CNY",
        "fields": {"counterparty_scheme": "cn_ric", "counterparty_id": OTHER, "direction": "out"},
    }
    response = client.post("/v1/records", json={"records": [envelope]}, headers=platform["headers"])
    assert response.status_code == 200, response.text
    (record,) = rows(engine, "records")
    assert leaks(OTHER, record) == []
    assert keyed_hash(TEST_SECRET.encode(), "cn_ric", OTHER) in record["fields"]
    shown = client.get("/v1/records/t-1", headers=platform["headers"])
    assert OTHER not in shown.text and PERSON not in shown.text
