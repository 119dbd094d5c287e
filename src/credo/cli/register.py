"""``credo publish open-data`` and ``credo register ...``: the public register of organisations."""

from __future__ import annotations

from pathlib import Path

import typer

from credo.cli.common import command, transaction
from credo.cli.options import as_of_option, group, in_range, parse_past_date
from credo.cli.output import console, emit_json
from credo.config import get_settings
from credo.core.types import MAX_ID
from credo.errors import InvalidInput


def register(app: typer.Typer) -> None:
    """Add the ``publish`` and ``register`` command groups to the credo CLI."""
    publish_app = group(app, "publish", "Publish open data.")
    register_app = group(app, "register", "Organisations' grades, safety ratings, appeals.")

    @command(publish_app, "open-data")
    def open_data(
        out: Path | None = typer.Option(
            None, "--out", help="Folder for dated exports (default CREDO_DATA_DIR/open-data)."
        ),
        as_of: str | None = as_of_option("Export date (YYYY-MM-DD)."),
        regrade: bool = typer.Option(
            True, "--regrade/--no-regrade", help="Recompute grades and ratings first."
        ),
    ) -> None:
        """Write a dated export of every organisation's public record (Parquet, CSV, checksums)."""
        from credo.register import export, service
        from credo.register.batch import open_data_folder

        day = parse_past_date(as_of)
        folder = out or open_data_folder(get_settings().data_dir)
        option = "--out" if out is not None else "CREDO_DATA_DIR"
        if folder.exists() and not folder.is_dir():
            raise InvalidInput(
                f"{option} {str(folder)!r} is a file, not a folder to export into",
                details=[{"field": option.lstrip("-"), "value": str(folder)}],
            )
        try:
            doing = "grading and exporting" if regrade else "exporting"
            with console.status(doing), transaction() as session:
                if regrade:
                    service.publish(session=session, as_of=day)
                manifest = export.export(session=session, folder=folder, as_of=day)
        except OSError as exc:  # the transaction rolls back: no regrade without its export
            raise InvalidInput(
                f"{option} {str(folder)!r}: cannot write the export ({exc.strerror or exc})",
                details=[{"field": option.lstrip("-"), "value": str(folder)}],
            ) from None
        console.print(f"open data written to {manifest['path']} ({manifest['rows']})")
        emit_json({"path": manifest["path"], "rows": manifest["rows"], "files": manifest["files"]})

    @command(register_app, "grade")
    def grade(as_of: str | None = as_of_option("YYYY-MM-DD")) -> None:
        """Recompute and publish every organisation's grade and safety ratings."""
        from credo.register import service

        day = parse_past_date(as_of)
        with console.status("grading every organisation"), transaction() as session:
            done = service.publish(session=session, as_of=day)
        emit_json(done)

    @command(register_app, "policy")
    def policy() -> None:
        """Print the grade policy in force (the file published at /v1/public/grade-policy)."""
        from credo.register.policy import load

        typer.echo(load().source, nl=False)

    @command(register_app, "requests")
    def requests() -> None:
        """List open appeals and re-rating requests."""
        from credo.register import appeals

        with transaction() as session:
            rows = appeals.open_requests(session=session)
            emit_json(
                [
                    {"id": r.id, "subject_id": r.subject_id, "domain": r.domain, "kind": r.kind,
                     "reason": r.reason, "rating": r.rating_at_open,
                     "opened_at": r.opened_at.isoformat()}
                    for r in rows
                ]
            )

    @command(register_app, "decide")
    def decide(
        request_id: int = typer.Argument(..., help="The request's id."),
        outcome: str = typer.Argument(
            ..., help="appeal: upheld|dismissed; rerating: done|dismissed"
        ),
        rating: int | None = typer.Option(None, "--rating", help="New rating 0-5 (upheld)."),
        note: str = typer.Option("", "--note", help="Why, shown to the organisation."),
    ) -> None:
        """Decide an appeal or close a re-rating request."""
        from credo.register import appeals

        in_range(request_id, "ID", 1, MAX_ID)
        with transaction() as session:
            row = appeals.decide(
                session=session, request_id=request_id, outcome=outcome, rating=rating, note=note
            )
            emit_json({"id": row.id, "state": row.state, "rating": row.decided_rating})
