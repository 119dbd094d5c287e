"""Batch fixtures: a populated registry and its snapshot read by DuckDB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from credo.batch import engines, snapshot
from tests.batch.registry import Registry

AS_OF = dt.date(2026, 6, 30)
#: Ibis 12 calls DuckDB 2.0's deprecated fetch_arrow_table(); harmless, and not ours to fix.
IBIS_DUCKDB = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")


@pytest.fixture
def registry(session: Session) -> Registry:
    return Registry(session)


def read(engine: Engine, tmp_path: Path, name: str = "duckdb") -> engines.Snapshot:
    """Export the store and read the snapshot on an engine."""
    info = snapshot.export(engine=engine, data_dir=tmp_path)
    return engines.read_snapshot(engines.connect(name), info.path)
