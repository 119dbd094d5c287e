"""Old revisions build what they always built: the schema at revisions 0009 and 0015, as stored.

A migration is history, and ``credo.migrations.ddl`` is frozen: once a migration uses a helper,
what the helper emits must not change. Editing either would change what a fresh store gets at
an old revision without any test of the models noticing; these snapshots do. They are written
once and never regenerated: when this fails, undo the change to the migration or the helper
(add a new helper, or a new revision, instead).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from credo.core.db import make_engine
from credo.migrations import upgrade

SNAPSHOTS = Path(__file__).parent / "data"


def _stable(sql: str) -> str:
    """A CREATE TABLE with its table constraints sorted: Alembic's batch mode (SQLite table
    rebuilds, revisions 0010 and 0012) lists reflected constraints in an order that differs
    from run to run."""
    head, sep, body = sql.partition(" (\n\t")
    if not sql.startswith("CREATE TABLE") or not sep:
        return sql
    parts = body.removesuffix("\n)").split(", \n\t")
    columns = [p for p in parts if not p.startswith("CONSTRAINT")]
    constraints = sorted(p for p in parts if p.startswith("CONSTRAINT"))
    return head + " (\n\t" + ", \n\t".join(columns + constraints) + "\n)"


def schema_at(revision: str, directory: Path) -> str:
    """The SQLite schema (sqlite_master) of a fresh store upgraded to ``revision``."""
    url = f"sqlite:///{directory}/at-{revision}.db"
    upgrade(url, revision)
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        ).all()
    engine.dispose()
    dump = "".join(f"-- {kind} {name}\n{_stable(sql)};\n\n" for kind, name, sql in rows)
    return "".join(line.rstrip() + "\n" for line in dump.splitlines())


@pytest.mark.parametrize("revision", ["0009", "0015"])
def test_an_old_revision_builds_the_schema_it_always_built(revision: str, tmp_path: Path) -> None:
    expected = (SNAPSHOTS / f"schema-{revision}.sqlite.sql").read_text()
    assert schema_at(revision, tmp_path) == expected
