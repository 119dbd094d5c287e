"""Programs (API and CLI) and consents through the API: creation, validation, listing, revoking."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from credo.access import rules
from credo.cli.access import register
from tests.access.conftest import World, grant
from tests.access.helpers import nothing_changed
from tests.api.helpers import assert_error
from tests.envelopes import TODAY

EXAMPLES = [
    (
        "deposit-free rental",
        "deposit_free_rental",
        [{"score_at_least": 600}, {"not_on_list": "defaulter"}],
    ),
    ("fast hotel checkout", "fast_checkout", [{"score_at_least": 650}]),
    (
        "green channel",
        "green_channel",
        [{"ledger_grade_at_least": {"scheme": "rongcheng", "grade": "AA"}}],
    ),
]


@pytest.mark.parametrize(("name", "purpose", "conditions"), EXAMPLES)
def test_party_defines_documented_programs(
    client: TestClient, world: World, name: str, purpose: str, conditions: list[Any]
) -> None:
    body = {"name": name, "purpose": purpose, "benefit": "b", "conditions": conditions}
    response = client.post(
        "/v1/programs",
        json=body,
        headers=world.b["headers"] if purpose == "green_channel" else world.a["headers"],
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["conditions"] == conditions and made["id"].startswith("prg_")
    assert set(made) == {"id", "name", "purpose", "benefit", "conditions", "created_at"}


def test_green_channel_without_a_ledger_grade_is_not_eligible(
    client: TestClient, world: World
) -> None:
    body = {"name": "g", "purpose": "green_channel", "benefit": "b", "conditions": EXAMPLES[2][2]}
    program = client.post("/v1/programs", json=body, headers=world.b["headers"]).json()["id"]
    grant(client, world.tokens["good"], program)
    check = {"subject": world.ref("good"), "program": program}
    answer = client.post("/v1/checks/eligibility", json=check, headers=world.b["headers"]).json()
    assert answer["eligible"] is False and answer["reason"] == rules.REASON_NO_GRADE


@pytest.mark.parametrize(
    ("change", "status", "field", "value"),
    [
        ({"conditions": [{"score_at_least": 300}]}, 422, "conditions.0.score_at_least", 300),
        ({"conditions": [{"score_at_least": 1000}]}, 422, "conditions.0.score_at_least", 1000),
        ({"conditions": [{"followers": 10}]}, 422, "conditions.0.followers", "followers"),
        ({"conditions": [{"on_list": "vip"}]}, 422, "conditions.0.on_list", "vip"),
        (
            {"conditions": [{"ledger_grade_at_least": {"scheme": "c", "grade": "Z"}}]},
            422,
            "conditions.0.ledger_grade_at_least.grade",
            "Z",
        ),
        ({"conditions": []}, 422, "conditions", []),
        ({"conditions": "score > 600"}, 422, "conditions", "score > 600"),
        ({"purpose": "marketing"}, 422, "purpose", "marketing"),
        ({"purpose": "visa_support"}, 403, "purpose", "visa_support"),  # not the party's
        ({"name": ""}, 422, "name", ""),
        ({"name": "rental"}, 409, "name", "rental"),  # taken
        ({"party_id": "rp_other"}, 422, "party_id", "rp_other"),
        ({"active": False}, 422, "active", False),
        # a list id of the wrong JSON type (unhashable: was a 500)
        (
            {"conditions": [{"not_on_list": ["defaulter"]}]},
            422,
            "conditions.0.not_on_list",
            ["defaulter"],
        ),
        ({"conditions": [{"on_list": {"red": 1}}]}, 422, "conditions.0.on_list", {"red": 1}),
        (  # "$" matched before a final newline: a scheme no ledger has was stored
            {"conditions": [{"ledger_grade_at_least": {"scheme": "rongcheng\n", "grade": "A"}}]},
            422,
            "conditions.0.ledger_grade_at_least.scheme",
            "rongcheng\n",
        ),
    ],
)
def test_bad_programs_are_refused_naming_field_and_value(
    client: TestClient,
    world: World,
    engine: Engine,
    change: dict[str, Any],
    status: int,
    field: str,
    value: Any,
) -> None:
    body = {
        "name": "new",
        "purpose": "fast_checkout",
        "benefit": "b",
        "conditions": [{"score_at_least": 600}],
        **change,
    }
    with nothing_changed(engine):
        response = client.post("/v1/programs", json=body, headers=world.a["headers"])
    assert_error(response, status, field=field, value=value)


def test_programs_list_only_the_partys_own(client: TestClient, world: World) -> None:
    mine = client.get("/v1/programs", headers=world.a["headers"]).json()["programs"]
    assert {p["name"] for p in mine} == {"rental", "checkout", "red"}
    one = client.get(f"/v1/programs/{world.programs['rental']}", headers=world.a["headers"])
    assert one.status_code == 200 and one.json()["name"] == "rental"


def test_consents_are_granted_listed_and_revoked(client: TestClient, world: World) -> None:
    me = world.tokens["good"]
    first = grant(client, me, world.programs["rental"])
    second = grant(client, me, world.programs["rental"], days=60)  # replaces the first
    opt_in = client.post("/v1/me/consents", json={"scope": "ledger:rongcheng"}, headers=me)
    assert opt_in.status_code == 201, opt_in.text
    assert opt_in.json()["party"] is None and opt_in.json()["expires_on"] is None
    listed = {c["id"]: c for c in client.get("/v1/me/consents", headers=me).json()["consents"]}
    assert listed[first]["state"] == "replaced" and listed[second]["state"] == "live"
    assert listed[second]["party"] == "Car Rental Co"
    assert listed[second]["program_name"] == "rental"
    assert listed[second]["expires_on"] == (TODAY + dt.timedelta(days=60)).isoformat()
    assert listed[second]["scope"] == f"program:{world.programs['rental']}"
    gone = client.delete(f"/v1/me/consents/{second}", headers=me)
    assert gone.json()["state"] == "revoked"
    again = client.delete(f"/v1/me/consents/{second}", headers=me)  # idempotent
    assert again.status_code == 200 and again.json()["ended_at"] == gone.json()["ended_at"]
    others = client.get("/v1/me/consents", headers=world.tokens["fair"]).json()["consents"]
    assert others == []


@pytest.mark.parametrize(
    ("body", "status", "field", "value"),
    [
        ({"program": "prg_nope", "expires_on": "2026-12-01"}, 404, "program", "prg_nope"),
        ({"program": "@rental"}, 422, "expires_on", None),
        ({"program": "@rental", "expires_on": "2026-11-20"}, 422, "expires_on", "2026-11-20"),
        ({"program": "@rental", "expires_on": "2028-01-01"}, 422, "expires_on", "2028-01-01"),
        ({"program": "@rental", "expires_on": "soon"}, 422, "expires_on", "soon"),
        # a date is written YYYY-MM-DD (as the portal's form and every other date in the API):
        # a number of seconds or a date-time at midnight was taken as a date
        ({"program": "@rental", "expires_on": 1796083200}, 422, "expires_on", 1796083200),
        (
            {"program": "@rental", "expires_on": "2026-12-01T00:00:00"},
            422,
            "expires_on",
            "2026-12-01T00:00:00",
        ),
        ({"program": "@rental", "expires_on": "1796083200"}, 422, "expires_on", "1796083200"),
        ({"scope": "ledger:"}, 422, "scope", "ledger:"),
        ({"scope": "ledger:rongcheng\n"}, 422, "scope", "ledger:rongcheng\n"),
        ({"scope": "score:all"}, 422, "scope", "score:all"),
        ({}, 422, "program", None),
        (
            {"program": "@rental", "scope": "ledger:x", "expires_on": "2026-12-01"},
            422,
            "program",
            None,
        ),
        (
            {"program": "@rental", "expires_on": "2026-12-01", "party_id": "rp_x"},
            422,
            "party_id",
            "rp_x",
        ),
        ({"program": "@rental", "expires_on": "2026-12-01", "subject_id": 1}, 422, "subject_id", 1),
    ],
)
def test_bad_consents_change_nothing(
    client: TestClient,
    world: World,
    engine: Engine,
    body: dict[str, Any],
    status: int,
    field: str,
    value: Any,
) -> None:
    if body.get("program") == "@rental":
        body = {**body, "program": world.programs["rental"]}
    with nothing_changed(engine):
        response = client.post("/v1/me/consents", json=body, headers=world.tokens["good"])
    details = assert_error(response, status, field=field)
    if value is not None:
        assert any(d["value"] == value for d in details), details


def test_cli_adds_parties_and_programs(tmp_path: Any) -> None:
    from credo.config import get_settings
    from credo.core.db import make_engine
    from credo.models import metadata

    metadata.create_all(make_engine(get_settings().database_url))  # the CLI's file store
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    added = runner.invoke(
        app,
        [
            "parties",
            "add",
            "Bike Share",
            "--activities",
            "air_travel",
            "--purposes",
            "deposit_free_rental",
            "--json",
        ],
    )
    assert added.exit_code == 0, added.output
    party = json.loads(added.stdout.strip().splitlines()[-1])
    assert set(party) == {"id", "api_key"} and party["api_key"].startswith("rk_")
    rule = json.dumps([{"score_at_least": 600}, {"not_on_list": "defaulter"}])
    made = runner.invoke(
        app,
        [
            "programs",
            "add",
            party["id"],
            "Bikes",
            "--purpose",
            "deposit_free_rental",
            "--benefit",
            "No deposit",
            "--conditions",
            rule,
            "--json",
        ],
    )
    assert made.exit_code == 0, made.output
    listed = runner.invoke(app, ["programs", "list", party["id"], "--json"])
    assert json.loads(listed.stdout.strip().splitlines()[-1])["programs"][0]["name"] == "Bikes"
    bad = runner.invoke(
        app,
        [
            "programs",
            "add",
            party["id"],
            "B2",
            "--purpose",
            "deposit_free_rental",
            "--benefit",
            "x",
            "--conditions",
            '[{"score_at_least": 200}]',
        ],
    )
    assert bad.exit_code == 1 and "200" in bad.output
    wrong = runner.invoke(app, ["parties", "add", "X", "--purposes", "spying"])
    assert wrong.exit_code == 1 and "spying" in wrong.output
    with make_engine(get_settings().database_url).connect() as conn:
        stored = conn.execute(
            text("SELECT secret_hash FROM credentials WHERE kind = 'relying_party'")
        ).scalar_one()
    assert party["api_key"].split(".", 1)[1] not in stored


@pytest.fixture
def cli_store() -> Iterator[Engine]:
    """The CLI's store (a SQLite file, as for the other CLI tests), with the schema. A
    201-character name passed there and failed on PostgreSQL (DataError, a traceback)."""
    from credo.config import get_settings
    from credo.core.db import make_engine
    from credo.models import metadata

    store = make_engine(get_settings().database_url)
    metadata.create_all(store)
    yield store
    store.dispose()


@pytest.mark.parametrize(
    ("name", "benefit", "conditions", "field"),
    [
        # a name given twice: the API refuses it (400 malformed_json); the CLI took the last
        (
            "dup",
            "b",
            '[{"score_at_least": 900, "score_at_least": 600}]',
            "conditions.0.score_at_least",
        ),
        ("big", "b", '[{"score_at_least": ' + "9" * 5000 + "}]", "conditions.0.score_at_least"),
        ("nan", "b", '[{"score_at_least": NaN}]', "conditions.0.score_at_least"),
        # what the API's ProgramIn refuses (and a PostgreSQL column would: a crash there)
        ("n" * 201, "b", '[{"score_at_least": 600}]', "name"),
        ("long benefit", "b" * 2001, '[{"score_at_least": 600}]', "benefit"),
    ],
)
def test_cli_refuses_programs_the_api_refuses(
    cli_store: Engine, name: str, benefit: str, conditions: str, field: str
) -> None:
    engine = cli_store
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    added = runner.invoke(
        app, ["parties", "add", "Bike Share", "--purposes", "deposit_free_rental", "--json"]
    )
    party = json.loads(added.stdout.strip().splitlines()[-1])["id"]
    made = runner.invoke(
        app,
        [
            "programs",
            "add",
            party,
            name,
            "--purpose",
            "deposit_free_rental",
            "--benefit",
            benefit,
            "--conditions",
            conditions,
        ],
    )
    assert made.exit_code == 1 and made.exception is not None, made.output
    assert isinstance(made.exception, SystemExit), repr(made.exception)
    assert f"'field': '{field}'" in made.output.replace("\n", ""), made.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM programs")).scalar_one() == 0


def test_cli_refuses_a_party_name_the_store_cannot_hold(cli_store: Engine) -> None:
    engine = cli_store
    app = typer.Typer()
    register(app)
    added = CliRunner().invoke(
        app, ["parties", "add", "p" * 201, "--purposes", "deposit_free_rental"]
    )
    assert added.exit_code == 1 and isinstance(added.exception, SystemExit), added.output
    assert "'field': 'name'" in added.output.replace("\n", ""), added.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM relying_parties")).scalar_one() == 0
