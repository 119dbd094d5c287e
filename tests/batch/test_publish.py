"""Publishing builds its rows in DuckDB: the same rows, byte for byte, as one row at a time."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from credo.batch.fit import fit
from credo.batch.pipeline import publish_table, score_table
from credo.errors import InvalidInput
from credo.scoring import DIMENSIONS, Scorecard
from credo.scoring.reasons import N_REASONS, sentence
from tests.batch.conftest import AS_OF, IBIS_DUCKDB, read
from tests.batch.registry import populate

pytestmark = IBIS_DUCKDB


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def one_at_a_time(result: pa.Table, scorecard: Scorecard) -> list[dict[str, Any]]:
    """The rows as publishing wrote them before it was vectorised: Python, row by row."""
    result = result.sort_by("subject_id")
    cols = {name: result.column(name).to_pylist() for name in result.column_names}
    rows = []
    for i, subject_id in enumerate(cols["subject_id"]):
        reasons = []
        for r in range(1, N_REASONS + 1):
            feature = cols[f"reason_{r}"][i]
            if feature is None:
                break
            value, lost = _plain(cols[feature][i]), cols[f"lost_{r}"][i]
            text = sentence(feature, value, lost, scorecard.descriptions_.get(feature))
            reasons.append({"feature": feature, "value": value, "points_lost": lost, "text": text})
        row = {
            "subject_id": subject_id,
            "score": cols["score"][i],
            "band": cols["band"][i],
            "reasons": json.dumps(reasons, separators=(",", ":"), ensure_ascii=False),
            "features": json.dumps(
                {f: _plain(cols[f][i]) for f in scorecard.features_}, separators=(",", ":")
            ),
        }
        row.update({d: cols[d][i] for d in DIMENSIONS})
        rows.append(row)
    return rows


@pytest.fixture
def scored(session: Session, engine: Engine, tmp_path: Path) -> tuple[pa.Table, Scorecard]:
    populate(session, n=300, as_of=AS_OF)
    session.commit()
    snap = read(engine, tmp_path)
    scorecard, _ = fit(snap, AS_OF)
    return score_table(snap, scorecard, AS_OF).to_pyarrow(), scorecard


def test_rows_equal_the_row_at_a_time_path(scored: tuple[pa.Table, Scorecard]) -> None:
    result, scorecard = scored
    rows = publish_table(result, scorecard).to_pylist()
    assert len(rows) == result.num_rows > 200
    assert [r["subject_id"] for r in rows] == sorted(result.column("subject_id").to_pylist())
    assert any(r["reasons"] != "[]" for r in rows)
    assert rows == one_at_a_time(result, scorecard)


def test_edge_values_and_templates_equal_the_row_at_a_time_path(
    scored: tuple[pa.Table, Scorecard],
) -> None:
    """Whole floats as ints, shortest float text, NaN and infinity, nulls, a reason after an
    empty slot (not published), quotes and non-ASCII text in a template; a feature that is
    not a number is refused."""
    result, scorecard = scored
    result = result.sort_by("subject_id").slice(0, 12)
    floats = [2.0, 1e-05, 0.1, 1 / 3, math.nan, math.inf, -0.0, None, 1e17, 123456.5, 0.0, 7.25]
    reason_1 = ["card_utilisation"] * 10 + [None, "card_utilisation"]
    reason_2 = [None] * 10 + ["late_30_24m", None]
    reason_3 = ["late_30_24m"] * 12
    for name, column in (
        ("card_utilisation", pa.array(floats, pa.float64())),
        ("reason_1", pa.array(reason_1, pa.string())),
        ("reason_2", pa.array(reason_2, pa.string())),
        ("reason_3", pa.array(reason_3, pa.string())),
        ("lost_1", pa.array([3] * 11 + [None], pa.int64())),
    ):
        result = result.set_column(result.schema.get_field_index(name), name, column)
    scorecard.descriptions_ = {
        **scorecard.descriptions_,
        "card_utilisation": {"value": 'Card "use" {value} — 超过', "unit": "share"},
    }
    rows = publish_table(result, scorecard).to_pylist()
    assert rows == one_at_a_time(result, scorecard)
    assert '"card_utilisation":2,' in rows[0]["features"]
    assert '"value":1e-05' in rows[1]["reasons"] and "超过" in rows[1]["reasons"]
    assert rows[10]["reasons"] == "[]"  # a reason after an empty slot is not published

    index = result.schema.get_field_index("late_30_24m")
    result = result.set_column(index, "late_30_24m", pa.array(["x"] * result.num_rows))
    with pytest.raises(InvalidInput, match="late_30_24m"):  # a feature that is not a number
        publish_table(result, scorecard)
