"""Reliability and security evidence in one command; prints the figures docs/reliability.md cites.

    python bench/reliability.py            # quick settings (what make test runs)
    python bench/reliability.py --full     # full settings: ≥ 10,000 Schemathesis cases
                                           # and ≥ 10,000 hostile-input cases,
                                           # 500 × 50 state-machine runs, ≥ 100 SIGKILL cycles,
                                           # 5,000 tamper mutations, a 10-minute soak at half
                                           # the sustainable rate
    python bench/reliability.py --full --only tamper,crash

Each part is the matching test module under tests/reliability/ run with
``CREDO_RELIABILITY=full``; the soak runs here because it first measures the sustainable rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTS = {
    "merkle": "tests/reliability/test_merkle.py",
    "tamper": "tests/reliability/test_tamper.py",
    "audit_api": "tests/reliability/test_audit_api.py",
    "schemathesis": "tests/reliability/test_schemathesis.py",
    "hostile": "tests/api/test_hostile_input.py tests/records/test_hostile_files.py "
    "tests/web/test_sessions.py",
    "state_machine": "tests/reliability/test_state_machine.py",
    "crash": "tests/reliability/test_crash_cycles.py",
    "dependencies": "tests/reliability/test_dependencies.py",
    "load": "",
}


def machine() -> dict[str, object]:
    return {
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run_part(name: str, full: bool) -> dict[str, object]:
    env = {**os.environ, "CREDO_RELIABILITY": "full" if full else "quick"}
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-ra", "-p", "no:cacheprovider",
         *PARTS[name].split()],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    tail = [line for line in run.stdout.splitlines() if line.strip()][-6:]
    return {"ok": run.returncode == 0, "seconds": round(time.perf_counter() - start, 1),
            "tail": tail}  # fmt: skip


def run_soak(full: bool) -> dict[str, object]:
    from bench.reliability_load import find_sustainable, run_load

    with tempfile.TemporaryDirectory() as folder:
        if not full:
            return run_load(Path(folder) / "q", rate=20, seconds=20, max_requests=400)
        Path(folder, "s").mkdir()
        sustainable = find_sustainable(Path(folder) / "s", seconds=30)
        rate = max(1.0, sustainable / 2)
        Path(folder, "soak").mkdir()
        summary = run_load(Path(folder) / "soak", rate=rate, seconds=600,
                           max_requests=int(rate * 600) + 1)  # fmt: skip
        return {"sustainable_rate": round(sustainable, 1), **summary}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="full settings (about an hour)")
    parser.add_argument("--only", default="", help="comma-separated parts: " + ",".join(PARTS))
    args = parser.parse_args()
    parts = [p for p in args.only.split(",") if p] or list(PARTS)
    results: dict[str, object] = {"machine": machine(), "full": args.full}
    ok = True
    for part in parts:
        print(f"… {part}", file=sys.stderr, flush=True)
        if part == "load":
            summary = run_soak(args.full)
            results[part] = summary
            ok = ok and summary["errors"] == 0
        else:
            outcome = run_part(part, args.full)
            results[part] = outcome
            ok = ok and bool(outcome["ok"])
        print(json.dumps({part: results[part]}, ensure_ascii=False), file=sys.stderr, flush=True)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
