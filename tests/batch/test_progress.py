"""Progress per stage: every stage reports its start and its end on every engine, and Spark's
own console progress is off."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from credo.batch import engines, refresh


def test_every_stage_reports_start_and_end_in_order(factory: sessionmaker[Session]) -> None:
    seen: list[tuple[str, int, int | None]] = []
    job = refresh.Job(factory=factory, data_dir="unused", progress=lambda *a: seen.append(a))

    def counting(job: refresh.Job) -> None:
        job.tick("count", 0, 3)
        job.tick("count", 3)

    refresh.run(job, [("first", lambda job: None), ("count", counting)])
    assert seen == [
        ("first", 0, None),
        ("first", 0, refresh.DONE),
        ("count", 0, None),
        ("count", 0, 3),
        ("count", 3, None),
        ("count", 0, refresh.DONE),
    ]


def test_spark_console_progress_is_off() -> None:
    assert engines.SPARK_CONF["spark.ui.showConsoleProgress"] == "false"
