"""Shared fixtures for the scoring tests: the German credit data and one scorecard fitted on it."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from credo.scoring import Scorecard

AUDIT_ONLY = ["personal_status_and_sex", "age_in_years", "foreign_worker"]
TARGET = "creditability"
ACTIONABLE = {
    "status_of_existing_checking_account",
    "savings_account_and_bonds",
    "credit_amount",
    "duration_in_month",
    "other_installment_plans",
}
DIMENSIONS = {
    "status_of_existing_checking_account": "capacity",
    "savings_account_and_bonds": "capacity",
    "credit_amount": "capacity",
    "credit_history": "history",
    "duration_in_month": "history",
    "other_installment_plans": "payments",
    "present_residence_since": "identity",
    "telephone": "identity",
}
DESCRIPTIONS = {
    "duration_in_month": "A loan running {value} months",
    "credit_amount": "A loan of {value} DM",
    "status_of_existing_checking_account": "Checking account status: {value}",
}


def _german_path() -> Path | None:
    candidates = [
        os.environ.get("CREDO_GERMAN_CREDIT", ""),
        Path(__file__).resolve().parents[1] / "data" / "german_credit.csv",
    ]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


@pytest.fixture(scope="session")
def german() -> pd.DataFrame:
    path = _german_path()
    if path is None:
        pytest.fail("German credit data not found in tests/data; set CREDO_GERMAN_CREDIT")
    return pd.read_csv(path)


@pytest.fixture(scope="session")
def split(german: pd.DataFrame) -> dict[str, pd.DataFrame | pd.Series]:
    """Stratified 70/30 split, seed 0; X without the audit-only attributes, y = 1 for bad."""
    y = (german[TARGET] == "bad").astype(int)
    X = german.drop(columns=[*AUDIT_ONLY, TARGET])
    X_tr, X_te, y_tr, y_te, _a_tr, a_te = train_test_split(
        X, y, german[AUDIT_ONLY], test_size=0.3, stratify=y, random_state=0
    )
    return {
        "X_train": X_tr.reset_index(drop=True),
        "X_test": X_te.reset_index(drop=True),
        "y_train": y_tr.reset_index(drop=True),
        "y_test": y_te.reset_index(drop=True),
        "audit_test": a_te.reset_index(drop=True),
    }


@pytest.fixture(scope="session")
def fitted(split: dict) -> Scorecard:
    return Scorecard(dimensions=DIMENSIONS, descriptions=DESCRIPTIONS, actionable=ACTIONABLE).fit(
        split["X_train"], split["y_train"]
    )
