"""integrity: flags raised by the manipulation detectors and the subjects they hold"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import create_table, integer_id, state, subject_id, timestamp

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    create_table(
        "integrity_flags",
        integer_id(),
        sa.Column("detector", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        state(),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        timestamp("raised_at"),
        timestamp("decided_at", nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        unique=[("detector", "fingerprint")],
    )
    op.create_index(op.f("ix_integrity_flags_state"), "integrity_flags", ["state"])
    create_table(
        "integrity_flag_subjects",
        sa.Column("flag_id", sa.Integer(), nullable=False),
        subject_id(),
        references={"flag_id": "integrity_flags", "subject_id": "subjects"},
        primary_key=["flag_id", "subject_id"],
    )
    op.create_index(
        op.f("ix_integrity_flag_subjects_subject_id"), "integrity_flag_subjects", ["subject_id"]
    )


def downgrade() -> None:
    op.drop_table("integrity_flag_subjects")
    op.drop_table("integrity_flags")
