"""Every credo command is registered one way (cli.common.command), so each answers a
CredoError with a message and exit code 1 instead of a traceback."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from credo.cli.common import handle_errors
from credo.cli.main import app
from credo.config import get_settings


def _commands(group: typer.Typer, prefix: str = "credo") -> dict[str, object]:
    found: dict[str, object] = {}
    for c in group.registered_commands:
        found[f"{prefix} {c.name or getattr(c.callback, '__name__', '')}"] = c.callback
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found.update(_commands(sub.typer_instance, f"{prefix} {sub.name}"))
    return found


def test_every_command_handles_credo_errors() -> None:
    wrapper = handle_errors(lambda: None).__code__
    commands = _commands(app)
    assert {"credo serve", "credo catalogue", "credo register policy",
            "credo ledgers validate"} <= set(commands)  # fmt: skip
    bare = [name for name, f in commands.items() if getattr(f, "__code__", None) is not wrapper]
    assert not bare, f"registered without cli.common.command: {bare}"


def test_a_credo_error_is_a_message_and_exit_code_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDO_DATABASE_URL", "sqlite:////nonexistent/credo.db")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["register", "requests"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "store_not_initialised" in result.output and "credo init" in result.output
