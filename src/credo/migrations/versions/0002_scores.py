"""scores: model versions, score runs and published scores"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import create_table, created_at, integer_id, subject_id, timestamp

revision = "0002"
down_revision = "0001"

# the five dimensions a score is explained by, as they were at this revision
DIMENSIONS = ("history", "capacity", "compliance", "payments", "identity")


def upgrade() -> None:
    create_table(
        "model_versions",
        integer_id(),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        created_at(),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        unique=[("version",)],
    )
    create_table(
        "score_runs",
        integer_id(),
        timestamp("started_at"),
        timestamp("finished_at", nullable=True),
        sa.Column("engine", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.String(length=512), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("published", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=True),
        references={"model_version_id": "model_versions"},
    )
    create_table(
        "scores",
        integer_id(),
        subject_id(),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        *(sa.Column(dimension, sa.Integer(), nullable=True) for dimension in DIMENSIONS),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("features", sa.Text(), nullable=True),
        references={
            "model_version_id": "model_versions",
            "run_id": "score_runs",
            "subject_id": "subjects",
        },
    )
    op.create_index(op.f("ix_scores_run_id"), "scores", ["run_id"])
    op.create_index(op.f("ix_scores_subject_id"), "scores", ["subject_id"])


def downgrade() -> None:
    for table in ("scores", "score_runs", "model_versions"):
        op.drop_table(table)
