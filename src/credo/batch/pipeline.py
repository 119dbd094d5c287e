"""Scores inside the engine, and the rows that publishing writes back to the store."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from credo.batch.compile import score_expr
from credo.batch.engines import Snapshot
from credo.batch.features import BY_NAME, features
from credo.scoring import DIMENSIONS, Scorecard
from credo.scoring.reasons import N_REASONS, sentence


def score_table(snap: Snapshot, scorecard: Scorecard, as_of: dt.date) -> ir.Table:
    """Features and compiled scores of every subject, one row each, as one engine expression."""
    selected = [BY_NAME[name] for name in scorecard.features_]
    feats = features(snap.records, snap.subjects, as_of, selected)
    return score_expr(feats, scorecard, keep=tuple(scorecard.features_))


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def publish_rows(result: pa.Table, scorecard: Scorecard) -> list[dict[str, Any]]:
    """Engine output as score rows (ordered by subject) with their reasons as JSON text."""
    result = result.sort_by("subject_id")
    cols = {name: result.column(name).to_pylist() for name in result.column_names}
    templates = scorecard.descriptions_
    rows = []
    for i, subject_id in enumerate(cols["subject_id"]):
        reasons = []
        for r in range(1, N_REASONS + 1):
            feature = cols[f"reason_{r}"][i]
            if feature is None:
                break
            value = _plain(cols[feature][i])
            lost = cols[f"lost_{r}"][i]
            reasons.append(
                {
                    "feature": feature,
                    "value": value,
                    "points_lost": lost,
                    "text": sentence(feature, value, lost, templates.get(feature)),
                }
            )
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
