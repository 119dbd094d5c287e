"""Ledger fixtures: policies as text, a hand-made registry, opt-ins and a compute helper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from credo.access import consents
from credo.batch import engines, snapshot
from credo.core import clock
from credo.ledgers import service
from credo.ledgers.batch import compute_scheme
from credo.ledgers.policy import Policy, parse
from tests.batch.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "city-ledger.toml"
TODAY = dt.date(2026, 6, 30)
#: Ibis 12 calls DuckDB 2.0's deprecated fetch_arrow_table(); harmless, and not ours to fix.
IBIS_DUCKDB = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

HEAD = """\
scheme = "city"
title = "Test city"
version = {version}
base = 1000
"""


def rule(
    rid: str,
    category: str,
    points: int,
    months: int = 12,
    when: str = "",
    basis: str = "Test Regulation art. 1",
    extra: str = "",
) -> str:
    lines = ["[[rules]]", f'id = "{rid}"', f'category = "{category}"']
    if when:
        lines.append(f"when = [{when}]")
    lines += [f"points = {points}", f"months = {months}"]
    if basis:
        lines.append(f'legal_basis = "{basis}"')
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"


def policy_text(*rules: str, version: int = 1) -> str:
    return HEAD.format(version=version) + "\n" + "\n".join(rules)


def policy(*rules: str, version: int = 1) -> Policy:
    return parse(policy_text(*rules, version=version), "test.toml")


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    clock.freeze(TODAY)
    yield
    clock.freeze(None)


@pytest.fixture
def registry(session: Session) -> Registry:
    return Registry(session)


def opt_in(session: Session, subject_id: int, scheme: str = "city") -> str:
    consent = consents.grant(session=session, subject_id=subject_id, scope=f"ledger:{scheme}")
    session.commit()
    return consent.id


def install(session: Session, pol: Policy) -> None:
    service.install(session=session, policy=pol, file="test.toml")
    session.commit()


def compute(
    session: Session, engine: Engine, tmp_path: Path, as_of: dt.date = TODAY
) -> list[dict[str, Any]]:
    """Snapshot the store, compute every scheme on DuckDB and publish (what ledger_step does)."""
    info = snapshot.export(engine=engine, data_dir=tmp_path)
    con = engines.connect("duckdb")
    tables = engines.read_snapshot(con, info.path)
    out = []
    for pol in service.in_force(session=session):
        ids = consents.subjects_with(session=session, scope=service.SCOPE_PREFIX + pol.scheme)
        entries, balances = compute_scheme(con, tables.records, pol, ids, as_of)
        out.append(
            service.publish(
                session=session, policy=pol, as_of=as_of, entries=entries, balances=balances
            )
        )
    session.commit()
    return out
