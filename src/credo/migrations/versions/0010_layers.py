"""layers: one credentials table for every key and token, with revocation and expiry (issue 16)

Furnisher keys (``furnishers.key_id/key_hash``), relying-party keys
(``relying_parties.key_id/key_hash``) and subject tokens (``subject_tokens``) move into
``credentials``; every stored hash and id is kept, so issued keys and tokens go on working.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_credentials = sa.table(
    "credentials",
    sa.column("id", sa.String),
    sa.column("kind", sa.String),
    sa.column("holder", sa.String),
    sa.column("secret_hash", sa.String),
    sa.column("single_use", sa.Boolean),
    sa.column("created_at", sa.DateTime),
    sa.column("expires_at", sa.DateTime),
    sa.column("revoked_at", sa.DateTime),
    sa.column("used_at", sa.DateTime),
)
_COLUMNS = [
    "id",
    "kind",
    "holder",
    "secret_hash",
    "single_use",
    "created_at",
    "expires_at",
    "revoked_at",
    "used_at",
]


def _holder_keys(table: str, kind: str) -> sa.Insert:
    t = sa.table(
        table,
        sa.column("id", sa.String),
        sa.column("key_id", sa.String),
        sa.column("key_hash", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    none = sa.null()
    rows = sa.select(
        t.c.key_id,
        sa.literal(kind),
        t.c.id,
        t.c.key_hash,
        sa.false(),
        t.c.created_at,
        none,
        none,
        none,
    )
    return _credentials.insert().from_select(_COLUMNS, rows)


def upgrade() -> None:
    op.create_table(
        "credentials",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("single_use", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
    )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credentials_holder"), ["holder"], unique=False)

    op.execute(_holder_keys("furnishers", "furnisher"))
    op.execute(_holder_keys("relying_parties", "relying_party"))
    tokens = sa.table(
        "subject_tokens",
        sa.column("subject_id", sa.Integer),
        sa.column("key_id", sa.String),
        sa.column("key_hash", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("expires_at", sa.DateTime),
        sa.column("revoked", sa.Boolean),
    )
    revoked_at = sa.case((tokens.c.revoked, tokens.c.created_at), else_=sa.null())
    rows = sa.select(
        tokens.c.key_id,
        sa.literal("subject"),
        sa.cast(tokens.c.subject_id, sa.String),
        tokens.c.key_hash,
        sa.false(),
        tokens.c.created_at,
        tokens.c.expires_at,
        revoked_at,
        sa.null(),
    )
    op.execute(_credentials.insert().from_select(_COLUMNS, rows))

    with op.batch_alter_table("subject_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_tokens_subject_id"))
    op.drop_table("subject_tokens")
    with op.batch_alter_table("furnishers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_furnishers_key_id"), type_="unique")
        batch_op.drop_column("key_hash")
        batch_op.drop_column("key_id")
    with op.batch_alter_table("relying_parties", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_relying_parties_key_id"), type_="unique")
        batch_op.drop_column("key_hash")
        batch_op.drop_column("key_id")


def downgrade() -> None:
    """Back to per-table keys; credentials of other kinds (and extra keys) are dropped."""
    for table in ("furnishers", "relying_parties"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("key_id", sa.String(length=32), nullable=True))
            batch_op.add_column(sa.Column("key_hash", sa.String(length=64), nullable=True))
    for table, kind in (("furnishers", "furnisher"), ("relying_parties", "relying_party")):
        op.execute(
            f"UPDATE {table} SET key_id = (SELECT c.id FROM credentials c WHERE c.kind = '{kind}'"
            f" AND c.holder = {table}.id ORDER BY c.created_at DESC LIMIT 1)"
        )
        op.execute(
            f"UPDATE {table} SET key_hash = (SELECT c.secret_hash FROM credentials c"
            f" WHERE c.id = {table}.key_id)"
        )
    op.create_table(
        "subject_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_subject_tokens_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_tokens")),
        sa.UniqueConstraint("key_id", name=op.f("uq_subject_tokens_key_id")),
    )
    with op.batch_alter_table("subject_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_tokens_subject_id"), ["subject_id"], unique=False
        )
    op.execute(
        "INSERT INTO subject_tokens (subject_id, key_id, key_hash, created_at, expires_at, revoked)"
        " SELECT CAST(holder AS INTEGER), id, secret_hash, created_at, expires_at,"
        " revoked_at IS NOT NULL FROM credentials WHERE kind = 'subject'"
        " AND expires_at IS NOT NULL"
    )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_holder"))
    op.drop_table("credentials")
