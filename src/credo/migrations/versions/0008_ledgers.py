"""ledgers: installed policies, entries in force, balances and the grade history

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("file", sa.String(length=512), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("installed_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_policies")),
        sa.UniqueConstraint("scheme", "version", name=op.f("uq_ledger_policies_scheme")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", _ID, nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_id", sa.String(length=48), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("counts_until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_ledger_entries_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index(
        "ix_ledger_entries_scheme_subject_id", "ledger_entries", ["scheme", "subject_id"]
    )
    op.create_table(
        "ledger_balances",
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=3), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_ledger_balances_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("scheme", "subject_id", name=op.f("pk_ledger_balances")),
    )
    op.create_table(
        "ledger_grade_history",
        sa.Column("id", _ID, nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=3), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("replaced_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_ledger_grade_history_subject_id_subjects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_grade_history")),
    )
    op.create_index(
        "ix_ledger_grade_history_scheme_subject_id",
        "ledger_grade_history",
        ["scheme", "subject_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_grade_history_scheme_subject_id", table_name="ledger_grade_history")
    op.drop_table("ledger_grade_history")
    op.drop_table("ledger_balances")
    op.drop_index("ix_ledger_entries_scheme_subject_id", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("ledger_policies")
