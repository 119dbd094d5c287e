"""``credo worker`` (deliver the outbox), ``credo webhooks set``, ``credo notices ...``."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

import typer
from sqlalchemy.orm import Session

from credo.cli.common import command, factory, transaction
from credo.cli.options import group, holder_argument, in_range, json_option
from credo.cli.output import console, emit, emit_json
from credo.config import get_settings
from credo.core.types import MAX_ID


def sweeps() -> list[Callable[[Session], int]]:
    """The sweeps the worker runs: consents ending, inquiries, dispute deadlines."""
    from credo.access import notify as access_notify
    from credo.rights import notify as rights_notify

    return [*access_notify.SWEEPS, rights_notify.dispute_deadlines]


def register(app: typer.Typer) -> None:
    """Add ``worker``, ``webhooks`` and ``notices`` to the credo CLI."""

    @command(app)
    def worker(
        once: bool = typer.Option(False, "--once", help="Deliver what is due now, then exit."),
        poll: float = typer.Option(
            1.0, "--poll", help="Seconds to wait when nothing is due (at least 0.01)."
        ),
    ) -> None:
        """Deliver the outbox: portal inbox, e-mail over SMTP, signed webhooks; retry; exit on
        SIGTERM or Ctrl-C after the deliveries in flight."""
        from credo.notices.delivery import Worker

        in_range(poll, "--poll", 0.01)
        settings = get_settings()
        runner = Worker(factory(), settings, sweeps=sweeps())
        if once:
            runner.sweep()
            outcomes = runner.run_once()
            runner.close()
            # released: not tried (the claim's lease ran out; due again at once), not failed
            released = sum(1 for o in outcomes if o.released)
            skipped = sum(1 for o in outcomes if o.skipped and not o.released)
            sent = sum(1 for o in outcomes if o.error is None and not (o.skipped or o.released))
            failed = len(outcomes) - sent - skipped - released
            emit_json(
                {
                    "claimed": len(outcomes),
                    "sent": sent,
                    "failed": failed,
                    "skipped": skipped,
                    "released": released,
                }
            )
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        smtp = settings.smtp_host or "unset (e-mail waits in the outbox)"
        console.print(f"worker {runner.name} delivering; SMTP {smtp}")
        runner.run(stop, poll=poll)

    webhooks_app = group(app, "webhooks", "Where furnishers and parties get webhooks.")

    @command(webhooks_app, "set")
    def webhooks_set(
        owner_type: str = typer.Argument(..., help="furnisher or party."),
        owner_id: str = holder_argument(),
        url: str = typer.Argument(..., help="http(s) address that receives the POSTs."),
        as_json: bool = json_option(),
    ) -> None:
        """Set (or replace, rotating its secret) an owner's webhook endpoint; prints the secret
        once."""
        from credo.access import parties
        from credo.furnishers import service as furnishers
        from credo.notices import webhooks

        with transaction() as session:
            endpoint, secret = webhooks.register(
                session=session,
                settings=get_settings(),
                owner_type=owner_type,
                owner_id=owner_id,
                url=url,
            )
            # an owner that does not exist is named, nothing stored (notices may not look
            # up furnishers or parties: the layers below it hold them)
            if owner_type == "furnisher":
                furnishers.get(session=session, furnisher_id=owner_id)
            else:
                parties.get(session=session, party_id=owner_id)
            data = {"owner_type": owner_type, "owner_id": owner_id, "url": endpoint.url}
        data["secret"] = secret
        emit(
            as_json,
            data,
            f"webhooks for {owner_type} {owner_id} go to {url}",
            f"signing secret (shown once): {secret}",
        )

    notices_app = group(app, "notices", "The outbox: failed notices.")

    @command(notices_app, "failed")
    def notices_failed(as_json: bool = json_option()) -> None:
        """List the notices that could not be delivered after every attempt."""
        from credo.notices import service

        with transaction() as session:
            rows: list[dict[str, Any]] = service.undeliverable(session=session)
        if as_json:
            emit_json(rows)
            return
        for row in rows:
            console.print(
                f"{row['id']} {row['kind']} {row['channel']} to {row['recipient']}: "
                f"{row['attempts']} attempts, last error {row['last_error']}"
            )
        if not rows:
            console.print("no undeliverable notices")

    @command(notices_app, "retry")
    def notices_retry(notice_id: int = typer.Argument(..., help="The notice's id.")) -> None:
        """Try an undeliverable notice again (its attempts start over)."""
        from credo.notices import service

        in_range(notice_id, "ID", 1, MAX_ID)
        with transaction() as session:
            service.retry(session=session, notice_id=notice_id)
        console.print(f"notice {notice_id} queued again")
