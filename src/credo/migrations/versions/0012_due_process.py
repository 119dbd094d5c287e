"""due process: statements per subject, proofs, reviews (issue 17)

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detached_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint("uq_statements_record_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_statements_record_id_subject_id", ["record_id", "subject_id"]
        )
        batch_op.create_index("ix_statements_record_id", ["record_id"], unique=False)
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind", sa.String(length=16), nullable=False, server_default="eligibility"
            )
        )
    with op.batch_alter_table("list_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overturned_on", sa.Date(), nullable=True))
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
    op.create_table(
        "proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("furnisher_id", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("fulfilment_record_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["furnisher_id"], ["furnishers.id"], name=op.f("fk_proofs_furnisher_id_furnishers")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_proofs_record_id_records")
        ),
        sa.ForeignKeyConstraint(
            ["fulfilment_record_id"],
            ["records.id"],
            name=op.f("fk_proofs_fulfilment_record_id_records"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_proofs_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proofs")),
    )
    for column in ("furnisher_id", "record_id", "subject_id"):
        op.create_index(op.f(f"ix_proofs_{column}"), "proofs", [column], unique=False)


def downgrade() -> None:
    for column in ("furnisher_id", "record_id", "subject_id"):
        op.drop_index(op.f(f"ix_proofs_{column}"), table_name="proofs")
    op.drop_table("proofs")
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_on")
    with op.batch_alter_table("list_entries", schema=None) as batch_op:
        batch_op.drop_column("overturned_on")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index("ix_statements_record_id")
        batch_op.drop_constraint("uq_statements_record_id_subject_id", type_="unique")
        batch_op.create_unique_constraint("uq_statements_record_id", ["record_id"])
        batch_op.drop_column("detached_at")
