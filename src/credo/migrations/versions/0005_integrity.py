"""integrity: flags raised by the manipulation detectors and the subjects they hold

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integrity_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("detector", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_flags")),
        sa.UniqueConstraint("detector", "fingerprint", name=op.f("uq_integrity_flags_detector")),
    )
    op.create_index(op.f("ix_integrity_flags_state"), "integrity_flags", ["state"], unique=False)
    op.create_table(
        "integrity_flag_subjects",
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["integrity_flags.id"],
            name=op.f("fk_integrity_flag_subjects_flag_id_integrity_flags"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_integrity_flag_subjects_subject_id_subjects"),
        ),
        sa.PrimaryKeyConstraint("flag_id", "subject_id", name=op.f("pk_integrity_flag_subjects")),
    )
    op.create_index(
        op.f("ix_integrity_flag_subjects_subject_id"),
        "integrity_flag_subjects",
        ["subject_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_integrity_flag_subjects_subject_id"), table_name="integrity_flag_subjects"
    )
    op.drop_table("integrity_flag_subjects")
    op.drop_index(op.f("ix_integrity_flags_state"), table_name="integrity_flags")
    op.drop_table("integrity_flags")
