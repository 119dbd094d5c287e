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


def test_0016_settles_copies_waiting_twice_then_refuses_a_second(tmp_path: Path) -> None:
    """A store holding the same document waiting twice on one record (the double-click bug)
    upgrades: the earliest copy stays submitted, the later is rejected as a duplicate, and
    from then on the store refuses a second waiting copy."""
    import sqlite3

    url = f"sqlite:///{tmp_path}/proofs.db"
    upgrade(url, "0015")
    raw = sqlite3.connect(tmp_path / "proofs.db")

    def parent(table: str, **values: object) -> None:
        """A row with every NOT NULL column filled (only the proofs matter here)."""
        for _, name, kind, notnull, _, _ in raw.execute(f"PRAGMA table_info({table})"):
            if notnull and name not in values:
                kind = str(kind).upper()
                values[name] = (
                    1 if "INT" in kind or "BOOL" in kind else
                    "2025-01-01" if "DATE" in kind else
                    "[]" if "JSON" in kind else "x"
                )  # fmt: skip
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        raw.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))

    parent("furnishers", id="fur_x", name="Court")
    parent("subjects", id=1)
    parent("records", id=1, subject_id=1, furnisher_id="fur_x")
    row = ("fur_x", 1, 1, "Paid", "r.pdf", "application/pdf", 3, "ab" * 32, b"%PDF",
           "2025-01-10 12:00:00", "2025-01-15")  # fmt: skip
    for _ in range(3):
        raw.execute(
            "INSERT INTO proofs (furnisher_id, record_id, subject_id, note, filename, "
            "media_type, size, sha256, document, state, submitted_at, deadline) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?)",
            row,
        )
    raw.commit()
    raw.close()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        states = conn.execute(text("SELECT id, state, decision_note FROM proofs ORDER BY id")).all()
        shown = [(i, s) for i, s, _ in states]
        assert shown == [(1, "submitted"), (2, "rejected"), (3, "rejected")]
        assert all("proof 1 stands" in note for _, s, note in states if s == "rejected")
        with pytest.raises(Exception, match="UNIQUE"):
            conn.execute(
                text(
                    "INSERT INTO proofs (furnisher_id, record_id, subject_id, note, filename, "
                    "media_type, size, sha256, document, state, submitted_at, deadline) "
                    "SELECT furnisher_id, record_id, subject_id, note, filename, media_type, "
                    "size, sha256, document, state, submitted_at, deadline FROM proofs "
                    "WHERE id = 1"
                )
            )
    engine.dispose()
