"""``credo refresh`` publishes grades and ratings, then the open data, as its own steps."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sqlalchemy.orm import Session, sessionmaker

from credo.batch.refresh import STEPS
from credo.register import service
from credo.register.batch import open_data_step, register_step
from tests.register.fixtures import TODAY, Registry
from tests.web.seed import FOODS, ORGS


def test_refresh_runs_register_then_open_data_after_the_lists() -> None:
    names = [name for name, _ in STEPS]
    assert names.index("lists") < names.index("register") < names.index("open-data")
    assert names.index("open-data") < names.index("checkpoint")


def test_the_steps_grade_and_export(
    factory: sessionmaker[Session], registry: Registry, tmp_path: Path
) -> None:
    job = SimpleNamespace(factory=factory, data_dir=str(tmp_path), as_of=None, actor="test",
                          sweeps={})
    register_step(job)
    open_data_step(job)
    assert job.sweeps["register"]["organisations"] == len(ORGS)
    folder = tmp_path / "open-data" / TODAY.isoformat()
    assert job.sweeps["open_data"]["path"] == str(folder)
    assert (folder / "organisations.parquet").exists() and (folder / "SHA256SUMS").exists()
    with factory() as s:
        sid = registry.seeded.org_subject_ids[FOODS]
        grade = service.grade_of(session=s, subject_id=sid)
        assert grade is not None and grade["grade"] == "C"
