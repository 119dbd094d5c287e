"""sessions: server-side web sessions and failed-credential throttling (issue 18)

No schema change: a web session is a row of the ``credentials`` table (revision 0010) of
kind ``operator_session`` or ``subject_session`` (``credo.web.sessions``), and the
failed-credential throttle is kept in each API process (``credo.api.limits``). The
revision stays so the numbering of the open issues' migrations holds.
"""

from __future__ import annotations

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
