"""Crash and power loss during bulk intake: nothing acknowledged is lost or doubled.

Crash: ``credo ingest`` is SIGKILLed at random points, then re-run, in cycles. Power loss
(an equivalent of LazyFS, which needs FUSE): with ``synchronous=FULL`` in WAL mode SQLite
fsyncs the WAL before a commit returns, so the main file plus WAL on disk at the moment a
commit is acknowledged is what survives a power cut. Each such moment is snapshotted (a
byte copy taken in the after-commit hook) and recovered in isolation.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from credo.core import audit
from credo.core.db import make_engine, session_factory
from credo.furnishers import service as furnishers
from credo.models import metadata
from credo.records.bulk import ingest_file
from tests.records.test_crash import credo_executable, records_held, write_records
from tests.reliability.settings import pick

pytestmark = pytest.mark.slow
CHUNK = 200


def sql(db: Path, query: str) -> object:
    with sqlite3.connect(db) as conn:
        return conn.execute(query).fetchone()[0]


def fresh_store(db: Path) -> str:
    engine = make_engine(f"sqlite:///{db}")
    metadata.create_all(engine)  # same tables the migrations build (tests/core/test_store.py)
    with Session(engine) as s, s.begin():
        furnisher, _ = furnishers.add(session=s, name="Crash Bank", kind="bank",
                                      categories=["loan.repayment"])  # fmt: skip
        furnisher_id = furnisher.id
    engine.dispose()
    return furnisher_id


def test_sigkill_cycles_lose_and_double_nothing(tmp_path: Path) -> None:
    cycles = pick(3, 120)
    per_round, total = 3, pick(6_000, 12_000)
    rng = random.Random(20261121)
    source = tmp_path / "records.jsonl"
    write_records(source, total)
    kills = 0
    for round_no in range((cycles + per_round - 1) // per_round):
        db = tmp_path / f"round-{round_no}.db"
        furnisher = fresh_store(db)
        env = {**os.environ, "CREDO_DATABASE_URL": f"sqlite:///{db}",
               "CREDO_INGEST_CHUNK": str(CHUNK)}  # fmt: skip
        command = [credo_executable(), "ingest", str(source), "--furnisher", furnisher, "--json"]
        acknowledged = 0
        for _ in range(per_round):
            target = acknowledged + rng.randint(1, total // (per_round + 1))
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)  # fmt: skip
            deadline = time.monotonic() + 120
            while records_held(db) < target and process.poll() is None:
                assert time.monotonic() < deadline, "ingest made no progress"
                time.sleep(0.005)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            held = records_held(db)
            assert held >= acknowledged, f"lost acknowledged records: {held} < {acknowledged}"
            assert held % CHUNK == 0 or held == total, "a chunk was half committed"
            acknowledged = held
        finish = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        assert finish.returncode == 0, finish.stderr[-2000:]
        assert sql(db, "SELECT count(*) FROM records") == total
        assert sql(db, "SELECT count(DISTINCT external_id) FROM records") == total
        assert sql(db, "PRAGMA integrity_check") == "ok"
        engine = make_engine(f"sqlite:///{db}")
        with Session(engine) as s:
            assert audit.verify_all(s).ok
        engine.dispose()
    assert kills >= cycles


def test_every_acknowledged_commit_survives_from_its_on_disk_state(tmp_path: Path) -> None:
    db = tmp_path / "power.db"
    furnisher = fresh_store(db)
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    snapshots: list[Path] = []

    def on_commit(session: Session) -> None:
        # after_commit runs once the COMMIT (and its WAL fsync) has returned: acknowledged.
        where = tmp_path / f"snap-{len(snapshots):04d}"
        where.mkdir()
        for suffix in ("", "-wal"):
            if Path(f"{db}{suffix}").exists():
                shutil.copyfile(f"{db}{suffix}", where / f"power.db{suffix}")
        snapshots.append(where)

    total = pick(2_000, 20_000)
    source = tmp_path / "records.jsonl"
    write_records(source, total)
    factory = session_factory(engine)
    event.listen(factory, "after_commit", on_commit)
    summary = ingest_file(factory=factory, path=source, furnisher_id=furnisher, chunk=CHUNK)
    assert summary.accepted == total
    engine.dispose()
    assert len(snapshots) >= total // CHUNK
    acknowledged = 0
    for snap in snapshots:
        copy = snap / "power.db"
        recovered = create_engine(f"sqlite:///{copy}")
        with recovered.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            held = conn.execute(text("SELECT count(*) FROM records")).scalar_one()
        with Session(recovered) as s:
            assert audit.verify(s).ok
        recovered.dispose()
        assert held >= acknowledged, f"{snap.name}: {held} < {acknowledged}"
        acknowledged = held
    assert acknowledged == total
