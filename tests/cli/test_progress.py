"""Long store-wide commands show that they are working (a Rich status on stderr) instead of
sitting silent until they finish; their JSON on stdout is unchanged."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from credo.cli import output
from credo.cli.main import app


@pytest.mark.parametrize(
    "args",
    [
        ["lists", "refresh", "--json"],
        ["register", "grade"],
        ["publish", "open-data", "--out", "{tmp}/open"],
        ["integrity", "scan", "--dry-run", "--json"],
        ["audit", "verify", "--json"],
    ],
)
def test_long_commands_show_a_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    shown: list[str] = []

    def status(text: str, **_: Any) -> Any:
        shown.append(text)
        return nullcontext()

    monkeypatch.setattr(output.console, "status", status)
    result = runner.invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 0, result.output
    assert shown, f"{' '.join(args)} showed nothing while working"
    json.loads(result.stdout.strip().splitlines()[-1])
