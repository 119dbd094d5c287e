"""The demo's notices step: a person with a confirmed e-mail is warned before a listing.

E-mail: with ``CREDO_SMTP_HOST`` set, the demo sends through that server. Unset, it starts a
local SMTP sink on loopback (aiosmtpd, installed with the test extras) that keeps each
message as an ``.eml`` file in ``<demo folder>/mail``; without aiosmtpd, e-mail notices wait
in the outbox and the inbox still has them. A delivery worker runs in a thread for as long
as the demo serves.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from pathlib import Path
from typing import Any

from credo.cli.common import factory
from credo.cli.output import console
from credo.config import get_settings

ADDRESS = "demo.person@example.org"
CASE = "(2026)demo-notice-1"


class _MailFolder:
    """An aiosmtpd handler that writes each accepted message to a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.time_ns()}.eml"
        (self.folder / name).write_bytes(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _mail_sink(folder: Path) -> str:
    if get_settings().smtp_host:
        return f"e-mail goes through {get_settings().smtp_host}:{get_settings().smtp_port}"
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        return "e-mail waits in the outbox (set CREDO_SMTP_HOST, or install aiosmtpd)"
    port = _free_port()
    controller = Controller(_MailFolder(folder), hostname="127.0.0.1", port=port)
    controller.start()  # a daemon thread; it lives as long as the demo
    os.environ["CREDO_SMTP_HOST"] = "127.0.0.1"
    os.environ["CREDO_SMTP_PORT"] = str(port)
    get_settings.cache_clear()
    return f"e-mail goes to a local SMTP sink on port {port}: each message is a file in {folder}"


def _store(session: Any, furnisher: Any, envelopes: list[dict[str, Any]]) -> None:
    """Submit the demo's records through the intake workflow the API uses (validation,
    conflicts, audit and the record hooks: list removals apply at once)."""
    from credo.records import service as records

    settings = get_settings()
    records.submit(
        session=session,
        furnisher_id=furnisher.id,
        categories=furnisher.categories,
        envelopes=envelopes,
        secret=settings.secret.get_secret_value().encode(),
        max_batch=settings.max_batch,
        actor=f"furnisher:{furnisher.id}",
    )


def demo_step(ctx: Any) -> None:
    """Warn one sample person of a listing by inbox and e-mail; start the delivery worker."""
    from credo.cli.notices import sweeps
    from credo.core import clock
    from credo.furnishers import service as furnishers
    from credo.lists.models import ListEntry
    from credo.lists.service import refresh_lists
    from credo.notices.delivery import start_thread, wait_idle
    from credo.subjects.service import find

    sink = _mail_sink(ctx.folder / "mail")
    samples = [s for s in ctx.access.get("samples", []) if not s.get("listed")]
    if not samples:
        ctx.notes.append("notices: no sample person to warn")
        return
    who = samples[0]
    today = clock.today()
    subject = {"scheme": who["scheme"], "id": who["id"], "name": who["name"]}
    sessions = factory()
    with sessions() as session, session.begin():
        idp, _ = furnishers.add(
            session=session,
            name="Demo Identity Check",
            kind="identity_provider",
            categories=["identity.verification"],
        )
        court, _ = furnishers.add(
            session=session,
            name="Demo District Court",
            kind="court",
            categories=["court.judgment", "court.listing"],
        )
        _store(session, idp, [{
            "external_id": "demo-idv-1", "category": "identity.verification",
            "subject": subject, "occurred_on": (today - dt.timedelta(days=400)).isoformat(),
            "fields": {"method": "document", "level": 2, "contact_email": ADDRESS},
        }])  # fmt: skip
        _store(session, court, [{
            "external_id": "demo-judgment-1", "category": "court.judgment", "subject": subject,
            "occurred_on": (today - dt.timedelta(days=60)).isoformat(),
            "legal_basis": "Civil Procedure Law art. 255",
            "fields": {"case_number": CASE, "court_name": "Demo District Court",
                       "judgment_type": "monetary",
                       "due_on": (today - dt.timedelta(days=20)).isoformat()},
        }])  # fmt: skip
        refresh_lists(session=session, actor="demo")  # the warning: inbox now, e-mail queued
        _store(session, court, [{
            "external_id": "demo-listing-1", "category": "court.listing", "subject": subject,
            "occurred_on": today.isoformat(), "legal_basis": "Civil Procedure Law art. 255",
            "fields": {"case_number": CASE, "court_name": "Demo District Court",
                       "ground": "false_asset_report"},
        }])  # fmt: skip
        subject_id = find(session=session, scheme=who["scheme"], value=who["id"]).id
    start_thread(sessions, get_settings(), sweeps=sweeps())
    delivered = wait_idle(sessions, timeout=15)
    with sessions() as session, session.begin():
        refresh_lists(session=session, actor="demo")  # the listing, now that it was warned
        entry = (
            session.query(ListEntry)
            .filter_by(subject_id=subject_id, ref=CASE)
            .filter(ListEntry.rule_id == "defaulter.court_listing")
            .one_or_none()
        )
    state = "no entry" if entry is None else f"{entry.state}, takes effect {entry.starts_on}"
    ctx.notes += [
        f"notices: {who['name']} ({who['id']}) was warned of a listing (case {CASE}) in the "
        f"inbox and by e-mail to {ADDRESS}"
        + ("" if delivered else " (e-mail still queued)")
        + f"; the listing: {state}",
        f"  {sink}",
        "  inbox: /me/inbox (subject token above), or sign in without the operator at "
        f"/me/signin with {who['id']} and {ADDRESS}: the link arrives by e-mail",
    ]
    console.print(f"worker running; {sink}")
