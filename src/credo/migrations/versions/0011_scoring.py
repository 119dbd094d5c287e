"""scoring: drift (PSI) per score run, hold-out figures (issue 15)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import create_table, integer_id

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    create_table(
        "score_drift",
        integer_id(),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=64), nullable=False),
        sa.Column("psi", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=False),
        sa.Column("actual", sa.JSON(), nullable=False),
        references={"model_version_id": "model_versions", "run_id": "score_runs"},
    )
    op.create_index(op.f("ix_score_drift_run_id"), "score_drift", ["run_id"])


def downgrade() -> None:
    op.drop_table("score_drift")
