"""Fit the scorecard from the registry, and validate it out of time on the year after.

A *window* is a feature date and the 12 months after it: features are computed as of the
feature date and the label is a ``loan.default`` in the 12 months after it. The model is fitted
on the window that ends 12 months before ``as_of`` and validated on the next one, which ends on
``as_of`` (the registry holds no future, so the last label window must lie in the past). The
hold-out figures (AUC, KS, Gini, the band table with observed bad rates, and fairness on
audit-only attributes) are therefore those of a model scoring a year it never saw.

The population of a window is every person with a loan opened by its feature date: subjects
without credit cannot default, and organisations are not scored with the persons' scorecard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd

from credo.batch.engines import Snapshot
from credo.batch.features import FEATURES, Feature, add_months, features, scorecard_params
from credo.errors import InvalidInput
from credo.scoring import Scorecard
from credo.scoring.card import holdout_report

LABEL_MONTHS = 12
#: Smallest share of subjects in a bin: rare conduct (judgments, arrears) must get a bin.
REGISTRY_MIN_BIN_SIZE = 0.01
#: Scaling of the registry model: 600 points at good:bad odds of 10:1 (a typical borrower of a
#: registry where about one in ten defaults in a year), 25 points to double the odds.
REGISTRY_SCALING = {"base_score": 600, "base_odds": 10, "pdo": 25}
#: Attributes used only to measure fairness; never features.
AUDIT_ONLY = ("sex", "age_band")
AGE_EDGES = (25, 35, 45, 55, 65)
AGE_NAMES = ("18_24", "25_34", "35_44", "45_54", "55_64", "65_plus")


def training_frame(
    snap: Snapshot, as_of: dt.date, selected: Sequence[Feature] = FEATURES
) -> tuple[pd.DataFrame, np.ndarray, dt.date]:
    """(features as of ``as_of - 12 months`` indexed by subject, 1 where a default followed,
    feature date) for the window that ends on ``as_of``."""
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
    X = frame.set_index("subject_id").astype("float64")
    return X, y, feature_date


def _window(as_of: dt.date, feature_date: dt.date) -> str:
    return f"features as of {feature_date.isoformat()}, defaults in ({feature_date}, {as_of}]"


def _outcomes(X: pd.DataFrame, y: np.ndarray, as_of: dt.date, feature_date: dt.date) -> None:
    if len(X) == 0 or y.min() == y.max():
        raise InvalidInput(
            f"cannot fit as of {as_of.isoformat()}: {len(X)} persons with credit by "
            f"{feature_date.isoformat()} and {int(y.sum()) if len(y) else 0} defaults in the "
            "12 months after; both outcomes are needed in the fit window (the registry needs "
            "two years of history before the as-of date: one to fit, one to validate)",
            details=[{"field": "as_of", "value": as_of.isoformat()}],
        )


def age_bands(birth: pd.Series, on: dt.date) -> pd.Series:
    """Age band of each birth date on a day (audit-only; never a feature)."""
    days = (pd.Timestamp(on) - pd.to_datetime(birth)).dt.days
    years = np.floor(days.to_numpy(dtype="float64", na_value=np.nan) / 365.25)
    index = np.searchsorted(np.asarray(AGE_EDGES), years, side="right")
    out = pd.Series(np.asarray(AGE_NAMES, dtype=object)[np.minimum(index, len(AGE_NAMES) - 1)])
    out[np.isnan(years)] = "unknown"
    out.index = birth.index
    return out


def audit_frame(snap: Snapshot, on: dt.date, sexes: pd.Series | None = None) -> pd.DataFrame:
    """Audit-only attributes per subject id: age band (from the birth date) and sex if known."""
    subjects = snap.subjects.select("subject_id", "birth_date").to_pyarrow().to_pandas()
    subjects = subjects.set_index("subject_id")
    audit = pd.DataFrame({"age_band": age_bands(subjects["birth_date"], on)})
    if sexes is not None:
        audit["sex"] = sexes.reindex(audit.index).fillna("unknown").astype(str)
    return audit


def fit(
    snap: Snapshot,
    as_of: dt.date,
    selected: Sequence[Feature] = FEATURES,
    sexes: pd.Series | None = None,
    **params: Any,
) -> tuple[Scorecard, dict[str, Any]]:
    """Fit on the window ending a year before ``as_of``, validate on the one ending on it.

    Returns the scorecard (its ``training_`` holds the hold-out figures, band table and
    fairness, so the model card shows them) and the metrics stored with the model version.
    """
    fit_as_of = add_months(as_of, -LABEL_MONTHS)
    X, y, feature_date = training_frame(snap, fit_as_of, selected)
    _outcomes(X, y, fit_as_of, feature_date)
    X_val, y_val, val_date = training_frame(snap, as_of, selected)
    settings = {
        "min_bin_size": REGISTRY_MIN_BIN_SIZE,
        "audit_only": list(AUDIT_ONLY),
        **REGISTRY_SCALING,
        **params,
    }
    scorecard = Scorecard(**scorecard_params(selected), **settings).fit(  # type: ignore[arg-type]
        X.reset_index(drop=True), y
    )
    audit = audit_frame(snap, val_date, sexes).reindex(X_val.index)
    report = holdout_report(
        scorecard,
        X_val.reset_index(drop=True),
        y_val,
        audit.reset_index(drop=True) if len(X_val) else None,
        kind="out-of-time",
        window=_window(as_of, val_date),
    )
    scorecard.training_.update(
        window=_window(fit_as_of, feature_date), defaults=int(y.sum()), **report
    )
    holdout = report["holdout"] or {}
    metrics = {
        "as_of": as_of.isoformat(),
        "feature_date": feature_date.isoformat(),
        "label": f"loan.default in ({feature_date.isoformat()}, {fit_as_of.isoformat()}]",
        "n": len(X),
        "defaults": int(y.sum()),
        "training": {
            k: scorecard.training_.get(k) for k in ("n", "bad_rate", "auc", "ks", "gini", "window")
        },
        "holdout": holdout,
        "auc": (holdout.get("score") or {}).get("auc"),
        "auc_is": "out-of-time hold-out AUC of the score (fitted on the year before)",
        "bands": report["bands"],
        "rank_ordered": report["rank_ordered"],
        "fairness": report["fairness"],
        "directions_contradicted": scorecard.training_.get("directions_contradicted", []),
    }
    return scorecard, metrics


def holdout_summary(version: str, metrics: dict[str, Any]) -> str:
    """What ``model fit --registry`` and ``credo demo`` print: out-of-time figures, said so."""
    h = metrics.get("holdout") or {}
    score = h.get("score") or {}

    def fmt(x: Any) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    def rate(x: Any) -> str:
        return "n/a" if x is None else f"{x:.1%}"

    bands = ", ".join(
        f"{b['band']} {b['n']} ({rate(b['bad_rate'])})" for b in metrics["bands"] or []
    )
    return (
        f"model {version} active. Out-of-time hold-out (fitted on "
        f"{metrics.get('training', {}).get('window', '?')}; validated on {h.get('window', '?')}, "
        f"a year it never saw): AUC {fmt(score.get('auc'))}, KS {fmt(score.get('ks'))}, "
        f"Gini {fmt(score.get('gini'))} on {h.get('n', 0)} persons with {h.get('defaults', 0)} "
        f"defaults. Subjects (observed bad rate) by band: {bands}; rank-ordered: "
        f"{'yes' if metrics.get('rank_ordered') else 'no'}."
    )


def read_sexes(path: Path, *, session: Any) -> pd.Series:
    """Sex per subject id from a synth ``audit_only.parquet`` (scheme, id, sex); audit only."""
    import pyarrow.parquet as pq
    from sqlalchemy import select

    from credo.subjects.models import Subject
    from credo.subjects.service import identify

    table = pq.read_table(path, columns=["scheme", "id", "sex"]).to_pandas()
    keys: dict[tuple[str, str], str] = {}
    for scheme, value, sex in table.itertuples(index=False):
        keys[(scheme, identify(scheme, value).key)] = sex
    out: dict[int, str] = {}
    by_scheme: dict[str, list[str]] = {}
    for scheme, key in keys:
        by_scheme.setdefault(scheme, []).append(key)
    for scheme, wanted in by_scheme.items():
        for start in range(0, len(wanted), 900):
            rows = session.execute(
                select(Subject.id, Subject.lookup_key).where(
                    Subject.scheme == scheme, Subject.lookup_key.in_(wanted[start : start + 900])
                )
            ).all()
            for sid, key in rows:
                out[sid] = keys[(scheme, key)]
    return pd.Series(out, dtype=object)


def fit_registry(
    *,
    factory: Any,
    data_dir: str,
    as_of: dt.date,
    engine: str = "duckdb",
    audit_file: Path | None = None,
) -> tuple[Scorecard, dict[str, Any], dict[str, Any]]:
    """Snapshot the store, fit and validate on it, store the scorecard as the active version.

    ``audit_file`` (a synth ``audit_only.parquet``) adds sex to the fairness section; the age
    band comes from the birth dates credo holds. Returns the scorecard, its metrics and
    ``{"id", "version", "metrics"}`` of the new version.
    """
    from credo.batch import engines, snapshot
    from credo.scores import service as scores

    with factory() as session:
        bind = session.get_bind()
        sexes = read_sexes(audit_file, session=session) if audit_file is not None else None
    info = snapshot.export(engine=bind, data_dir=data_dir)
    tables = engines.read_snapshot(engines.connect(engine), info.path)
    scorecard, metrics = fit(tables, as_of, sexes=sexes)
    with factory() as session, session.begin():
        row = scores.add_model(
            session=session,
            scorecard=scorecard,
            metrics={**metrics, "snapshot": info.path},
            actor="operator",
        )
        version = {"id": row.id, "version": row.version, "metrics": row.metrics}
    return scorecard, metrics, version
