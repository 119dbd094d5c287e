"""rights: disputes, statements and human reviews"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import create_table, created_at, integer_id, state, subject_id, timestamp

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    create_table(
        "disputes",
        integer_id(),
        sa.Column("record_id", sa.Integer(), nullable=False),
        subject_id(),
        sa.Column("furnisher_id", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("prior_state", sa.String(length=16), nullable=False),
        state(),
        timestamp("opened_at"),
        sa.Column("deadline", sa.Date(), nullable=False),
        timestamp("resolved_at", nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        references={
            "furnisher_id": "furnishers",
            "record_id": "records",
            "subject_id": "subjects",
        },
    )
    for column in ("furnisher_id", "record_id", "subject_id"):
        op.create_index(op.f(f"ix_disputes_{column}"), "disputes", [column])
    create_table(
        "statements",
        integer_id(),
        sa.Column("record_id", sa.Integer(), nullable=False),
        subject_id(),
        sa.Column("text", sa.Text(), nullable=False),
        created_at(),
        references={"record_id": "records", "subject_id": "subjects"},
        unique=[("record_id",)],
    )
    op.create_index(op.f("ix_statements_subject_id"), "statements", ["subject_id"])
    create_table(
        "reviews",
        integer_id(),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        subject_id(),
        sa.Column("reason", sa.Text(), nullable=False),
        state(),
        timestamp("requested_at"),
        timestamp("decided_at", nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        references={"subject_id": "subjects"},
        unique=[("decision_id",)],
    )
    op.create_index(op.f("ix_reviews_subject_id"), "reviews", ["subject_id"])


def downgrade() -> None:
    for table in ("reviews", "statements", "disputes"):
        op.drop_table(table)
