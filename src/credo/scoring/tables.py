"""Scorecards from and onto tables (CSV or Parquet): read, check, fit with a hold-out, apply.

Every check raises ``ScoringInputError`` (an ``InvalidInput``) naming the file, column or value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from credo.scoring.metrics import discrimination
from credo.scoring.protected import check_features
from credo.scoring.reasons import N_REASONS, bin_bounds, sentence
from credo.scoring.scaling import BANDS, SCORE_MAX, SCORE_MIN
from credo.scoring.validation import DIMENSIONS, NUMERICAL, ScoringInputError

if TYPE_CHECKING:
    from credo.scoring.scorecard import Scorecard

PARQUET_SUFFIXES = (".parquet", ".pq")
HOLDOUT_SHARE = 0.3


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV or Parquet file as a frame; refuses a missing, empty or header-only file."""
    p = Path(path)
    if not p.is_file():
        raise ScoringInputError(f"table {str(p)!r} does not exist", details=[{"field": "table"}])
    if p.stat().st_size == 0:
        raise ScoringInputError(f"table {str(p)!r} is empty", details=[{"field": "table"}])
    try:
        frame = pd.read_parquet(p) if p.suffix.lower() in PARQUET_SUFFIXES else pd.read_csv(p)
    except pd.errors.EmptyDataError:
        raise ScoringInputError(
            f"table {str(p)!r} is empty", details=[{"field": "table"}]
        ) from None
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise ScoringInputError(f"cannot read table {str(p)!r}: {exc}") from exc
    if len(frame) == 0:
        raise ScoringInputError(f"table {str(p)!r} has no rows", details=[{"field": "table"}])
    frame.columns = [str(c) for c in frame.columns]
    return frame


def parse_columns(value: str | None) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]``; None or empty -> ``[]``."""
    return [c.strip() for c in (value or "").split(",") if c.strip()]


def bad_indicator(frame: pd.DataFrame, target: str, bad: str) -> np.ndarray:
    """1 where the target equals ``bad`` (compared as text), else 0; checks the target."""
    if target not in frame.columns:
        raise ScoringInputError(
            f"target column {target!r} is not in the table (columns: {', '.join(frame.columns)})",
            details=[{"field": "target", "value": target}],
        )
    col = frame[target]
    if col.isna().any():
        row = int(np.flatnonzero(col.isna().to_numpy())[0])
        raise ScoringInputError(
            f"target column {target!r} is missing on row {row + 1}; every row needs a label",
            details=[{"field": target, "row": row + 1}],
        )
    text = col.astype(str).str.strip()
    classes = sorted(text.unique().tolist())
    if len(classes) < 2:
        raise ScoringInputError(
            f"target column {target!r} has a single class {classes[0]!r}; "
            "it needs both good and bad rows",
            details=[{"field": target, "value": classes[0]}],
        )
    if len(classes) > 2:
        raise ScoringInputError(
            f"target column {target!r} must have two classes, it has {len(classes)}: "
            f"{', '.join(repr(c) for c in classes[:5])}",
            details=[{"field": target}],
        )
    if str(bad).strip() not in classes:
        raise ScoringInputError(
            f"--bad value {bad!r} is not a value of target column {target!r} "
            f"(its values are {', '.join(repr(c) for c in classes)})",
            details=[{"field": "bad", "value": bad}],
        )
    return (text == str(bad).strip()).to_numpy().astype(np.int8)


def fit_table(
    frame: pd.DataFrame,
    target: str,
    bad: str,
    *,
    audit_only: Sequence[str] = (),
    seed: int = 0,
    **params: Any,
) -> dict[str, Any]:
    """Fit a scorecard on a stratified 70/30 split of ``frame``.

    Features are every column but the target and the ``audit_only`` columns; a protected
    attribute among them is refused. Returns ``scorecard``, ``holdout`` (AUC/KS/Gini of the
    30 % hold-out), ``features``, and the hold-out ``X_test``, ``y_test`` and ``audit_test``
    for the model card.
    """
    from sklearn.model_selection import train_test_split

    from credo.scoring.scorecard import Scorecard

    y = bad_indicator(frame, target, bad)
    audit = list(dict.fromkeys(audit_only))
    for col in audit:
        if col not in frame.columns:
            raise ScoringInputError(
                f"--audit-only column {col!r} is not in the table",
                details=[{"field": "audit_only", "value": col}],
            )
        if col == target:
            raise ScoringInputError(f"--audit-only column {col!r} is the target")
    features = [c for c in frame.columns if c != target and c not in audit]
    if not features:
        raise ScoringInputError("no feature columns left after the target and --audit-only")
    check_features(features, audit)
    for col in features:
        check_feature_column(frame[col])
    counts = np.bincount(y, minlength=2)
    if counts.min() < 2:
        raise ScoringInputError(
            f"target column {target!r} needs at least 2 rows of each class for a hold-out, "
            f"has {int(counts[1])} bad and {int(counts[0])} good"
        )
    X = frame[features]
    X_tr, X_te, y_tr, y_te, _a_tr, a_te = train_test_split(
        X, y, frame[audit], test_size=HOLDOUT_SHARE, stratify=y, random_state=seed
    )
    sc = Scorecard(**params).fit(X_tr.reset_index(drop=True), y_tr)
    p_bad = sc.predict_proba(X_te.reset_index(drop=True))[:, 1]
    return {
        "scorecard": sc,
        "features": features,
        "audit_only": audit,
        "holdout": {"n": len(y_te), "bad_rate": float(y_te.mean()), **discrimination(y_te, p_bad)},
        "X_test": X_te.reset_index(drop=True),
        "y_test": y_te,
        "audit_test": a_te.reset_index(drop=True) if audit else None,
    }


def check_feature_column(col: pd.Series) -> None:
    """Refuse a feature column that cannot inform a score, naming it: one value (or none) in
    every row, or numbers with a stray text among them (which would bin every number as a
    category of its own)."""
    if col.nunique(dropna=False) <= 1:
        shown = "no value" if col.isna().all() else f"the one value {col.iloc[0]!r}"
        raise ScoringInputError(
            f"column {col.name!r} has {shown} in every row, so it cannot tell anyone apart; "
            "drop it (or name it in --audit-only)",
            details=[{"field": str(col.name)}],
        )
    if col.dtype != object and not pd.api.types.is_string_dtype(col.dtype):
        return
    present = col.notna().to_numpy() & ~col.astype(str).str.strip().eq("").to_numpy()
    numbers = pd.to_numeric(col, errors="coerce").notna().to_numpy()
    stray = present & ~numbers
    if stray.any() and numbers.sum() >= stray.sum():
        row = int(np.flatnonzero(stray)[0])
        value = col.iloc[row]
        raise ScoringInputError(
            f"column {col.name!r} holds numbers but row {row + 1} has {value!r}; correct it or "
            "leave it empty (missing)",
            details=[{"field": str(col.name), "row": row + 1, "value": str(value)}],
        )


def model_frame(sc: Scorecard, frame: pd.DataFrame) -> pd.DataFrame:
    """The model's feature columns of ``frame`` in model order, numeric ones checked.

    Refuses a missing feature column and a value that is not a number in a column the model
    binned numerically (naming the column, the value and its row).
    """
    missing = [f for f in sc.features_ if f not in frame.columns]
    if missing:
        raise ScoringInputError(
            f"the table lacks model feature column(s) {', '.join(repr(m) for m in missing)}",
            details=[{"field": m} for m in missing],
        )
    out = {}
    for fb in sc.bins_:
        col = frame[fb.name]
        if fb.kind == NUMERICAL and not pd.api.types.is_numeric_dtype(col.dtype):
            numbers = pd.to_numeric(col, errors="coerce")
            garbage = numbers.isna().to_numpy() & col.notna().to_numpy()
            garbage &= ~col.astype(str).str.strip().eq("").to_numpy()
            if garbage.any():
                row = int(np.flatnonzero(garbage)[0])
                value = col.iloc[row]
                raise ScoringInputError(
                    f"column {fb.name!r} must be numeric (the model binned it as numbers) but "
                    f"row {row + 1} has {value!r}",
                    details=[{"field": fb.name, "row": row + 1, "value": str(value)}],
                )
            col = numbers.astype(np.float64)
        out[fb.name] = col
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


def _bands(scores: np.ndarray) -> np.ndarray:
    floors = np.array([lower for lower, _ in BANDS])
    names = np.array([name for _, name in BANDS], dtype=object)
    order = np.argsort(floors)
    pos = np.searchsorted(floors[order], scores, side="right") - 1
    return names[order][np.clip(pos, 0, len(floors) - 1)]


def score_rows(sc: Scorecard, X: pd.DataFrame, *, n_reasons: int = N_REASONS) -> pd.DataFrame:
    """Per row: ``score``, ``band``, the five 0–100 sub-scores and ``reasons`` (JSON text).

    Score, band and sub-scores are array operations; reasons are the same as ``explain``'s
    (features losing most points, ``reasons.points_lost``, ties in feature order), found with one
    stable ``argsort`` and formatted per row.
    """
    from credo.scoring import reasons as rs

    index = sc.bin_index(X)
    pts = sc._points(index)
    scores = np.clip(sc.intercept_points_ + pts.sum(axis=1), SCORE_MIN, SCORE_MAX)
    out = pd.DataFrame({"score": scores.astype(np.int64), "band": _bands(scores)})
    subs = rs.dimension_scores(pts, sc.bins_, sc.dimensions_, DIMENSIONS)
    for d in DIMENSIONS:
        v = subs[d]
        out[d] = pd.array(v if v is not None else [None] * len(out), dtype="Int64")
    lost = np.zeros(index.shape, dtype=np.int64)
    for j, fb in enumerate(sc.bins_):
        lost[:, j] = rs.points_lost(fb)[index[:, j]]
    order = np.argsort(-lost, axis=1, kind="stable")[:, :n_reasons]
    top_lost = np.take_along_axis(lost, order, axis=1)
    names = [fb.name for fb in sc.bins_]
    texts = []
    for i in range(len(out)):
        row = []
        for j, loss in zip(order[i], top_lost[i], strict=True):
            if loss <= 0:
                break
            fb = sc.bins_[j]
            value = _value(X.iat[i, j])
            row.append(
                {
                    "feature": names[j],
                    "value": value,
                    "bin": fb.label(int(index[i, j])),
                    "points": int(pts[i, j]),
                    "points_lost": int(loss),
                    "text": sentence(
                        names[j],
                        value,
                        int(loss),
                        sc.descriptions_.get(names[j]),
                        bin_bounds(fb, int(index[i, j])),
                    ),
                }
            )
        texts.append(json.dumps(row, ensure_ascii=False, default=str))
    out["reasons"] = texts
    return out


def _value(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    return v
