"""Eligibility and restriction checks through the API: answers, reasons, consent, inquiries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from credo.access import checks, rules
from credo.core import clock
from tests.access.conftest import World, grant
from tests.access.helpers import nothing_changed
from tests.api.helpers import assert_error
from tests.envelopes import TODAY

ELIGIBILITY_KEYS = {"eligible", "decision_id", "reason", "review"}
RESTRICTION_KEYS = {"restricted", "decision_id", "reason"}


def eligibility(client: TestClient, world: World, who: str, program: str, party: str = "a") -> Any:
    body = {"subject": world.ref(who), "program": world.programs[program]}
    return client.post(
        "/v1/checks/eligibility", json=body, headers=getattr(world, party)["headers"]
    )


def assert_no_leak(response: Any) -> None:
    """Nothing of the file crosses: no score, sub-score, list entry text, record or reasons."""
    body = response.json()
    assert set(body) in (ELIGIBILITY_KEYS, RESTRICTION_KEYS)
    shown = " ".join(str(v) for k, v in body.items() if k != "decision_id")
    for secret in ("640", "580", "720", "610", "550", "SECRET", "band", "case-", "record"):
        assert secret not in shown, (secret, shown)
    assert "SECRET" not in response.text


@pytest.mark.parametrize(
    ("who", "program", "eligible", "reason"),
    [
        ("good", "rental", True, rules.REASON_ELIGIBLE),
        ("fair", "rental", False, rules.REASON_BELOW),
        ("unscored", "rental", False, rules.REASON_NO_SCORE),
        ("defaulter", "rental", False, "on the defaulter list"),
        ("good", "checkout", False, rules.REASON_BELOW),  # the latest score counts: 640 < 650
        ("red", "red", True, rules.REASON_ELIGIBLE),
        ("good", "red", False, "not on the red list"),
    ],
)
def test_eligibility_answers_with_a_category(
    client: TestClient, world: World, who: str, program: str, eligible: bool, reason: str
) -> None:
    grant(client, world.tokens[who], world.programs[program])
    response = eligibility(client, world, who, program)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == ELIGIBILITY_KEYS
    assert body["eligible"] is eligible
    assert body["reason"] == reason
    assert body["decision_id"].startswith("dec_")
    assert "review" in body["review"]
    assert_no_leak(response)


def test_every_check_is_an_inquiry_with_its_inputs(
    client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    consent = grant(client, world.tokens["fair"], world.programs["rental"])
    first = eligibility(client, world, "fair", "rental").json()
    body = {"subject": world.ref("fair"), "activity": "air_travel"}
    second = client.post("/v1/checks/restriction", json=body, headers=world.a["headers"]).json()
    with factory() as s:
        found = checks.inquiries_for(session=s, subject_id=world.subject_ids["fair"], since=TODAY)
        later = checks.inquiries_for(
            session=s, subject_id=world.subject_ids["fair"], since=TODAY + dt.timedelta(days=1)
        )
        others = checks.inquiries_for(session=s, subject_id=world.subject_ids["good"])
    assert later == [] and others == []
    assert [q["decision_id"] for q in found] == [first["decision_id"], second["decision_id"]]
    asked = found[0]
    assert asked["party"] == "Car Rental Co" and asked["purpose"] == "deposit_free_rental"
    assert asked["program_id"] == world.programs["rental"] and asked["answer"] is False
    assert asked["reason"] == rules.REASON_BELOW
    assert asked["inputs"]["score"] == 580  # kept for human review, never sent to the party
    assert asked["inputs"]["lists"] == []
    assert found[1]["kind"] == "restriction" and found[1]["purpose"] == "restriction_check"
    assert consent


def test_no_consent_no_answer_and_nothing_logged(
    client: TestClient, world: World, engine: Engine
) -> None:
    with nothing_changed(engine):
        response = eligibility(client, world, "good", "rental")
    assert_error(response, 403, "consent_required", field="subject.id")


def test_unknown_subject_looks_like_no_consent(
    client: TestClient, world: World, engine: Engine
) -> None:
    import random

    from tests.api.helpers import make_ric

    body = {
        "subject": {"scheme": "cn_ric", "id": make_ric(random.Random(99))},
        "program": world.programs["rental"],
    }
    with nothing_changed(engine):
        response = client.post("/v1/checks/eligibility", json=body, headers=world.a["headers"])
    assert_error(response, 403, "consent_required")


def test_consent_to_one_program_does_not_cover_another(
    client: TestClient, world: World, engine: Engine
) -> None:
    grant(client, world.tokens["good"], world.programs["checkout"])
    with nothing_changed(engine):
        assert eligibility(client, world, "good", "rental").status_code == 403


def test_revoked_consent_is_refused_at_once(
    client: TestClient, world: World, engine: Engine
) -> None:
    consent = grant(client, world.tokens["good"], world.programs["rental"])
    assert eligibility(client, world, "good", "rental").status_code == 200
    revoked = client.delete(f"/v1/me/consents/{consent}", headers=world.tokens["good"])
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    with nothing_changed(engine):
        assert_error(eligibility(client, world, "good", "rental"), 403, "consent_required")


def test_expired_consent_is_refused(client: TestClient, world: World, engine: Engine) -> None:
    grant(client, world.tokens["good"], world.programs["rental"], days=3)
    assert eligibility(client, world, "good", "rental").status_code == 200
    clock.freeze(dt.datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=dt.UTC) + dt.timedelta(4))
    with nothing_changed(engine):
        assert_error(eligibility(client, world, "good", "rental"), 403, "consent_required")


def test_a_consent_granted_later_does_not_cover_an_earlier_check(
    client: TestClient, world: World, engine: Engine
) -> None:
    """A check at a moment before the consent was granted (a clock set back, a restore) has
    no consent to rest on, on the fast path and on the session path (ledger conditions)."""
    green = client.post(
        "/v1/programs",
        json={
            "name": "green",
            "purpose": "green_channel",
            "benefit": "b",
            "conditions": [{"ledger_grade_at_least": {"scheme": "rongcheng", "grade": "B"}}],
        },
        headers=world.b["headers"],
    ).json()["id"]
    grant(client, world.tokens["good"], world.programs["rental"])
    grant(client, world.tokens["good"], green)
    clock.freeze(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 11, 59, tzinfo=dt.UTC))
    body = {"subject": world.ref("good"), "program": green}
    with nothing_changed(engine):
        assert_error(eligibility(client, world, "good", "rental"), 403, "consent_required")
        refused = client.post("/v1/checks/eligibility", json=body, headers=world.b["headers"])
        assert_error(refused, 403, "consent_required")
    clock.freeze(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC))
    assert eligibility(client, world, "good", "rental").status_code == 200
    answered = client.post("/v1/checks/eligibility", json=body, headers=world.b["headers"])
    assert answered.status_code == 200, answered.text


@pytest.mark.parametrize(
    ("body", "status", "field", "value"),
    [
        (
            {"subject": {"scheme": "cn_ric", "id": "110105194912310021"}},
            422,
            "subject.id",
            "110105194912310021",
        ),
        ({"subject": {"scheme": "ssn_mars", "id": "1"}}, 422, "subject.scheme", "ssn_mars"),
        ({"program": "prg_doesnotexist"}, 404, "program", "prg_doesnotexist"),
        ({"program": 12}, 422, "program", 12),
        ({"subject": "11010519491231002X"}, 422, "subject", "11010519491231002X"),
    ],
)
def test_bad_checks_name_field_and_value(
    client: TestClient,
    world: World,
    engine: Engine,
    body: dict[str, Any],
    status: int,
    field: str,
    value: Any,
) -> None:
    grant(client, world.tokens["good"], world.programs["rental"])
    request = {"subject": world.ref("good"), "program": world.programs["rental"], **body}
    with nothing_changed(engine):
        response = client.post("/v1/checks/eligibility", json=request, headers=world.a["headers"])
    assert_error(response, status, field=field, value=value)


@pytest.mark.parametrize(
    ("who", "activity", "restricted"),
    [
        ("defaulter", "air_travel", True),
        ("good", "air_travel", False),
        ("red", "air_travel", False),
    ],
)
def test_restriction_checks_need_no_consent(
    client: TestClient,
    world: World,
    factory: sessionmaker[Session],
    who: str,
    activity: str,
    restricted: bool,
) -> None:
    body = {"subject": world.ref(who), "activity": activity}
    response = client.post("/v1/checks/restriction", json=body, headers=world.a["headers"])
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == RESTRICTION_KEYS and answer["restricted"] is restricted
    assert_no_leak(response)
    with factory() as s:
        (logged,) = checks.inquiries_for(session=s, subject_id=world.subject_ids[who])
    assert logged["decision_id"] == answer["decision_id"] and logged["answer"] is restricted


def test_restriction_on_unknown_subject_is_no_and_logged(
    client: TestClient, world: World, engine: Engine
) -> None:
    body = {"subject": {"scheme": "cn_ric", "id": "11010519491231002X"}, "activity": "air_travel"}
    response = client.post("/v1/checks/restriction", json=body, headers=world.a["headers"])
    assert response.json()["restricted"] is False
    from sqlalchemy import text

    with engine.connect() as conn:
        inputs = conn.execute(text("SELECT inputs FROM inquiries")).scalar_one()
    assert json.loads(inputs)["subject_known"] is False


def test_restriction_checks_do_the_same_work_for_known_and_unknown(
    client: TestClient, world: World, engine: Engine
) -> None:
    """The answer for an unknown subject is the one for a known subject not restricted, and
    so is the work behind it: the same statements, so time does not tell who is on file."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    def check(value: str) -> list[str]:
        body = {"subject": {"scheme": "cn_ric", "id": value}, "activity": "air_travel"}
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.post("/v1/checks/restriction", json=body, headers=world.a["headers"])
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert response.json()["restricted"] is False, response.text
        return list(statements)

    check(world.ids["good"])  # the key in the cache for both
    known = check(world.ids["fair"])
    unknown = check("11010519491231002X")
    assert known == unknown


@pytest.mark.parametrize(
    ("activity", "status", "code"),
    [("star_hotel", 403, "forbidden"), ("space_travel", 422, "invalid_input")],
)
def test_restriction_outside_the_partys_activities(
    client: TestClient, world: World, engine: Engine, activity: str, status: int, code: str
) -> None:
    body = {"subject": world.ref("defaulter"), "activity": activity}
    with nothing_changed(engine):
        response = client.post("/v1/checks/restriction", json=body, headers=world.a["headers"])
    assert_error(response, status, code, field="activity", value=activity)


def test_checks_for_a_missing_program_spend_the_rate(client: TestClient, world: World) -> None:
    """A check for a program that does not exist is charged like any other: 404s cannot be
    sent past the rate limit (the session path charged them; the fast path did not)."""
    from credo.access.ratelimit import TokenBuckets

    client.app.state.access_limiter = TokenBuckets(rate=0.001, burst=2)  # type: ignore[attr-defined]
    body = {"subject": world.ref("good"), "program": "prg_nosuchprogram"}
    answers = [
        client.post("/v1/checks/eligibility", json=body, headers=world.a["headers"]).status_code
        for _ in range(3)
    ]
    assert answers == [404, 404, 429]


@pytest.mark.parametrize("path", ["/v1/checks/restriction", "/v1/checks/eligibility"])
def test_identifiers_in_other_digits_are_refused_not_read_as_another_person(
    client: TestClient, world: World, path: str
) -> None:
    """Full-width or superscript digits are not a resident number: int() reads full-width
    digits, so they passed as a second key for the same person (a listed defaulter written
    in full-width digits was answered 'not restricted'); superscripts were a 500."""
    listed = world.ids["defaulter"]
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in listed)
    for value in (full_width, "\u00b2" * 18):
        body: dict[str, Any] = {"subject": {"scheme": "cn_ric", "id": value}}
        body.update(
            {"activity": "air_travel"}
            if path.endswith("restriction")
            else {"program": next(iter(world.programs.values()))}
        )
        response = client.post(path, json=body, headers=world.a["headers"])
        assert response.status_code == 422, response.text
        assert_error(response, 422, "invalid_identifier", field="subject.id", value=value)
        assert "0-9" in response.json()["error"]["message"]
