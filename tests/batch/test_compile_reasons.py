"""Review 2: compiled reasons (DuckDB, Spark) and published reasons equal the explained ones on
a card where having no loan (the missing bin) outscores every length of credit history, so a
subject at the best history is not blamed for it on any path."""

from __future__ import annotations

import json
import os
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from credo.batch import engines
from credo.batch.compile import score_expr
from credo.batch.pipeline import publish_table
from credo.scoring import Scorecard
from tests.batch.conftest import IBIS_DUCKDB
from tests.scoring.cards import no_loan_card

pytestmark = [IBIS_DUCKDB, pytest.mark.filterwarnings("ignore::UserWarning")]


def _spark() -> Any:
    """Spark as a parameter: skipped where PySpark is not installed (a failure under
    ``CREDO_REQUIRE_SPARK=1``, as in test_spark)."""
    marks = [
        pytest.mark.spark,
        pytest.mark.filterwarnings("ignore::DeprecationWarning"),
        pytest.mark.filterwarnings("ignore::ResourceWarning"),
        pytest.mark.filterwarnings("ignore::FutureWarning"),
    ]
    if find_spec("pyspark") is None and os.environ.get("CREDO_REQUIRE_SPARK") != "1":
        marks.append(pytest.mark.skip(reason="PySpark is not installed"))
    return pytest.param("spark", marks=marks)


@pytest.fixture(scope="module")
def card() -> tuple[Scorecard, pd.DataFrame]:
    """The card and 400 of its subjects: every one in the best regular bin of history_months
    that the first 3000 rows hold, a few with no loan, the rest in other bins."""
    sc, X = no_loan_card()
    X = X.iloc[:3000]
    j = sc.features_.index("history_months")
    fb = sc.bins_[j]
    index = sc.bin_index(X)
    best = int(np.argmax(fb.points[:-1]))
    assert fb.points[fb.missing_bin] > fb.points[best]
    at_best = np.flatnonzero(index[:, j] == best)
    rest = np.flatnonzero(index[:, j] != best)[: 400 - len(at_best)]
    rows = np.sort(np.concatenate([at_best, rest]))
    frame = X.iloc[rows].reset_index(drop=True)
    assert (sc.bin_index(frame)[:, j] == fb.missing_bin).sum() > 10
    return sc, frame


def _compiled(engine: str, sc: Scorecard, frame: pd.DataFrame, tmp_path: Path) -> pd.DataFrame:
    path = tmp_path / "features.parquet"
    frame.assign(subject_id=np.arange(len(frame), dtype=np.int64)).to_parquet(path)
    con = engines.connect(engine, threads=2) if engine == "spark" else engines.connect(engine)
    table = con.read_parquet(str(path))
    out = score_expr(table, sc, keep=tuple(sc.features_)).to_pyarrow()
    return out.to_pandas().sort_values("subject_id").reset_index(drop=True)


@pytest.mark.parametrize("engine", ["duckdb", _spark()])
def test_compiled_and_published_reasons_equal_the_explained_ones(
    engine: str, card: tuple[Scorecard, pd.DataFrame], tmp_path: Path
) -> None:
    sc, frame = card
    out = _compiled(engine, sc, frame, tmp_path)
    explained = sc.explain_frame(frame)
    j = sc.features_.index("history_months")
    at_best = sc.bin_index(frame)[:, j] == int(np.argmax(sc.bins_[j].points[:-1]))
    blamed_elsewhere = 0
    for i, e in enumerate(explained):
        want = [(r["feature"], r["points_lost"]) for r in e["reasons"]]
        got = [
            (out.at[i, f"reason_{k}"], int(out.at[i, f"lost_{k}"]))
            for k in range(1, 5)
            if not pd.isna(out.at[i, f"reason_{k}"])
        ]
        assert got == want, i
        if at_best[i]:
            assert "history_months" not in [f for f, _ in got]
        else:
            blamed_elsewhere += any(f == "history_months" for f, _ in got)
    assert at_best.sum() > 10 and blamed_elsewhere > 10

    published = publish_table(pa.Table.from_pandas(out, preserve_index=False), sc).to_pylist()
    for row, e in zip(published, explained, strict=True):
        reasons = json.loads(row["reasons"])
        assert [(r["feature"], r["points_lost"], r["text"]) for r in reasons] == [
            (r["feature"], r["points_lost"], r["text"]) for r in e["reasons"]
        ]
