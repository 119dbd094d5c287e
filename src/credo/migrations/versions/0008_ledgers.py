"""ledgers: installed policies, entries in force, balances and the grade history"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import big_id, create_table, integer_id, subject_id, timestamp

revision = "0008"
down_revision = "0007"


def _grade() -> list[sa.Column[Any]]:
    """A subject's grade under a scheme's policy, as balances and their history hold it."""
    return [
        sa.Column("scheme", sa.String(length=32), nullable=False),
        subject_id(),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=3), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
    ]


def upgrade() -> None:
    create_table(
        "ledger_policies",
        integer_id(),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("file", sa.String(length=512), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        timestamp("installed_at"),
        sa.Column("installed_by", sa.String(length=128), nullable=False),
        unique=[("scheme", "version")],
    )
    create_table(
        "ledger_entries",
        big_id(),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        subject_id(),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_id", sa.String(length=48), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("counts_until", sa.Date(), nullable=False),
        references={"subject_id": "subjects"},
    )
    op.create_index(
        "ix_ledger_entries_scheme_subject_id", "ledger_entries", ["scheme", "subject_id"]
    )
    create_table(
        "ledger_balances",
        *_grade(),
        references={"subject_id": "subjects"},
        primary_key=["scheme", "subject_id"],
    )
    create_table(
        "ledger_grade_history",
        big_id(),
        *_grade(),
        sa.Column("replaced_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        references={"subject_id": "subjects"},
    )
    op.create_index(
        "ix_ledger_grade_history_scheme_subject_id",
        "ledger_grade_history",
        ["scheme", "subject_id"],
    )


def downgrade() -> None:
    for table in ("ledger_grade_history", "ledger_balances", "ledger_entries", "ledger_policies"):
        op.drop_table(table)
