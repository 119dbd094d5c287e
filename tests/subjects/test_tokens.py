"""Subject tokens: issued for known subjects only, expire, and are stored hashed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from credo.cli.main import app
from credo.core import audit, clock
from credo.core.credentials import Credential
from credo.errors import NotFound, Unauthenticated
from credo.subjects import tokens
from tests.envelopes import PERSON, repayment


@pytest.fixture
def held(client: Any, bank: dict[str, Any]) -> None:
    response = client.post("/v1/records", json={"records": [repayment()]}, headers=bank["headers"])
    assert response.status_code == 200


def test_token_authenticates_until_it_expires(factory: sessionmaker[Session], held: None) -> None:
    clock.freeze(dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    with factory() as s, s.begin():
        subject, token, expires = tokens.issue(session=s, scheme="cn_ric", value=PERSON, days=30)
    assert expires == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with factory() as s:
        assert tokens.authenticate(session=s, token=token).id == subject.id
        stored = s.execute(select(Credential).where(Credential.kind == "subject")).scalar_one()
        assert token.split(".", 1)[1] not in (stored.secret_hash, stored.id)
        assert stored.holder == str(subject.id)
        assert "key.issued" in {e.event_type for e in audit.iter_entries(s)}
    clock.freeze(dt.datetime(2026, 12, 2, tzinfo=dt.UTC))
    with factory() as s, pytest.raises(Unauthenticated, match="expired"):
        tokens.authenticate(session=s, token=token)


def test_wrong_secret_and_garbage_are_refused(factory: sessionmaker[Session], held: None) -> None:
    with factory() as s, s.begin():
        _, token, _ = tokens.issue(session=s, scheme="cn_ric", value=PERSON, days=30)
    with factory() as s:
        wrong = token[:-2] + ("yy" if token.endswith("xx") else "xx")  # never the token itself
        for bad in (wrong, "st_nothing.here", "fk_" + token[3:], ""):
            with pytest.raises(Unauthenticated):
                tokens.authenticate(session=s, token=bad)


def test_no_token_for_a_subject_credo_does_not_hold(factory: sessionmaker[Session]) -> None:
    with factory() as s, pytest.raises(NotFound):
        tokens.issue(session=s, scheme="cn_ric", value=PERSON, days=30)


def test_cli_prints_id_and_token(tmp_path: Any) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    added = runner.invoke(
        app,
        ["furnishers", "add", "Bank", "--kind", "bank", "--categories", "loan.repayment", "--json"],
    )
    furnisher = json.loads(added.stdout.strip().splitlines()[-1])
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(repayment()) + "\n")
    ingested = runner.invoke(app, ["ingest", str(path), "--furnisher", furnisher["id"], "--json"])
    assert json.loads(ingested.stdout.strip().splitlines()[-1])["accepted"] == 1
    result = runner.invoke(app, ["subjects", "token", "cn_ric", PERSON, "--json"])
    assert result.exit_code == 0, result.output
    issued = json.loads(result.stdout.strip().splitlines()[-1])
    assert issued["token"].startswith("st_") and isinstance(issued["id"], int)
    assert issued["token"].startswith(f"st_{issued['token_id']}.")
    missing = runner.invoke(app, ["subjects", "token", "cn_ric", "110105194912310021"])
    assert missing.exit_code == 1
