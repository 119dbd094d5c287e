"""``credo report``: a subject's full report for the operator."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from credo.cli.common import command, transaction
from credo.cli.options import json_option
from credo.cli.output import emit_json
from credo.notices.texts import activities


def register(app: typer.Typer) -> None:
    """Add ``credo report``."""

    @command(app, "report")
    def report_command(
        scheme: str,
        identifier: str,
        as_json: bool = json_option("Print the report as JSON."),
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
            if data["score_held_for_review"]:
                out.print(
                    "  a review holds a newer score: this is the last confirmed one, published "
                    "until the review ends"
                )
            for reason in score["reasons"]:
                out.print(f"  - {reason['text']}")
            for change in score["to_raise"]:
                out.print(
                    f"  would raise: {change['text']} (+{change['points_gained']} points, "
                    f"{change['band_if_alone']} alone; {change['band_after']} with the moves above)"
                )
        else:
            out.print(
                "no published score"
                + ("; a review holds its first score" if data["score_held_for_review"] else "")
            )
        out.print(f"records: {len(data['records'])} held, {len(data['removed'])} removed")
        for entry in data["lists"] + data["pending_listings"]:
            out.print(_entry_line(entry))
        for ledger in data["ledgers"]:
            out.print(_ledger_line(ledger), markup=False)
        out.print(
            f"inquiries: {len(data['inquiries'])}; consents: {len(data['consents'])}; "
            f"disputes: {len(data['disputes'])}; reviews: {len(data['reviews'])}"
        )


def _ledger_line(ledger: dict[str, Any]) -> str:
    """A point ledger in brief: balance and grade on a day, entries counted, and every entry
    left out of the balance with why (``credo ledgers show`` explains each entry)."""
    line = (
        f"ledger {ledger['scheme']} (policy v{ledger['policy_version']}) on {ledger['on']}: "
        f"balance {ledger['balance']}, grade {ledger['grade']}, "
        f"{len(ledger['entries'])} entries counted"
    )
    for e in ledger.get("left_out", []):
        line += (
            f"\n    left out of the balance: record {e['record_id']} ({e['category'] or '-'}, "
            f"{e['occurred_on']}), {e['points']:+d} points: {e['why']}"
        )
    return line


def _entry_line(entry: dict[str, Any]) -> str:
    """One list entry as the operator reads it: list, case, state, dates, restrictions, remedy."""
    ends = entry.get("scheduled_end") or "no fixed end"
    line = (
        f"{entry['list_title']} ({entry['state']}): case {entry.get('ref') or '-'}, "
        f"from {entry['starts_on']} until {entry.get('ended_on') or ends}"
    )
    if entry.get("restricts"):
        line += "\n    restricts: " + activities(entry["restricts"])
    if entry.get("how_to_end") and entry.get("state") not in ("ended", "refused"):
        line += f"\n    how to end it: {entry['how_to_end']}"
    return line
