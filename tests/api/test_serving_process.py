"""What a serving process does once at its start (``api.app._served``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import gc, sys
from fastapi.testclient import TestClient
from credo.api.app import create_app
from credo.config import Settings

app = create_app(Settings(database_url="sqlite:///" + sys.argv[1]))
before = gc.get_freeze_count()
with TestClient(app):  # the lifespan: the server's start
    frozen = gc.get_freeze_count()
gc.collect()
between = [[]]
between[0].append(between)  # a cycle made after the first start
with TestClient(app):  # a second start in the process does not freeze it
    pass
del between
print(before, frozen, gc.collect())
"""


def test_a_serving_process_freezes_what_it_started_with(tmp_path: Path) -> None:
    """A full collection over everything the imports made paused every request ~150 ms
    (bench_checks p99 120-140 ms at half rate); frozen at the start, it scans only what
    requests made since."""
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "store.db")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    before, frozen, collected = map(int, out)
    assert before == 0
    assert frozen > 100_000  # the imports' objects (FastAPI, SQLAlchemy, pydantic, Arrow)
    assert collected >= 2  # the cycle made between the starts was not frozen
