"""Scores inside the engine, and the rows that publishing writes back to the store."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from credo.batch.compile import score_expr
from credo.batch.engines import Snapshot
from credo.batch.features import BY_NAME, features
from credo.errors import InvalidInput
from credo.scoring import DIMENSIONS, Scorecard
from credo.scoring.reasons import N_REASONS, bin_bounds, sentence


def score_table(snap: Snapshot, scorecard: Scorecard, as_of: dt.date) -> ir.Table:
    """Features and compiled scores of every subject, one row each, as one engine expression."""
    selected = [BY_NAME[name] for name in scorecard.features_]
    feats = features(snap.records, snap.subjects, as_of, selected)
    return score_expr(feats, scorecard, keep=tuple(scorecard.features_))


def _json_value(column: str, dtype: pa.DataType) -> str:
    """SQL for a column's value as JSON text, exactly as ``json.dumps`` writes it in Python
    after whole floats become ints (``2.0`` as ``2``): DuckDB casts a double to its shortest
    round-trip text, the same digits as Python's ``repr``."""
    c = f'"{column}"'
    if pa.types.is_floating(dtype):
        return (
            f"CASE WHEN {c} IS NULL THEN 'null' WHEN isnan({c}) THEN 'NaN' "
            f"WHEN isinf({c}) THEN CASE WHEN {c} > 0 THEN 'Infinity' ELSE '-Infinity' END "
            f"WHEN {c} = trunc({c}) AND abs({c}) < 1e18 THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) "
            f"ELSE CAST({c} AS VARCHAR) END"
        )
    if pa.types.is_integer(dtype):
        return f"coalesce(CAST({c} AS VARCHAR), 'null')"
    if pa.types.is_boolean(dtype):
        return f"CASE WHEN {c} IS NULL THEN 'null' WHEN {c} THEN 'true' ELSE 'false' END"
    raise InvalidInput(
        f"feature {column!r} has type {dtype}; a published feature is a number or a boolean",
        details=[{"field": column, "value": str(dtype)}],
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reason(key: tuple[str, str, str], scorecard: Scorecard) -> str:
    """One reason as JSON text, from its (feature, value as JSON, points lost as JSON); its
    number written within the value's own bin (``reasons.bin_bounds``), as ``explain`` does."""
    feature, value_json, lost_json = key
    value, lost = json.loads(value_json), json.loads(lost_json)
    bounds = None
    fb = next((f for f in scorecard.bins_ if f.name == feature), None)
    if fb is not None and fb.kind == "numerical" and isinstance(value, int | float):
        bounds = bin_bounds(fb, int(fb.assign(np.array([value], dtype=float))[0]))
    return json.dumps(
        {
            "feature": feature,
            "value": value,
            "points_lost": lost,
            "text": sentence(
                feature, value, lost, scorecard.descriptions_.get(feature), bounds
            ),
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def publish_table(result: pa.Table, scorecard: Scorecard) -> pa.Table:
    """Engine output as the score rows publishing writes, ordered by subject: subject_id,
    score, band, reasons and features (JSON text), the five sub-scores.

    Built by DuckDB over the Arrow table, whichever engine scored it: the features' JSON
    is text the query concatenates; each reason's JSON depends only on its (feature, value,
    points lost), so Python writes it once per distinct triple (``sentence`` stays the one
    place a reason is worded) and the query joins it back, four slots per row. A slot
    counts only while every slot before it names a reason.
    """
    names = list(scorecard.features_)
    value = {f: _json_value(f, result.schema.field(f).type) for f in names}
    parts = [_literal("{")]
    for i, f in enumerate(names):
        parts += [_literal(("," if i else "") + json.dumps(f) + ":"), value[f]]
    features_json = f"concat({', '.join([*parts, _literal('}')])})"  # one pass, not n copies
    slots = []
    for r in range(1, N_REASONS + 1):
        present = " AND ".join(f"reason_{k} IS NOT NULL" for k in range(1, r + 1))
        which = " ".join(f"WHEN {_literal(f)} THEN {value[f]}" for f in names)
        slots.append(
            f"CASE WHEN {present} THEN reason_{r} END AS f{r}, "
            f"CASE WHEN {present} THEN CASE reason_{r} {which} END END AS v{r}, "
            f"coalesce(CAST(lost_{r} AS VARCHAR), 'null') AS l{r}"
        )
    kept = ", ".join(f'"{c}"' for c in ("subject_id", "score", "band", *DIMENSIONS))
    con = duckdb.connect()
    try:
        con.register("result", result)
        con.execute(
            f"CREATE TEMP TABLE slots AS SELECT {kept}, "
            f"{features_json} AS features, {', '.join(slots)} FROM result"
        )
        distinct = " UNION ".join(
            f"SELECT f{r} AS f, v{r} AS v, l{r} AS l FROM slots WHERE f{r} IS NOT NULL"
            for r in range(1, N_REASONS + 1)
        )
        keys = con.execute(distinct).fetchall()
        texts = pa.table(
            {
                "f": [k[0] for k in keys],
                "v": [k[1] for k in keys],
                "l": [k[2] for k in keys],
                "reason": [_reason(k, scorecard) for k in keys],
            },
            schema=pa.schema([(c, pa.string()) for c in ("f", "v", "l", "reason")]),
        )
        con.register("texts", texts)
        joins = " ".join(
            f"LEFT JOIN texts t{r} ON t{r}.f = s.f{r} AND t{r}.v = s.v{r} AND t{r}.l = s.l{r}"
            for r in range(1, N_REASONS + 1)
        )
        reasons = ", ".join(f"t{r}.reason" for r in range(1, N_REASONS + 1))
        dims = ", ".join(f's."{d}"' for d in DIMENSIONS)
        return con.sql(
            f"SELECT s.subject_id, s.score, s.band, concat('[', concat_ws(',', {reasons}), ']') "
            f"AS reasons, s.features, {dims} FROM slots s {joins} ORDER BY s.subject_id"
        ).to_arrow_table()
    finally:
        con.close()
