"""Documentation stays complete: every setting, CLI command and endpoint is in docs/."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from credo.api.app import create_app
from credo.cli.main import app as cli_app
from credo.config import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    missing = [f"CREDO_{n.upper()}" for n in Settings.model_fields
               if f"`CREDO_{n.upper()}`" not in text]
    assert not missing, f"undocumented settings: {missing}"


def test_every_setting_has_help_text() -> None:
    assert all(f.description for f in Settings.model_fields.values())


def test_setting_help_is_one_line_of_text() -> None:
    """Docstrings wrap; the help text they become (and the JSON schema) does not."""
    wrapped = {name: f.description for name, f in Settings.model_fields.items()
               if f.description != " ".join((f.description or "").split())}
    assert not wrapped, wrapped
    schema = Settings.model_json_schema()["properties"]
    assert not [n for n, p in schema.items() if "\n" in p["description"]]
    assert "so a crash loses at most" in schema["ingest_chunk"]["description"]


def _commands(app: typer.Typer, prefix: str = "credo") -> list[str]:
    names = [f"{prefix} {c.name or c.callback.__name__}" for c in app.registered_commands
             if c.callback is not None]
    for group in app.registered_groups:
        assert group.typer_instance is not None
        names += _commands(group.typer_instance, f"{prefix} {group.name}")
    return names


def test_every_cli_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    missing = [c for c in _commands(cli_app) if f"`{c}" not in text]
    assert not missing, f"undocumented commands: {missing}"


def test_every_endpoint_is_documented() -> None:
    text = (DOCS / "api.md").read_text()
    paths = create_app().openapi()["paths"]
    missing = [f"{method.upper()} {path}" for path, ops in paths.items() for method in ops
               if not re.search(rf"`{method.upper()} {re.escape(path)}`", text)]
    assert not missing, f"undocumented endpoints: {missing}"
