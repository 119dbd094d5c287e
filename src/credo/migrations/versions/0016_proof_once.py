"""proofs: one waiting proof per record and document (a unique index on the submitted ones)

A document sent twice while the first copy waited (a double click reaching two workers)
made two proofs and two furnisher notices; the read-then-insert check in
``rights.proofs.submit`` cannot see a copy not yet committed, so the store refuses the
second. Copies already waiting twice are settled first: the earliest stays, each later one
is marked rejected as a duplicate, so the index can be built.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"

WAITING = sa.text("state = 'submitted'")


def upgrade() -> None:
    proofs = sa.table(
        "proofs",
        sa.column("id", sa.Integer),
        sa.column("record_id", sa.Integer),
        sa.column("sha256", sa.String),
        sa.column("state", sa.String),
        sa.column("decided_at", sa.DateTime(timezone=True)),
        sa.column("decided_by", sa.String),
        sa.column("decision_note", sa.Text),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(proofs.c.id, proofs.c.record_id, proofs.c.sha256)
        .where(proofs.c.state == "submitted")
        .order_by(proofs.c.id)
    ).all()
    first: dict[tuple[int, str], int] = {}
    for proof_id, record_id, sha256 in rows:
        kept = first.setdefault((record_id, sha256), proof_id)
        if kept != proof_id:
            bind.execute(
                proofs.update()
                .where(proofs.c.id == proof_id)
                .values(
                    state="rejected",
                    decided_at=dt.datetime.now(dt.UTC),
                    decided_by="migration 0016",
                    decision_note=f"the same document was sent twice: proof {kept} stands",
                )
            )
    op.create_index(
        "uq_proofs_waiting",
        "proofs",
        ["record_id", "sha256"],
        unique=True,
        sqlite_where=WAITING,
        postgresql_where=WAITING,
    )


def downgrade() -> None:
    op.drop_index("uq_proofs_waiting", table_name="proofs")
