"""Quick settings for make test; ``CREDO_RELIABILITY=full`` (bench/reliability.py) scales up."""

from __future__ import annotations

import os

FULL = os.environ.get("CREDO_RELIABILITY", "").lower() == "full"


def pick(quick: int, full: int) -> int:
    """The quick figure in make test, the full one under ``bench/reliability.py --full``."""
    override = os.environ.get("CREDO_RELIABILITY_SCALE")
    value = full if FULL else quick
    return max(1, int(value * float(override))) if override else value
