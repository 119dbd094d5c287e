"""audit checkpoints: signed Merkle tree heads of the audit log"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import big_id, create_table

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    create_table(
        "audit_checkpoints",
        big_id(),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.String(length=40), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
    )
    op.create_index(op.f("ix_audit_checkpoints_tree_size"), "audit_checkpoints", ["tree_size"])


def downgrade() -> None:
    op.drop_table("audit_checkpoints")
