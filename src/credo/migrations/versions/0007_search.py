"""Organisation search index: FTS5 (SQLite) or a GIN text-search index (PostgreSQL).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from credo.web import search

    bind = op.get_bind()
    search.create(bind)
    if bind.dialect.name == "sqlite":  # index the organisations already held, in this transaction
        for statement in search.SQLITE_SYNC:
            bind.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS org_search")
        op.execute("DROP TABLE IF EXISTS org_search_state")
    else:
        op.execute("DROP INDEX IF EXISTS ix_subjects_org_search")
