"""notices: the transactional outbox, delivery attempts, preferences, webhooks, sign-in requests (issue 19)

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient_type", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("due_at"),
        _ts("lease_until", True),
        sa.Column("leased_by", sa.String(length=64), nullable=True),
        _ts("sent_at", True),
        _ts("read_at", True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    op.create_index("ix_outbox_state_due_at", "outbox", ["state", "due_at"], unique=False)
    op.create_index(
        "ix_outbox_recipient",
        "outbox",
        ["recipient_type", "recipient_id", "channel"],
        unique=False,
    )
    op.create_table(
        "notice_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=64), nullable=False),
        _ts("started_at"),
        _ts("finished_at"),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["outbox.id"], name=op.f("fk_notice_attempts_notice_id_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_attempts")),
    )
    op.create_index(
        op.f("ix_notice_attempts_notice_id"), "notice_attempts", ["notice_id"], unique=False
    )
    op.create_table(
        "notice_preferences",
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("inquiries", sa.Boolean(), nullable=False),
        _ts("updated_at"),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_notice_preferences_subject_id_subjects"),
        ),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_notice_preferences")),
    )
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_type", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
        sa.UniqueConstraint("owner_type", "owner_id", name=op.f("uq_webhook_endpoints_owner_type")),
    )
    op.create_table(
        "signin_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identifier_hash", sa.String(length=64), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        _ts("requested_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_requests")),
    )
    op.create_index(
        "ix_signin_requests_identifier",
        "signin_requests",
        ["identifier_hash", "requested_at"],
        unique=False,
    )
    op.create_index(
        "ix_signin_requests_address",
        "signin_requests",
        ["address_hash", "requested_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_signin_requests_address", table_name="signin_requests")
    op.drop_index("ix_signin_requests_identifier", table_name="signin_requests")
    op.drop_table("signin_requests")
    op.drop_table("webhook_endpoints")
    op.drop_table("notice_preferences")
    op.drop_index(op.f("ix_notice_attempts_notice_id"), table_name="notice_attempts")
    op.drop_table("notice_attempts")
    op.drop_index("ix_outbox_recipient", table_name="outbox")
    op.drop_index("ix_outbox_state_due_at", table_name="outbox")
    op.drop_table("outbox")
