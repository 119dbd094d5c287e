"""layers: one credentials table for every key and token, with revocation and expiry (issue 16)

Furnisher keys (``furnishers.key_id/key_hash``), relying-party keys
(``relying_parties.key_id/key_hash``) and subject tokens (``subject_tokens``) move into
``credentials``; every stored hash and id is kept, so issued keys and tokens go on working.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import create_table, created_at, key_columns, timestamp

revision = "0010"
down_revision = "0009"


def _keyed(table: str, *columns: sa.ColumnClause[Any]) -> sa.TableClause:
    """A table holding keys (``key_id``, ``key_hash``, ``created_at``), as 0001 and 0004 made it."""
    return sa.table(
        table,
        sa.column("key_id", sa.String),
        sa.column("key_hash", sa.String),
        sa.column("created_at", sa.DateTime),
        *columns,
    )


def _copy_keys(
    credentials: sa.Table,
    keys: sa.TableClause,
    kind: str,
    holder: sa.ColumnElement[Any],
    expires_at: sa.ColumnElement[Any] | None = None,
    revoked_at: sa.ColumnElement[Any] | None = None,
) -> None:
    """Copies each key of ``keys`` into ``credentials``, id and hash unchanged."""
    rows = sa.select(
        keys.c.key_id,
        sa.literal(kind),
        holder,
        keys.c.key_hash,
        sa.false(),  # single_use
        keys.c.created_at,
        sa.null() if expires_at is None else expires_at,
        sa.null() if revoked_at is None else revoked_at,
        sa.null(),  # used_at
    )
    op.execute(credentials.insert().from_select(list(credentials.c), rows))


def upgrade() -> None:
    credentials = create_table(
        "credentials",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("single_use", sa.Boolean(), nullable=False),
        created_at(),
        timestamp("expires_at", nullable=True),
        timestamp("revoked_at", nullable=True),
        timestamp("used_at", nullable=True),
    )
    op.create_index(op.f("ix_credentials_holder"), "credentials", ["holder"])

    for table, kind in (("furnishers", "furnisher"), ("relying_parties", "relying_party")):
        keys = _keyed(table, sa.column("id", sa.String))
        _copy_keys(credentials, keys, kind, keys.c.id)
    tokens = _keyed(
        "subject_tokens",
        sa.column("subject_id", sa.Integer),
        sa.column("expires_at", sa.DateTime),
        sa.column("revoked", sa.Boolean),
    )
    _copy_keys(
        credentials,
        tokens,
        "subject",
        sa.cast(tokens.c.subject_id, sa.String),
        expires_at=tokens.c.expires_at,
        revoked_at=sa.case((tokens.c.revoked, tokens.c.created_at), else_=sa.null()),
    )

    op.drop_table("subject_tokens")
    for table in ("furnishers", "relying_parties"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_key_id"), type_="unique")
            batch_op.drop_column("key_hash")
            batch_op.drop_column("key_id")


def _initial_schema() -> ModuleType:
    """Revision 0001's module, whose ``create_subject_tokens`` the downgrade uses."""
    script = op.get_context().script
    initial = script.get_revision("0001") if script is not None else None
    if initial is None:
        raise RuntimeError("revision 0001 is not in the migration scripts")
    return initial.module


def downgrade() -> None:
    """Back to per-table keys; credentials of other kinds (and extra keys) are dropped."""
    for table in ("furnishers", "relying_parties"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in key_columns(nullable=True):
                batch_op.add_column(column)
    for table, kind in (("furnishers", "furnisher"), ("relying_parties", "relying_party")):
        op.execute(
            f"UPDATE {table} SET key_id = (SELECT c.id FROM credentials c WHERE c.kind = '{kind}'"
            f" AND c.holder = {table}.id ORDER BY c.created_at DESC LIMIT 1)"
        )
        op.execute(
            f"UPDATE {table} SET key_hash = (SELECT c.secret_hash FROM credentials c"
            f" WHERE c.id = {table}.key_id)"
        )
    _initial_schema().create_subject_tokens()
    op.execute(
        "INSERT INTO subject_tokens (subject_id, key_id, key_hash, created_at, expires_at, revoked)"
        " SELECT CAST(holder AS INTEGER), id, secret_hash, created_at, expires_at,"
        " revoked_at IS NOT NULL FROM credentials WHERE kind = 'subject'"
        " AND expires_at IS NOT NULL"
    )
    op.drop_table("credentials")
