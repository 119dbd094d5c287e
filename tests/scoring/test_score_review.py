"""Review of the score as its subject reads it and as a risk engineer signs it (CLI and API)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from credo.cli.main import app

runner = CliRunner()


def _run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def _table(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int)
    return pd.DataFrame({"a": x, "b": rng.integers(0, 5, n), "y": y})


def test_fit_refuses_values_too_large_to_bin_naming_the_column(tmp_path):
    t = _table()
    t["a"] = t["a"] * 1e300
    path = tmp_path / "huge.csv"
    t.to_csv(path, index=False)
    r = _run("model", "fit", "--table", path, "--target", "y", "--bad", "1",
             "--out", tmp_path / "m.json")  # fmt: skip
    assert r.exit_code == 1, r.output
    assert "'a'" in r.output and "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
