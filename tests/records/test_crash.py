"""Crash safety of bulk intake: SIGKILL `credo ingest` mid-file, re-run, nothing lost or doubled."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.api.helpers import make_ric
from tests.records.bulkfiles import cli, last_json, sqlite_count

TOTAL = 60_000


def credo_executable() -> str:
    beside = Path(sys.executable).parent / "credo"
    found = str(beside) if beside.exists() else shutil.which("credo")
    assert found, "the credo console script is not installed"
    return found


def write_records(path: Path, total: int) -> None:
    rng = random.Random(20261121)
    people = [make_ric(rng) for _ in range(3_000)]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(total):
            envelope = {
                "external_id": f"crash-{i:06d}",
                "category": "loan.repayment",
                "subject": {"scheme": "cn_ric", "id": people[i % len(people)]},
                "occurred_on": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "amount": f"{100 + i % 5000}.{i % 100:02d}",
                "currency": "CNY",
                "fields": {"loan_id": f"L-{i // 12}", "days_late": i % 40},
            }
            handle.write(json.dumps(envelope) + "\n")


def records_held(db: Path) -> int:
    try:
        return int(sqlite_count(db, "SELECT count(*) FROM records"))
    except Exception:  # the table is busy or not there yet
        return -1


@pytest.mark.slow
def test_killed_ingest_loses_nothing_and_doubles_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from credo.config import get_settings

    db = tmp_path / "crash.db"
    env = {
        **os.environ,
        "CREDO_DATABASE_URL": f"sqlite:///{db}",
        "CREDO_INGEST_CHUNK": "500",
        "CREDO_SECRET": "crash-secret",
    }
    for key in ("CREDO_DATABASE_URL", "CREDO_INGEST_CHUNK", "CREDO_SECRET"):
        monkeypatch.setenv(key, env[key])
    get_settings.cache_clear()
    assert cli("init").exit_code == 0
    added = cli("furnishers", "add", "Crash Bank", "--kind", "bank",
                "--categories", "loan.repayment", "--json")  # fmt: skip
    furnisher = last_json(added)["id"]
    path = tmp_path / "big.jsonl"
    write_records(path, TOTAL)
    command = [credo_executable(), "ingest", str(path), "--furnisher", furnisher, "--json"]

    # Kill at three points: early, about a third in, about two thirds in.
    killed_at = []
    for threshold in (1, TOTAL // 3, 2 * TOTAL // 3):
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 60
            while records_held(db) < threshold:
                assert process.poll() is None, "ingest ended before it could be killed"
                assert time.monotonic() < deadline, "ingest made no progress"
                time.sleep(0.02)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        assert process.returncode == -signal.SIGKILL
        held = records_held(db)
        assert 0 < held < TOTAL, held
        assert held % 500 == 0, "a chunk was half committed"
        killed_at.append(held)
    assert killed_at == sorted(killed_at)

    finish = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finish.returncode == 0, finish.stderr[-2000:]
    summary = json.loads(finish.stdout.strip().splitlines()[-1])
    assert summary["rejected"] == 0 and summary["report"] is None
    assert summary["accepted"] == TOTAL - killed_at[-1]
    assert summary["duplicates"] == killed_at[-1]

    assert sqlite_count(db, "SELECT count(*) FROM records") == TOTAL
    assert sqlite_count(db, "SELECT count(DISTINCT external_id) FROM records") == TOTAL
    assert sqlite_count(db, "PRAGMA integrity_check") == "ok"
    accepted_events = sqlite_count(
        db,
        "SELECT sum(json_extract(payload, '$.count')) FROM audit_log"
        " WHERE event_type = 'records.accepted'",
    )
    assert accepted_events == TOTAL  # each committed chunk has exactly one audit event

    verify = cli("audit", "verify", "--json")
    assert verify.exit_code == 0, verify.output
    assert last_json(verify)["ok"] is True
