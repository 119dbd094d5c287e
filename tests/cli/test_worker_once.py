"""`credo worker --once`: what it did, counted as it happened (a skipped notice is not a
failure, nor one left untried because the claim's lease ran out)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from credo.cli.main import app
from credo.config import get_settings
from credo.core.db import make_engine, session_factory
from credo.notices import outbox


def test_worker_once_counts_a_skipped_notice_apart_from_failures() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    engine = make_engine(get_settings().database_url)
    try:
        with session_factory(engine)() as s, s.begin():
            outbox.enqueue(  # no endpoint is set for this furnisher: skipped for good
                session=s, kind="dispute.opened", recipient_type="furnisher",
                recipient_id="fur_x", payload={}, idempotency_key="dispute/9/furnisher",
                channel="webhook",
            )  # fmt: skip
    finally:
        engine.dispose()
    result = runner.invoke(app, ["worker", "--once"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    counted = json.loads(result.stdout.strip().splitlines()[-1])
    # it was counted "failed" (its error is set: no endpoint); nothing failed
    assert counted == {"claimed": 1, "sent": 0, "failed": 0, "skipped": 1, "released": 0}
