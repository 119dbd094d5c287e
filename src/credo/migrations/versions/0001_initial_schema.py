"""initial schema"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import (
    big_id,
    create_table,
    created_at,
    integer_id,
    key_columns,
    state,
    subject_id,
    timestamp,
)

revision = "0001"
down_revision = None


def create_subject_tokens() -> None:
    """The subject tokens table; revision 0010's downgrade puts it back with this."""
    create_table(
        "subject_tokens",
        integer_id(),
        subject_id(),
        *key_columns(),
        created_at(),
        timestamp("expires_at"),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        references={"subject_id": "subjects"},
        unique=[("key_id",)],
    )
    op.create_index(op.f("ix_subject_tokens_subject_id"), "subject_tokens", ["subject_id"])


def upgrade() -> None:
    create_table(
        "audit_head",
        integer_id(),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
    )
    create_table(
        "audit_log",
        big_id("seq"),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        primary_key=["seq"],
    )
    create_table(
        "furnishers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        *key_columns(),
        sa.Column("active", sa.Boolean(), nullable=False),
        created_at(),
        unique=[("key_id",), ("name",)],
    )
    create_table(
        "subjects",
        integer_id(),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("lookup_key", sa.String(length=64), nullable=False),
        sa.Column("display_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        created_at(),
        unique=[("scheme", "lookup_key")],
    )
    create_table(
        "records",
        integer_id(),
        sa.Column("furnisher_id", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        subject_id(),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("legal_basis", sa.String(length=256), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        state(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        timestamp("received_at"),
        references={"furnisher_id": "furnishers", "subject_id": "subjects"},
        unique=[("furnisher_id", "external_id")],
    )
    op.create_index("ix_records_subject_id", "records", ["subject_id"])
    create_table(
        "record_versions",
        integer_id(),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        state(),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        timestamp("superseded_at"),
        sa.Column("reason", sa.String(length=32), nullable=False),
        references={"record_id": "records"},
    )
    op.create_index(op.f("ix_record_versions_record_id"), "record_versions", ["record_id"])
    create_subject_tokens()


def downgrade() -> None:
    for table in (
        "subject_tokens",
        "record_versions",
        "records",
        "subjects",
        "furnishers",
        "audit_log",
        "audit_head",
    ):
        op.drop_table(table)
