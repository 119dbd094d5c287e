"""One unit of work per request: committed before the response is sent, rolled back on error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from starlette.types import Message, Receive, Scope, Send

from credo.api.app import create_app
from credo.api.deps import SessionDep
from credo.config import Settings
from credo.core.db import make_engine, session_factory
from credo.errors import InvalidInput
from credo.models import metadata
from tests.api.helpers import add_furnisher
from tests.envelopes import repayment


@pytest.fixture
def file_engine(tmp_path: Path) -> Any:
    """A store on a file, so a second connection sees only what was committed."""
    engine = make_engine(f"sqlite:///{tmp_path}/uow.db")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _records(engine: Engine) -> int:
    """Records visible to a fresh connection of a fresh engine (committed rows only)."""
    other = make_engine(str(engine.url))
    try:
        with other.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM records")).scalar_one())
    finally:
        other.dispose()


def test_an_acknowledged_write_is_in_the_store_when_the_response_starts(
    file_engine: Engine, settings: Settings
) -> None:
    bank = add_furnisher(session_factory(file_engine), "Bank Seven", "bank", ["loan.repayment"])
    app = create_app(settings, engine=file_engine)
    seen: list[int] = []

    async def watching(scope: Scope, receive: Receive, send: Send) -> None:
        async def spy(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen.append(_records(file_engine))  # the client has nothing yet
            await send(message)

        await app(scope, receive, spy)

    with TestClient(watching) as client:
        response = client.post(
            "/v1/records", json={"records": [repayment("r-1")]}, headers=bank["headers"]
        )
    assert response.status_code == 200, response.text
    assert seen == [1]


def _app_with(engine: Engine, settings: Settings) -> FastAPI:
    app = create_app(settings, engine=engine)

    @app.post("/test/write-then-fail")
    def write_then_fail(session: SessionDep) -> None:
        session.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (99, 0, 'x')"))
        raise InvalidInput("refused after a write", details=[{"field": "x", "value": 1}])

    @app.post("/test/fails-at-commit")
    def fails_at_commit(session: SessionDep) -> dict[str, str]:
        # a deferred foreign key is only checked at COMMIT: the commit itself fails
        session.execute(text("PRAGMA defer_foreign_keys=ON"))
        session.execute(
            text("INSERT INTO integrity_flag_subjects (flag_id, subject_id) VALUES (4242, 4242)")
        )
        return {"ok": "yes"}

    return app


def _head_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM audit_head WHERE id = 99")).scalar_one())


def test_an_error_after_a_write_rolls_the_write_back(
    file_engine: Engine, settings: Settings
) -> None:
    with TestClient(_app_with(file_engine, settings)) as client:
        response = client.post("/test/write-then-fail")
    assert response.status_code == 422
    assert _head_rows(file_engine) == 0


def test_a_failing_commit_is_an_error_not_an_acknowledgement(
    file_engine: Engine, settings: Settings
) -> None:
    app = _app_with(file_engine, settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/test/fails-at-commit")
    assert response.status_code == 500
