"""``credo register ...`` on a file store: grade, policy, requests, decide."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from credo.cli.main import app
from credo.config import get_settings
from credo.core.db import make_engine, session_factory
from credo.models import metadata
from credo.register import appeals
from tests.web.seed import FOODS, ORGS, seed


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """A seeded file store the CLI opens; returns Beijing Foods' subject id."""
    if os.environ.get("CREDO_TEST_DATABASE_URL"):
        monkeypatch.setenv("CREDO_DATABASE_URL", f"sqlite:///{tmp_path}/cli-register.db")
        get_settings.cache_clear()
    engine = make_engine(get_settings().database_url)
    metadata.create_all(engine)
    seeded = seed(session_factory(engine))
    engine.dispose()
    return seeded.org_subject_ids[FOODS]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_grade_requests_and_decide(store: int) -> None:
    code, out = _run("register", "grade")
    assert code == 0 and json.loads(out.splitlines()[-1])["organisations"] == len(ORGS)
    code, out = _run("register", "policy")
    assert code == 0 and 'scheme = "register"' in out and "[safety]" in out
    engine = make_engine(get_settings().database_url)
    with session_factory(engine)() as s, s.begin():
        request = appeals.request(session=s, subject_id=store, domain="food", kind="appeal",
                                  reason="Wrong premises.")
        request_id = request.id
    engine.dispose()
    code, out = _run("register", "requests")
    assert code == 0 and [r["id"] for r in json.loads(out.splitlines()[-1])] == [request_id]
    code, out = _run("register", "decide", str(request_id), "upheld")
    assert code == 1 and "new rating" in out
    code, out = _run("register", "decide", str(request_id), "upheld", "--rating", "5")
    assert code == 0 and json.loads(out.splitlines()[-1]) == {
        "id": request_id, "state": "upheld", "rating": 5}
    code, out = _run("register", "decide", "999", "dismissed")
    assert code == 1 and "no rating request 999" in out
