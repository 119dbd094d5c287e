"""``credo lists show`` and ``credo lists refresh``: the list rules, their entries, a refresh."""

from __future__ import annotations

from typing import Any

import typer

from credo.cli.common import command, transaction
from credo.cli.options import as_of_option, group, in_range, json_option, parse_date
from credo.cli.output import console, emit, emit_table
from credo.core.decisions import one_of


def register(app: typer.Typer) -> None:
    """Add the ``lists`` command group to the credo CLI."""
    lists_app = group(app, "lists", "List rules, entries and refresh.")

    @command(lists_app, "show")
    def show(
        list_id: str | None = typer.Argument(
            None, help="defaulter, serious_violator or red (default: every list's rule)."
        ),
        state: str | None = typer.Option(None, "--state", help="pending, active, ended, refused."),
        limit: int = typer.Option(50, "--limit", help="Most entries to print (1 to 1000)."),
        as_json: bool = json_option(),
    ) -> None:
        """Print the lists' rules and entry counts, or one list's entries."""
        from sqlalchemy import func, select

        from credo.lists import rules as R
        from credo.lists import service
        from credo.lists.models import ENTRY_STATES, ListEntry

        in_range(limit, "--limit", 1, 1000)
        if state is not None:
            one_of(state, ENTRY_STATES, field="--state")
        with transaction() as session:
            if list_id is None:
                counts: dict[str, dict[str, int]] = {k: {} for k in R.LISTS}
                for lid, st, n in session.execute(
                    select(ListEntry.list_id, ListEntry.state, func.count()).group_by(
                        ListEntry.list_id, ListEntry.state
                    )
                ):
                    counts.setdefault(lid, {})[st] = n
                data: list[dict[str, Any]] = [
                    {
                        "id": rule.id,
                        "title": rule.title,
                        "subjects": list(rule.subject_kinds),
                        "enters_by": rule.enters_by,
                        "ends_by": rule.ends_by,
                        "restricts": list(rule.restricts),
                        "benefits": list(rule.benefits),
                        "public_for": list(rule.public_kinds),
                        "entries": counts.get(rule.id, {}),
                    }
                    for rule in R.LISTS.values()
                ]
                emit_table(
                    as_json,
                    {"lists": data},
                    "credo lists",
                    ("list", "enters by", "ends by", "restricts / grants", "entries"),
                    (
                        (
                            f"{row['id']}\n{row['title']}",
                            row["enters_by"],
                            row["ends_by"],
                            ", ".join(row["restricts"] or row["benefits"]),
                            ", ".join(f"{k} {v}" for k, v in sorted(row["entries"].items())) or "-",
                        )
                        for row in data
                    ),
                )
                return
            total, rows = service.entries_of_list(
                session=session, list_id=list_id, state=state, limit=limit
            )
            entries = [service.describe(session=session, entry=e, with_records=False) for e in rows]
        emit_table(
            as_json,
            {"list": list_id, "total": total, "entries": entries},
            f"{list_id}: {total} entries (first {len(entries)})",
            ("id", "subject", "rule", "ref", "state", "starts", "ends", "reason"),
            (
                (
                    str(e["id"]),
                    str(entry.subject_id),
                    e["rule"],
                    e["ref"],
                    e["state"],
                    e["starts_on"],
                    e["ended_on"] or e["scheduled_end"] or "no fixed term",
                    e["removal_reason"] or "",
                )
                for e, entry in zip(entries, rows, strict=True)
            ),
        )

    @command(lists_app, "refresh")
    def refresh(
        as_of: str | None = as_of_option("Date to derive lists on (default today)."),
        as_json: bool = json_option("Print the summary as JSON."),
    ) -> None:
        """Re-derive every list entry from the records; only differences are written."""
        from credo.lists.service import refresh_lists

        day = parse_date(as_of)
        with console.status("deriving every list from the records"), transaction() as session:
            summary = refresh_lists(session=session, as_of=day)
        emit(
            as_json,
            summary,
            f"lists as of {summary['as_of']}: {summary['entered']} entered, "
            f"{summary['removed']} removed, {summary['refused']} refused, "
            f"{summary['changed']} changed in {summary['seconds']} s",
            *(f"  {key}: {n}" for key, n in summary["entries"].items()),
        )
