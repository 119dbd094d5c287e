"""The store: SQLite durability settings and Alembic migrations that match the models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from credo.core.db import make_engine
from credo.migrations import upgrade
from credo.models import metadata


def test_sqlite_file_is_wal_with_full_sync(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x/credo.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "x").is_dir()


def _diff(conn: Any) -> list[Any]:
    """Differences between the migrated schema and the models, but for the search index
    (full-text tables the web search keeps outside the models)."""
    diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    search = ("org_search", "ix_subjects_org_search")
    return [
        d
        for d in diffs
        if not (d[0] in ("remove_table", "remove_index") and d[1].name.startswith(search))
    ]


def test_migrations_build_the_models_schema_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/migrated.db"
    upgrade(url)
    upgrade(url)  # idempotent
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = _diff(conn)
    assert diff == []
    assert set(inspect(engine).get_table_names()) >= {t.name for t in metadata.sorted_tables}


def test_migrated_store_matches_models(engine) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL the store was built by the migrations; on SQLite by create_all."""
    with engine.connect() as conn:
        diff = _diff(conn)
    assert diff == []
