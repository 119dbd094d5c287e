"""Fixtures shared by the suite: a fresh store per test on SQLite (in memory) or PostgreSQL.

``make test`` runs the suite on SQLite, then the tests marked ``store`` (every test that
touches the store; marked automatically) again with ``CREDO_TEST_DATABASE_URL`` pointing
at the PostgreSQL server that ``scripts/with-postgres.sh`` starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from credo.config import Settings, get_settings
from credo.core import clock
from credo.core.db import make_engine, session_factory
from credo.furnishers import service as furnishers
from credo.models import metadata

PG_URL = os.environ.get("CREDO_TEST_DATABASE_URL")
STORE_FIXTURES = {"engine", "factory", "session", "client", "bank", "court", "regulator"}
TEST_SECRET = "test-secret"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if STORE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.store)


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    """Each test gets its own settings: a private data folder and a fixed secret."""
    monkeypatch.setenv("CREDO_SECRET", TEST_SECRET)
    monkeypatch.setenv("CREDO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CREDO_DATABASE_URL", PG_URL or f"sqlite:///{tmp_path}/cli.db")
    get_settings.cache_clear()
    yield
    clock.freeze(None)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def _pg_engine() -> Iterator[Engine | None]:
    if not PG_URL:
        yield None
        return
    from credo.migrations import upgrade

    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(PG_URL)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(_pg_engine: Engine | None) -> Iterator[Engine]:
    """A store with the full schema and no rows."""
    if _pg_engine is not None:
        names = ", ".join(t.name for t in metadata.sorted_tables)
        with _pg_engine.begin() as conn:
            # a failed test may leave a session idle in a transaction holding locks;
            # end it rather than wait on it forever
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                    "current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in%'"
                )
            )
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        yield _pg_engine
        return
    memory = make_engine("sqlite://")
    metadata.create_all(memory)
    yield memory
    memory.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as s:
        yield s


@pytest.fixture
def settings() -> Settings:
    return get_settings()


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    from credo.api.app import create_app

    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def _add(
    factory: sessionmaker[Session], name: str, kind: str, categories: list[str]
) -> dict[str, Any]:
    with factory() as s, s.begin():
        furnisher, key = furnishers.add(session=s, name=name, kind=kind, categories=categories)
        return {"id": furnisher.id, "key": key, "headers": {"Authorization": f"Bearer {key}"}}


@pytest.fixture
def bank(factory: sessionmaker[Session]) -> dict[str, Any]:
    return _add(
        factory,
        "Bank Seven",
        "bank",
        ["loan.opened", "loan.repayment", "loan.default", "loan.closed", "card.utilisation"],
    )


@pytest.fixture
def court(factory: sessionmaker[Session]) -> dict[str, Any]:
    return _add(
        factory,
        "Chaoyang Court",
        "court",
        ["court.judgment", "court.fulfilment", "court.listing", "court.delisting"],
    )


@pytest.fixture
def regulator(factory: sessionmaker[Session]) -> dict[str, Any]:
    return _add(
        factory,
        "Market Regulator",
        "regulator",
        ["licence.granted", "licence.revoked", "penalty.imposed", "inspection.result"],
    )
