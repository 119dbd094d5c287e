"""Simple per-subject features from a synth directory's records before the cut-off."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

BANDS = {"under_3k": 0, "3k_8k": 1, "8k_20k": 2, "20k_50k": 3, "over_50k": 4}


def read_records(folder: Path) -> pd.DataFrame:
    furnishers = json.loads((folder / "furnishers.json").read_text())
    tables = [pq.read_table(folder / name) for f in furnishers for name in f["files"]]
    return pa.concat_tables(tables).to_pandas()


def person_features(folder: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Features before the cut-off and the label (a default after it), for credit-active persons."""
    manifest = json.loads((folder / "manifest.json").read_text())
    cutoff = dt.date.fromisoformat(manifest["cutoff"])
    rec = read_records(folder)
    rec = rec[rec["subject_scheme"] == "cn_ric"]
    after = rec["occurred_on"] > cutoff
    label = rec[after & (rec["category"] == "loan.default")].groupby("subject_id").size() > 0
    pre = rec[~after]
    opened = pre[pre["category"] == "loan.opened"]
    people = pd.Index(opened["subject_id"].unique())
    fields = {
        c: pre[pre["category"] == c]["fields"].map(json.loads)
        for c in ("loan.repayment", "bill.payment", "loan.opened", "card.utilisation")
    }
    rep = pre[pre["category"] == "loan.repayment"].assign(
        late=[f["days_late"] for f in fields["loan.repayment"]]
    )
    bill = pre[pre["category"] == "bill.payment"].assign(
        late=[f["days_late"] for f in fields["bill.payment"]]
    )
    card = pre[pre["category"] == "card.utilisation"].assign(
        ratio=[
            float(a) / max(float(f["credit_limit"]), 1.0)
            for a, f in zip(
                pre[pre["category"] == "card.utilisation"]["amount"],
                fields["card.utilisation"],
                strict=True,
            )
        ]
    )
    band = opened.assign(band=[BANDS.get(f.get("income_band"), 2) for f in fields["loan.opened"]])
    x = pd.DataFrame(index=people)
    x["repayments"] = rep.groupby("subject_id").size()
    x["late_share"] = (rep["late"] > 0).groupby(rep["subject_id"]).mean()
    x["late30"] = (rep["late"] >= 30).groupby(rep["subject_id"]).sum()
    x["max_late"] = rep.groupby("subject_id")["late"].max()
    x["bill_late_share"] = (bill["late"] > 0).groupby(bill["subject_id"]).mean()
    x["utilisation"] = card.groupby("subject_id")["ratio"].mean()
    x["has_card"] = card.groupby("subject_id").size() > 0
    x["income_band"] = band.groupby("subject_id")["band"].max()
    x["loans"] = opened.groupby("subject_id").size()
    ended = pre[pre["category"].isin(["loan.closed", "loan.default"])].groupby("subject_id").size()
    x["open_loans"] = x["loans"] - ended.reindex(people).fillna(0)
    for category in (
        "loan.default",
        "court.judgment",
        "court.listing",
        "tax.arrears",
        "penalty.imposed",
    ):
        x[category] = pre[pre["category"] == category].groupby("subject_id").size()
    x = x.fillna(0).astype(float)
    y = label.reindex(people).fillna(False).astype(bool)
    return x, y


def holdout_auc(x: pd.DataFrame, y: pd.Series, seed: int = 0) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_train, x_test, y_train, y_test = train_test_split(
        np.log1p(x.clip(lower=0)), y, test_size=0.4, random_state=seed, stratify=y
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(x_train, y_train)
    return float(roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]))
