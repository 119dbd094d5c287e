"""``credo integrity scan``: run the manipulation detectors on demand and queue their flags."""

from __future__ import annotations

import typer

from credo.cli.common import command, transaction
from credo.cli.options import as_of_option, group, json_option, parse_date
from credo.cli.output import console, emit_json


def register(app: typer.Typer) -> None:
    """Add the ``integrity`` command group to the credo CLI."""
    integrity_app = group(app, "integrity", "Manipulation detectors and review.")

    @command(integrity_app, "scan")
    def scan(
        as_of: str | None = as_of_option("Date the windows end on (default today)."),
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Print the findings without queueing flags."
        ),
        as_json: bool = json_option("Print {flags: [...]} as JSON last."),
    ) -> None:
        """Run every detector on the store; new flags enter the review queue and hold scores."""
        from credo.integrity import service

        day = parse_date(as_of)
        with console.status("running the detectors"), transaction() as session:
            raised = service.run_detectors(session=session, as_of=day, store=not dry_run)
            doc = service.scan_json(session=session, raised=raised)
        if as_json:
            emit_json(doc)
            return
        new = sum(r.new for r in raised)
        console.print(f"{len(raised)} findings, {new} new flags queued for review")
        for item in doc["flags"]:
            ids = ", ".join(s["id"] for s in item["subjects"])
            console.print(f"  [{item['detector']}] flag {item['flag_id']}: {ids}")
