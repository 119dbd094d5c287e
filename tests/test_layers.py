"""The layer contract of STYLE.md (``[tool.importlinter]`` in pyproject.toml) holds, and breaks
when a module imports upwards: ``make lint`` runs the same check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root / "src"), "PATH": str(LINT_IMPORTS.parent)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(
        ROOT / "src" / "credo",
        root / "src" / "credo",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_layers_hold_and_an_upward_import_breaks_them(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    kept = _lint(root)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "STYLE.md layers KEPT" in kept.stdout
    # a domain reaching up into the web layer, as records -> web would
    service = root / "src" / "credo" / "records" / "service.py"
    service.write_text(service.read_text() + "\nfrom credo.web import deps as _web_deps  # noqa\n")
    broken = _lint(root)
    assert broken.returncode != 0
    assert "STYLE.md layers BROKEN" in broken.stdout
    assert "credo.records.service -> credo.web.deps" in broken.stdout
