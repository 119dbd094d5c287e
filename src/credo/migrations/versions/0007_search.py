"""Organisation search index: FTS5 (SQLite) or a GIN text-search index (PostgreSQL)."""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"


# The DDL as it was at this revision, written out here: a migration must not depend on
# today's application code (``credo.register.search`` may change; this must not).
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS org_search USING fts5("
    "name, code, content='', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TABLE IF NOT EXISTS org_search_state ("
    "id INTEGER PRIMARY KEY CHECK (id = 1), last_subject_id INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO org_search_state (id, last_subject_id) VALUES (1, 0)",
    # index the organisations already held, in this transaction
    "INSERT INTO org_search (rowid, name, code) "
    "SELECT id, coalesce(name, ''), display_id FROM subjects "
    "WHERE kind = 'organisation' AND id > "
    "(SELECT last_subject_id FROM org_search_state WHERE id = 1) ORDER BY id",
    "UPDATE org_search_state SET last_subject_id = "
    "(SELECT coalesce(max(id), 0) FROM subjects) WHERE id = 1",
)
PG_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_subjects_org_search ON subjects USING gin "
    "(to_tsvector('simple', coalesce(name, '') || ' ' || display_id)) "
    "WHERE kind = 'organisation'",
)


def upgrade() -> None:
    bind = op.get_bind()
    for statement in SQLITE_DDL if bind.dialect.name == "sqlite" else PG_DDL:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS org_search")
        op.execute("DROP TABLE IF EXISTS org_search_state")
    else:
        op.execute("DROP INDEX IF EXISTS ix_subjects_org_search")
