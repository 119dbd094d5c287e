"""`credo webhooks set`: hostile or unusable endpoints are refused naming the field and value."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from credo.cli import common
from credo.cli.main import app
from credo.config import get_settings
from credo.core.db import session_factory
from credo.errors import InvalidInput
from credo.notices import webhooks


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """``credo`` on the test's store (SQLite or PostgreSQL), as the integrity CLI tests do."""
    monkeypatch.setattr(common, "factory", lambda: session_factory(engine))
    return lambda *args: CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    "url",
    [
        "https://bank.example/credo-hooks",
        "https://bank.example:8443/credo-hooks?v=1",
        "http://127.0.0.1:8080/hooks",
        "http://localhost:9000/hooks",
        "http://[::1]:9000/hooks",
    ],
)
def test_an_https_endpoint_or_a_loopback_one_is_taken(
    cli: Callable[..., Any], factory: sessionmaker[Session], url: str
) -> None:
    from credo.access import parties

    with factory() as s, s.begin():
        party, _key = parties.add(
            session=s, name="Hotel", activities=["star_hotel"], purposes=[]
        )
    result = cli("webhooks", "set", "party", party.id, url, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["url"] == url


@pytest.mark.parametrize("owner_type", ["party", "furnisher"])
def test_an_owner_that_does_not_exist_is_named_and_nothing_stored(
    cli: Callable[..., Any], factory: sessionmaker[Session], owner_type: str
) -> None:
    result = cli("webhooks", "set", owner_type, "nobody_1", "https://hooks.example/x")
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "'nobody_1' does not exist" in said, said
    with factory() as s:
        assert s.query(webhooks.WebhookEndpoint).count() == 0


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "https://"),
        ("http://bank.example/credo-hooks", "loopback"),  # signed, but readable on the way
        ("http://10.0.0.7/hooks", "loopback"),
        ("https://", "host"),
        ("https:///hooks", "host"),
        ("https://bank.example:99999/hooks", "port"),
        ("https://bank.example:0/hooks", "port"),
        ("https://bank.example/credo hooks", "space or control"),
        ("https://bank.example/hooks\r\nX-Injected: 1", "space or control"),
        ("https://bank.example/" + "a" * 600, "500"),
    ],
)
def test_a_hostile_or_unusable_endpoint_is_refused_naming_the_url(
    cli: Callable[..., Any], url: str, why: str
) -> None:
    result = cli("webhooks", "set", "party", "rp_1", url)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    said = " ".join(result.output.split())  # as one line, however the console wrapped it
    assert "url" in said and why in said, said
    assert repr(url[:30])[1:-1] in said  # the value, control characters escaped


@pytest.mark.parametrize(
    ("owner_id", "url", "field"),
    [
        ("rp_1", "https://bank.example/a\x00b", "url"),
        ("rp_1\x00", "https://bank.example/hooks", "owner_id"),
        ("r" * 65, "https://bank.example/hooks", "owner_id"),
        ("", "https://bank.example/hooks", "owner_id"),
    ],
)
def test_nul_or_over_long_values_are_refused_naming_the_field(
    factory: sessionmaker[Session], owner_id: str, url: str, field: str
) -> None:
    with factory() as s, pytest.raises(InvalidInput) as caught:
        webhooks.register(
            session=s, settings=get_settings(), owner_type="party", owner_id=owner_id, url=url
        )
    assert caught.value.details[0]["field"] == field
    assert caught.value.message.startswith(field)
