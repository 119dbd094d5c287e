"""Fixtures for record tests: a SQLite store set up through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.records.bulkfiles import cli, last_json


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A SQLite store created by `credo init` with a bank registered by the CLI."""
    from credo.config import get_settings

    db = tmp_path / "cli.db"
    monkeypatch.setenv("CREDO_DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    assert cli("init").exit_code == 0
    added = cli(
        "furnishers", "add", "CLI Bank", "--kind", "bank",
        "--categories", "loan.repayment,loan.opened", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    furnisher = last_json(added)
    assert set(furnisher) == {"id", "api_key"} and furnisher["api_key"].startswith("fk_")
    return db, furnisher["id"]
