"""register: organisation grades, safety ratings, appeals (issue 20)

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_grades",
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_register_grades_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_register_grades")),
    )
    op.create_table(
        "register_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("inspection_record_id", sa.Integer(), nullable=False),
        sa.Column("inspection_on", sa.Date(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_register_ratings_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_ratings")),
        sa.UniqueConstraint("subject_id", "domain", name=op.f("uq_register_ratings_subject_id")),
    )
    op.create_table(
        "register_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_register_replies_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_replies")),
    )
    op.create_index(
        "ix_register_replies_subject_id", "register_replies", ["subject_id", "domain"]
    )
    op.create_table(
        "register_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("rating_at_open", sa.Integer(), nullable=False),
        sa.Column("inspection_record_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_rating", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_register_requests_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_requests")),
    )
    op.create_index(
        "ix_register_requests_subject_id", "register_requests", ["subject_id", "domain"]
    )


def downgrade() -> None:
    op.drop_index("ix_register_requests_subject_id", table_name="register_requests")
    op.drop_table("register_requests")
    op.drop_index("ix_register_replies_subject_id", table_name="register_replies")
    op.drop_table("register_replies")
    op.drop_table("register_ratings")
    op.drop_table("register_grades")
