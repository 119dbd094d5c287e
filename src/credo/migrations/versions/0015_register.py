"""register: organisation grades, safety ratings, appeals (issue 20)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import create_table, created_at, integer_id, state, subject_id, timestamp

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    create_table(
        "register_grades",
        subject_id(),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        timestamp("computed_at"),
        references={"subject_id": "subjects"},
        primary_key=["subject_id"],
    )
    create_table(
        "register_ratings",
        integer_id(),
        subject_id(),
        sa.Column("domain", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("inspection_record_id", sa.Integer(), nullable=False),
        sa.Column("inspection_on", sa.Date(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        references={"subject_id": "subjects"},
        unique=[("subject_id", "domain")],
    )
    create_table(
        "register_replies",
        integer_id(),
        subject_id(),
        sa.Column("domain", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        created_at(),
        timestamp("withdrawn_at", nullable=True),
        references={"subject_id": "subjects"},
    )
    create_table(
        "register_requests",
        integer_id(),
        subject_id(),
        sa.Column("domain", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        state(),
        sa.Column("rating_at_open", sa.Integer(), nullable=False),
        sa.Column("inspection_record_id", sa.Integer(), nullable=False),
        timestamp("opened_at"),
        timestamp("decided_at", nullable=True),
        sa.Column("decided_rating", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        references={"subject_id": "subjects"},
    )
    for table in ("register_replies", "register_requests"):
        op.create_index(f"ix_{table}_subject_id", table, ["subject_id", "domain"])


def downgrade() -> None:
    for table in ("register_requests", "register_replies", "register_ratings", "register_grades"):
        op.drop_table(table)
