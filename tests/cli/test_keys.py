"""`credo keys issue/list/revoke` and `credo subjects revoke-token`: revocation bites at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from credo.api.app import create_app
from credo.cli.main import app
from credo.config import get_settings
from credo.core.db import make_engine
from tests.envelopes import PERSON, repayment


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def last_json(result: Any) -> Any:
    return json.loads(result.stdout.strip().splitlines()[-1])


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_revoked_furnisher_key_is_refused_and_a_new_one_works(tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    added = last_json(
        cli(
            "furnishers",
            "add",
            "Bank",
            "--kind",
            "bank",
            "--categories",
            "loan.repayment",
            "--json",
        )
    )
    old = added["api_key"]
    old_id = old.split(".")[0].removeprefix("fk_")
    second = cli("keys", "issue", "furnisher", added["id"], "--json")
    assert second.exit_code == 0, second.output
    new = last_json(second)["api_key"]
    listed = last_json(cli("keys", "list", added["id"], "--json"))["keys"]
    assert sorted(k["id"] for k in listed) == sorted([old_id, last_json(second)["id"]])
    assert all(k["revoked_at"] is None for k in listed)

    revoked = cli("keys", "revoke", old_id, "--json")
    assert revoked.exit_code == 0, revoked.output
    assert last_json(revoked)["holder"] == added["id"]
    again = cli("keys", "revoke", old_id, "--json")  # twice changes nothing
    assert last_json(again)["revoked_at"] == last_json(revoked)["revoked_at"]

    settings = get_settings()
    with TestClient(create_app(settings, engine=make_engine(settings.database_url))) as client:
        body = {"records": [repayment("r-1")]}
        refused = client.post("/v1/records", json=body, headers=_bearer(old))
        assert refused.status_code == 401
        assert client.post("/v1/records", json=body, headers=_bearer(new)).status_code == 200


def test_keys_revoke_names_what_it_cannot_find() -> None:
    assert cli("init").exit_code == 0
    missing = cli("keys", "revoke", "0123456789abcdef")
    assert missing.exit_code == 1 and "0123456789abcdef" in missing.output
    wrong = cli("keys", "issue", "subject", "x")
    assert wrong.exit_code == 1 and "'subject'" in wrong.output


def test_a_revoked_subject_token_is_refused(tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    furnisher = last_json(
        cli(
            "furnishers",
            "add",
            "Bank",
            "--kind",
            "bank",
            "--categories",
            "loan.repayment",
            "--json",
        )
    )
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(repayment()) + "\n")
    assert cli("ingest", str(path), "--furnisher", furnisher["id"]).exit_code == 0
    issued = last_json(cli("subjects", "token", "cn_ric", PERSON, "--json"))
    settings = get_settings()
    with TestClient(create_app(settings, engine=make_engine(settings.database_url))) as client:
        assert client.get("/v1/me/report", headers=_bearer(issued["token"])).status_code == 200
        # a subject token is not a furnisher key, and its id is not a key id
        assert cli("keys", "revoke", issued["token_id"]).exit_code == 1
        revoked = cli("subjects", "revoke-token", issued["token_id"], "--json")
        assert revoked.exit_code == 0, revoked.output
        assert last_json(revoked)["revoked_at"]
        assert client.get("/v1/me/report", headers=_bearer(issued["token"])).status_code == 401
