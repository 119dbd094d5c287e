"""lists: list entries (defaulter, serious-violator, red) and credit-repair applications"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import create_table, integer_id, state, subject_id, timestamp

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    create_table(
        "list_entries",
        integer_id(),
        sa.Column("list_id", sa.String(length=32), nullable=False),
        subject_id(),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("ref", sa.String(length=128), nullable=False),
        sa.Column("record_ids", sa.Text(), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("scheduled_end", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.String(length=64), nullable=True),
        state(),
        sa.Column("basis", sa.Text(), nullable=False),
        timestamp("updated_at"),
        references={"subject_id": "subjects"},
        unique=[("list_id", "subject_id", "rule_id", "ref")],
    )
    op.create_index("ix_list_entries_list_id_state", "list_entries", ["list_id", "state"])
    op.create_index("ix_list_entries_subject_id", "list_entries", ["subject_id"])
    create_table(
        "list_repairs",
        integer_id(),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        subject_id(),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("decide_by", sa.Date(), nullable=False),
        state(),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        references={"entry_id": "list_entries", "subject_id": "subjects"},
    )
    op.create_index(op.f("ix_list_repairs_entry_id"), "list_repairs", ["entry_id"])
    op.create_index(op.f("ix_list_repairs_subject_id"), "list_repairs", ["subject_id"])


def downgrade() -> None:
    op.drop_table("list_repairs")
    op.drop_table("list_entries")
