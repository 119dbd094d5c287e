"""access: relying parties, programs, consents and inquiries"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credo.migrations.ddl import (
    big_id,
    create_table,
    created_at,
    key_columns,
    subject_id,
    timestamp,
)

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    create_table(
        "relying_parties",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        *key_columns(),
        sa.Column("active", sa.Boolean(), nullable=False),
        created_at(),
        unique=[("key_id",), ("name",)],
    )
    create_table(
        "programs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("party_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("benefit", sa.Text(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        created_at(),
        references={"party_id": "relying_parties"},
    )
    op.create_index(op.f("ix_programs_party_id"), "programs", ["party_id"])
    create_table(
        "consents",
        sa.Column("id", sa.String(length=32), nullable=False),
        subject_id(),
        sa.Column("party_id", sa.String(length=32), nullable=True),
        sa.Column("scope", sa.String(length=80), nullable=False),
        timestamp("granted_at"),
        sa.Column("expires_on", sa.Date(), nullable=True),
        timestamp("revoked_at", nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        references={"party_id": "relying_parties", "subject_id": "subjects"},
    )
    op.create_index("ix_consents_subject_id_scope", "consents", ["subject_id", "scope"])
    create_table(
        "inquiries",
        big_id(),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        timestamp("at"),
        sa.Column("party_id", sa.String(length=32), nullable=False),
        subject_id(nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.String(length=32), nullable=True),
        sa.Column("activity", sa.String(length=32), nullable=True),
        sa.Column("consent_id", sa.String(length=32), nullable=True),
        sa.Column("answer", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        references={"party_id": "relying_parties", "subject_id": "subjects"},
        unique=[("decision_id",)],
    )
    op.create_index(op.f("ix_inquiries_party_id"), "inquiries", ["party_id"])
    op.create_index("ix_inquiries_subject_id_at", "inquiries", ["subject_id", "at"])


def downgrade() -> None:
    for table in ("inquiries", "consents", "programs", "relying_parties"):
        op.drop_table(table)
