"""The German credit data (UCI, CC BY 4.0; tests/data/README.md), read for the benches."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pandas as pd

#: Columns kept out of the card: audit-only attributes, and the target.
AUDIT_ONLY = ["personal_status_and_sex", "age_in_years", "foreign_worker"]
TARGET = "creditability"
#: The copy the repository carries; CREDO_GERMAN_CREDIT or --data names another.
DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "german_credit.csv"


def add_data_option(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--data", default=os.environ.get("CREDO_GERMAN_CREDIT", str(DEFAULT)))


def load(path: str) -> tuple[pd.DataFrame, pd.Series]:
    """The features (audit-only columns and the target dropped) and the target, 1 = bad."""
    data = pd.read_csv(path)
    y = (data[TARGET] == "bad").astype(int)
    return data.drop(columns=[*AUDIT_ONLY, TARGET]), y
