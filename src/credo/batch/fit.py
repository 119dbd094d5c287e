"""Fit the scorecard from the registry: features as of a date, defaults in the year after.

Features are computed as of ``as_of`` minus 12 months and the label is a ``loan.default`` that
occurred in the 12 months after that, up to ``as_of`` (the registry holds no future, so the
label window must lie in the past). The training population is every subject with a loan
opened by the feature date: subjects without credit cannot default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import ibis
import numpy as np
import pandas as pd

from credo.batch.engines import Snapshot
from credo.batch.features import FEATURES, Feature, add_months, features, scorecard_params
from credo.errors import InvalidInput
from credo.scoring import Scorecard

LABEL_MONTHS = 12


def training_frame(
    snap: Snapshot, as_of: dt.date, selected: Sequence[Feature] = FEATURES
) -> tuple[pd.DataFrame, np.ndarray, dt.date]:
    """(features as of ``as_of - 12 months``, 1 where a default followed, feature date)."""
    feature_date = add_months(as_of, -LABEL_MONTHS)
    feats = features(snap.records, snap.subjects, feature_date, selected)
    opened = snap.records.filter(
        snap.records.category == "loan.opened",
        snap.records.occurred_on <= ibis.literal(feature_date),
    )
    credit = opened.select("subject_id").distinct()
    r = snap.records
    bad = (
        r.filter(
            r.category == "loan.default",
            r.occurred_on > ibis.literal(feature_date),
            r.occurred_on <= ibis.literal(as_of),
        )
        .select(bad_id=r.subject_id)
        .distinct()
    )
    population = feats.semi_join(credit, feats.subject_id == credit.subject_id)
    labelled = population.left_join(bad, population.subject_id == bad.bad_id)
    labelled = labelled.select(population, label=labelled.bad_id.notnull().cast("int64")).order_by(
        "subject_id"
    )
    frame = labelled.to_pyarrow().to_pandas()
    y = frame.pop("label").to_numpy()
    X = frame.drop(columns=["subject_id"]).astype("float64")
    return X, y, feature_date


def fit(
    snap: Snapshot, as_of: dt.date, selected: Sequence[Feature] = FEATURES, **params: Any
) -> tuple[Scorecard, dict[str, Any]]:
    """Fit a scorecard on the registry's history; returns it and its training metrics."""
    X, y, feature_date = training_frame(snap, as_of, selected)
    if len(X) == 0 or y.min() == y.max():
        raise InvalidInput(
            f"cannot fit as of {as_of.isoformat()}: {len(X)} subjects with credit by "
            f"{feature_date.isoformat()} and {int(y.sum()) if len(y) else 0} defaults after; "
            "both outcomes are needed",
            details=[{"field": "as_of", "value": as_of.isoformat()}],
        )
    scorecard = Scorecard(**scorecard_params(selected), **params).fit(X, y)  # type: ignore[arg-type]
    metrics = {
        **scorecard.training_,
        "as_of": as_of.isoformat(),
        "feature_date": feature_date.isoformat(),
        "label": f"loan.default in ({feature_date.isoformat()}, {as_of.isoformat()}]",
        "defaults": int(y.sum()),
    }
    return scorecard, metrics


def fit_registry(
    *, factory: Any, data_dir: str, as_of: dt.date, engine: str = "duckdb"
) -> tuple[Scorecard, dict[str, Any], dict[str, Any]]:
    """Snapshot the store, fit on it, store the scorecard as the active model version.

    Returns the scorecard, its metrics and ``{"id", "version", "metrics"}`` of the new version.
    """
    from credo.batch import engines, snapshot
    from credo.scores import service as scores

    with factory() as session:
        bind = session.get_bind()
    info = snapshot.export(engine=bind, data_dir=data_dir)
    tables = engines.read_snapshot(engines.connect(engine), info.path)
    scorecard, metrics = fit(tables, as_of)
    with factory() as session, session.begin():
        row = scores.add_model(
            session=session,
            scorecard=scorecard,
            metrics={**metrics, "snapshot": info.path},
            actor="operator",
        )
        version = {"id": row.id, "version": row.version, "metrics": row.metrics}
    return scorecard, metrics, version
