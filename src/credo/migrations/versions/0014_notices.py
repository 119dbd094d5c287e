"""notices: the transactional outbox, delivery attempts, preferences, webhooks, sign-in requests (issue 19)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import create_table, created_at, integer_id, state, subject_id, timestamp

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    create_table(
        "outbox",
        integer_id(),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient_type", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        state(),
        sa.Column("attempts", sa.Integer(), nullable=False),
        created_at(),
        timestamp("due_at"),
        timestamp("lease_until", nullable=True),
        sa.Column("leased_by", sa.String(length=64), nullable=True),
        timestamp("sent_at", nullable=True),
        timestamp("read_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        unique=[("idempotency_key",)],
    )
    op.create_index("ix_outbox_state_due_at", "outbox", ["state", "due_at"])
    op.create_index("ix_outbox_recipient", "outbox", ["recipient_type", "recipient_id", "channel"])
    create_table(
        "notice_attempts",
        integer_id(),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=64), nullable=False),
        timestamp("started_at"),
        timestamp("finished_at"),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        references={"notice_id": "outbox"},
    )
    op.create_index(op.f("ix_notice_attempts_notice_id"), "notice_attempts", ["notice_id"])
    create_table(
        "notice_preferences",
        subject_id(),
        sa.Column("inquiries", sa.Boolean(), nullable=False),
        timestamp("updated_at"),
        references={"subject_id": "subjects"},
        primary_key=["subject_id"],
    )
    create_table(
        "webhook_endpoints",
        integer_id(),
        sa.Column("owner_type", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        created_at(),
        unique=[("owner_type", "owner_id")],
    )
    create_table(
        "signin_requests",
        integer_id(),
        sa.Column("identifier_hash", sa.String(length=64), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        timestamp("requested_at"),
    )
    for kind in ("identifier", "address"):
        op.create_index(
            f"ix_signin_requests_{kind}", "signin_requests", [f"{kind}_hash", "requested_at"]
        )


def downgrade() -> None:
    for table in (
        "signin_requests",
        "webhook_endpoints",
        "notice_preferences",
        "notice_attempts",
        "outbox",
    ):
        op.drop_table(table)
