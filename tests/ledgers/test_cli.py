"""``credo ledgers validate | apply | policies | show``: exit codes and FILE:LINE messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from credo.cli.ledgers import register
from credo.config import get_settings
from credo.core.db import make_engine
from credo.models import metadata
from tests.ledgers.conftest import EXAMPLE, policy_text, rule

runner = CliRunner()


@pytest.fixture
def cli() -> typer.Typer:
    """A CLI with the ledgers group (the lead registers it in credo.cli.main) and a store."""
    engine = make_engine(get_settings().database_url)
    metadata.create_all(engine)
    engine.dispose()
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test root."""

    return app


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_validate_example_exits_zero(cli: typer.Typer) -> None:
    result = runner.invoke(cli, ["ledgers", "validate", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["valid"] is True and data["scheme"] == "city"


def test_validate_names_file_line_and_reason(cli: typer.Typer, tmp_path: Path) -> None:
    text = policy_text(rule("ok", "commendation", 5), rule("bad", "tax.arrears", -5, basis=""))
    path = write(tmp_path, "bad.toml", text)
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1
    header = [i for i, s in enumerate(text.splitlines(), 1) if s == "[[rules]]"][1]
    assert f"{path}:{header}: rule 'bad': legal_basis is required" in result.output


def test_validate_reports_syntax_errors_with_line(cli: typer.Typer, tmp_path: Path) -> None:
    path = write(tmp_path, "broken.toml", 'scheme = "city"\nversion = 1\nbase = \n')
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1 and f"{path}:3: not valid TOML" in result.output


def test_apply_installs_and_a_bad_policy_leaves_it_in_force(
    cli: typer.Typer, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["ledgers", "apply", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["version"] == 1
    bad = write(tmp_path, "v2.toml", policy_text(rule("x", "loan.bogus", -5), version=2))
    result = runner.invoke(cli, ["ledgers", "apply", bad])
    assert (
        result.exit_code == 1
        and f"{bad}:8: rule 'x': category 'loan.bogus' is not in the catalogue" in result.output
    )
    stale = write(tmp_path, "stale.toml", policy_text(rule("x", "commendation", 5), version=1))
    result = runner.invoke(cli, ["ledgers", "apply", stale])
    assert result.exit_code == 1 and f"{stale}:3: version 1 is not above" in result.output
    result = runner.invoke(cli, ["ledgers", "policies", "--json"])
    rows = json.loads(result.stdout.strip().splitlines()[-1])["policies"]
    assert [(r["scheme"], r["version"], r["in_force"]) for r in rows] == [("city", 1, True)]


def test_show_without_ledger_is_an_error(cli: typer.Typer) -> None:
    result = runner.invoke(cli, ["ledgers", "show", "city", "cn_uscc", "91110000600037341L"])
    assert result.exit_code == 1 and "not_found" in result.output
