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


def _interval(label: str) -> tuple[float, float]:
    lo, hi = label.strip("[()").split(", ")
    return float(lo.replace("-inf", "-inf")), float(hi.rstrip(")"))


def test_a_reasons_number_lies_in_the_bin_it_scores_in(tmp_path):
    """'A is 0.3' must not be said of a value in [-0.52, 0.25): 0.3 scores in another bin."""
    t = _table(n=2000, seed=3)
    path = tmp_path / "t.csv"
    t.to_csv(path, index=False)
    model = tmp_path / "m.json"
    r = _run("model", "fit", "--table", path, "--target", "y", "--bad", "1", "--out", model)
    assert r.exit_code == 0, r.output
    out = tmp_path / "s.parquet"
    r = _run("model", "apply", "--model", model, "--table", path, "--out", out)
    assert r.exit_code == 0, r.output
    import json
    import re

    checked = 0
    for text in pd.read_parquet(out)["reasons"]:
        for reason in json.loads(text):
            if reason["feature"] != "a" or reason["value"] is None:
                continue
            shown = float(re.match(r"A is (-?[\d,.]+),", reason["text"]).group(1))
            lo, hi = _interval(reason["bin"])
            assert lo <= shown < hi, (reason, shown)
            checked += 1
    assert checked > 100


def test_generic_reason_says_one_point_not_one_points():
    from credo.scoring.reasons import sentence

    assert sentence("credit_amount", 9055, 1, None) == (
        "Credit amount is 9,055, which scores 1 point below its best value."
    )
    two = sentence("credit_amount", 9055, 2, None)
    assert two.endswith("scores 2 points below its best value.")


def test_card_fairness_when_no_one_is_approved_says_na_not_nan_or_not_met(tmp_path):
    """Nobody reaches 600: the parity ratio is 0/0, so the card cannot say the 4/5 rule fails."""
    t = _table(n=400, seed=0)
    t["grp"] = np.where(np.arange(len(t)) % 2, "m", "f")
    path = tmp_path / "t.csv"
    t.to_csv(path, index=False)
    model = tmp_path / "m.json"
    r = _run("model", "fit", "--table", path, "--target", "y", "--bad", "1",
             "--audit-only", "grp", "--out", model)  # fmt: skip
    assert r.exit_code == 0, r.output
    card = ("model", "card", "--model", model, "--table", path, "--target", "y", "--bad", "1",
            "--audit-only", "grp")  # fmt: skip
    r = _run(*card)
    assert r.exit_code == 0, r.output
    assert "approval rate" in r.output and "nan" not in r.output.lower()
    assert "NOT met" not in r.output  # no group is selected at all: the ratio is undefined
    import json

    r = _run(*card, "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)  # strict JSON: no NaN
    grp = doc["fairness"]["attributes"]["grp"]
    assert grp["demographic_parity_ratio"] is None
    assert grp["thresholds"]["600"]["four_fifths_met"] is None


def test_fit_refuses_a_constant_or_empty_column_and_a_stray_text_in_numbers(tmp_path):
    t = _table()
    cases = {
        "const": (t.assign(c=7), "'c'"),
        "empty": (t.assign(c=np.nan), "'c'"),
        "stray": (
            t.astype({"a": object}).assign(a=lambda f: f["a"].where(f.index != 5, "x")),
            "'x'",
        ),
    }
    for name, (frame, needle) in cases.items():
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        r = _run("model", "fit", "--table", path, "--target", "y", "--bad", "1",
                 "--out", tmp_path / f"{name}.json")  # fmt: skip
        assert r.exit_code == 1, (name, r.output)
        assert needle in r.output and "Traceback" not in r.output, (name, r.output)
    r = _run("model", "fit", "--table", tmp_path / "stray.csv", "--target", "y", "--bad", "1",
             "--out", tmp_path / "s.json")  # fmt: skip
    assert "'a'" in r.output and "row 6" in r.output and "'x'" in r.output


def test_sentence_with_its_bins_bounds_writes_a_number_in_that_bin():
    from credo.scoring.reasons import sentence

    share = {"value": "Cards at {value} of limits", "unit": "share"}
    assert sentence("u", 0.2948, 5, share, (0.29471, 0.344899)) == "Cards at 29.5% of limits"
    assert sentence("u", 0.2948, 5, share) == "Cards at 29% of limits"  # no bounds: as before
    months = {"value": "History of {value} months", "unit": "months"}
    assert sentence("h", 11.6, 3, months, (None, 12.0)) == "History of 11 months"
    # two decimals, not rounded up to "0.5", which would misstate it
    assert sentence("a", 0.41809, 3, None, (0.409228, 0.815183)).startswith("A is 0.42,")
