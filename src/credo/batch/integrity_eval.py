"""Integrity detectors scored against the planted ground truth of a synthetic population.

Detectors run on the synth files directly (DuckDB over the Parquet records) with the same
code as on the store; only the subject ids differ (row numbers of ``subjects.parquet``) and
counterparties resolve by their clear identifier instead of the keyed hash.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ibis.backends import BaseBackend

from credo.batch import engines
from credo.integrity.flags import Flag, Inputs


def synth_inputs(folder: str | Path, con: BaseBackend | None = None) -> tuple[Inputs, list[str]]:
    """Inputs over a synth directory, and each subject id's clear identifier."""
    folder = Path(folder)
    con = con or engines.connect("duckdb")  # raw SQL below is DuckDB's: evaluation only
    manifest = json.loads((folder / "manifest.json").read_text())
    raw: Any = con
    raw.raw_sql(
        "CREATE OR REPLACE TABLE integrity_keys AS SELECT "
        "CAST(row_number() OVER () - 1 AS BIGINT) AS subject_id, scheme, id AS lookup_key "
        f"FROM read_parquet('{folder / 'subjects.parquet'}')"
    )
    raw.raw_sql(
        "CREATE OR REPLACE VIEW integrity_records AS SELECT k.subject_id, "
        "regexp_extract(r.filename, 'records/([^/]+)/', 1) AS furnisher_id, r.category, "
        "CAST(r.occurred_on AS DATE) AS occurred_on, "
        "CAST(round(CAST(r.amount AS DOUBLE) * 100) AS BIGINT) AS amount_minor, r.fields "
        f"FROM read_parquet('{folder / 'records' / '*' / '*.parquet'}', filename=true) r "
        "JOIN integrity_keys k ON k.scheme = r.subject_scheme AND k.lookup_key = r.subject_id"
    )
    keys = con.table("integrity_keys")
    ids = keys.order_by("subject_id").lookup_key.to_pyarrow().to_pylist()
    inputs = Inputs(con.table("integrity_records"), keys, dt.date.fromisoformat(manifest["as_of"]))
    return inputs, ids


def truth(folder: str | Path) -> dict[str, list[frozenset[str]]]:
    """Planted groups per detector: rings, sybil clusters, inflated subjects (one each)."""
    data = json.loads((Path(folder) / "ground_truth.json").read_text())
    return {
        "ring": [frozenset(r["members"]) for r in data["rings"]],
        "sybil": [frozenset(c["members"]) for c in data["sybil_clusters"]],
        "furnisher": [frozenset([s]) for s in data["inflating_furnisher"]["subjects"]],
    }


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def score(
    flags: Sequence[Flag],
    ids: Sequence[str],
    planted: Sequence[frozenset[str]],
    *,
    match: float = 0.5,
) -> dict[str, Any]:
    """Group and subject precision/recall of one detector's flags against planted groups.

    A flag is correct, and a planted group found, when their member sets overlap with a
    Jaccard index of at least ``match``.
    """
    found = [frozenset(ids[i] for i in f.subject_ids) for f in flags]
    correct = sum(any(jaccard(f, p) >= match for p in planted) for f in found)
    recovered = sum(any(jaccard(f, p) >= match for f in found) for p in planted)
    flagged = frozenset().union(*found) if found else frozenset()
    members = frozenset().union(*planted) if planted else frozenset()
    return {
        "planted": len(planted),
        "flagged": len(found),
        "precision": correct / len(found) if found else 1.0,
        "recall": recovered / len(planted) if planted else 1.0,
        "subject_precision": len(flagged & members) / len(flagged) if flagged else 1.0,
        "subject_recall": len(flagged & members) / len(members) if members else 1.0,
    }
