"""due process: statements per subject, proofs, reviews (issue 17)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import create_table, integer_id, state, subject_id, timestamp

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.add_column(timestamp("detached_at", nullable=True))
        batch_op.drop_constraint("uq_statements_record_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_statements_record_id_subject_id", ["record_id", "subject_id"]
        )
        batch_op.create_index("ix_statements_record_id", ["record_id"], unique=False)
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="eligibility")
        )
    with op.batch_alter_table("list_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overturned_on", sa.Date(), nullable=True))
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
    create_table(
        "proofs",
        integer_id(),
        sa.Column("record_id", sa.Integer(), nullable=False),
        subject_id(),
        sa.Column("furnisher_id", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        state(),
        timestamp("submitted_at"),
        sa.Column("deadline", sa.Date(), nullable=False),
        timestamp("decided_at", nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("fulfilment_record_id", sa.Integer(), nullable=True),
        references={
            "furnisher_id": "furnishers",
            "record_id": "records",
            "fulfilment_record_id": "records",
            "subject_id": "subjects",
        },
    )
    for column in ("furnisher_id", "record_id", "subject_id"):
        op.create_index(op.f(f"ix_proofs_{column}"), "proofs", [column])


def downgrade() -> None:
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
