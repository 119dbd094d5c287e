"""scoring: drift (PSI) per score run, hold-out figures (issue 15)

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_drift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=64), nullable=False),
        sa.Column("psi", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=False),
        sa.Column("actual", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_score_drift_model_version_id_model_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["score_runs.id"], name=op.f("fk_score_drift_run_id_score_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_drift")),
    )
    with op.batch_alter_table("score_drift", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_drift_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("score_drift", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_drift_run_id"))
    op.drop_table("score_drift")
