"""The refresh steps: publish every organisation's grade and ratings, then the open data.

``register_step(job)`` runs after the lists are derived (grades count list entries) and
``open_data_step(job)`` after it; each uses its own transaction. Results go in
``job.sweeps`` so the refresh summary shows them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from credo.core import clock
from credo.register import export, service


def open_data_folder(data_dir: str) -> Path:
    """Where dated open-data exports go: ``<CREDO_DATA_DIR>/open-data``."""
    return Path(data_dir) / "open-data"


def register_step(job: Any) -> None:
    """Refresh step ``("register", register_step)``: grades and safety ratings."""
    with job.factory() as session, session.begin():
        job.sweeps["register"] = service.publish(
            session=session, as_of=job.as_of or clock.today(), actor=job.actor
        )


def open_data_step(job: Any) -> None:
    """Refresh step ``("open-data", open_data_step)``: the dated open-data export."""
    with job.factory() as session, session.begin():
        manifest = export.export(
            session=session, folder=open_data_folder(job.data_dir), as_of=job.as_of
        )
    job.sweeps["open_data"] = {"path": manifest["path"], "rows": manifest["rows"]}
