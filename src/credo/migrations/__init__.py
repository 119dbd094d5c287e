"""Alembic migrations of the store; ``upgrade(url)`` brings a store to the latest schema."""

from __future__ import annotations

from alembic import command
from alembic.config import Config


def alembic_config(url: str) -> Config:
    """An Alembic configuration for a store URL, using the packaged scripts."""
    config = Config()
    config.set_main_option("script_location", "credo:migrations")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Create or migrate the store at ``url``."""
    command.upgrade(alembic_config(url), revision)
