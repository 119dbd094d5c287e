"""Load and soak on loopback: intake, checks and transparency reads at a fixed rate, 0 errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.reliability_load import run_load

from tests.reliability.settings import FULL, pick

pytestmark = pytest.mark.slow


@pytest.mark.skipif(FULL, reason="the full soak runs from bench/reliability.py at half capacity")
def test_quick_soak_has_no_errors_and_flat_memory(tmp_path: Path) -> None:
    seconds = pick(20, 600)
    summary = run_load(tmp_path, rate=20, seconds=seconds, max_requests=20 * seconds)
    print(summary)
    assert summary["requests"] >= 0.9 * 20 * seconds
    assert summary["errors"] == 0, summary["error_samples"]
    assert summary["rss_mib_end"] <= 1.25 * summary["rss_mib_middle"] + 16
