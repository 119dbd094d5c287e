"""``credo report``: a subject's full report for the operator."""

from __future__ import annotations

import typer
from rich.console import Console

from credo.cli.common import emit_json, handle_errors, transaction


def register(app: typer.Typer) -> None:
    """Add ``credo report``."""

    @app.command("report")
    @handle_errors
    def report_command(
        scheme: str,
        identifier: str,
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """A subject's full report: records, score and reasons, lists, inquiries, disputes."""
        from credo.rights import report
        from credo.subjects.service import find

        with transaction() as session:
            subject = find(session=session, scheme=scheme, value=identifier)
            data = report.build(session=session, subject=subject).model_dump(mode="json")
        if as_json:
            emit_json(data)
            return
        out = Console()
        who = data["subject"]
        out.rule(f"{who['name'] or ''} {who['scheme']} {who['id']} ({who['kind']})")
        score = data["score"]
        if score:
            out.print(
                f"score {score['score']} ({score['band']}) as of {score['as_of']}; "
                + ", ".join(f"{k} {v}" for k, v in score["dimensions"].items())
            )
            for reason in score["reasons"]:
                out.print(f"  - {reason['text']}")
            for change in score["to_raise"]:
                out.print(f"  would raise: {change}")
        else:
            out.print("no published score")
        out.print(f"records: {len(data['records'])} held, {len(data['removed'])} removed")
        for entry in data["lists"] + data["pending_listings"]:
            out.print(f"list: {entry}")
        out.print(
            f"inquiries: {len(data['inquiries'])}; consents: {len(data['consents'])}; "
            f"disputes: {len(data['disputes'])}; reviews: {len(data['reviews'])}"
        )
