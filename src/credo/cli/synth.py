"""``credo synth`` and ``credo load``: write a synthetic population, load it into the store."""

from __future__ import annotations

from pathlib import Path

import typer

from credo.cli.common import console, emit_json, factory, handle_errors, parse_date, progress


def register(app: typer.Typer) -> None:
    """Add the ``synth`` and ``load`` commands to the credo CLI."""

    @app.command("synth")
    @handle_errors
    def synth(
        out: Path = typer.Option(..., "--out", help="Directory to write (created if missing)."),
        persons: int = typer.Option(10_000, "--persons", help="Persons (cn_ric) to create."),
        organisations: int = typer.Option(
            1_000, "--organisations", help="Organisations (cn_uscc) to create."
        ),
        years: int = typer.Option(
            4, "--years", help="Years of records ending at --as-of (fit needs 2: fit + validate)."
        ),
        seed: int = typer.Option(0, "--seed", help="Random seed: same arguments, same bytes."),
        fmt: str = typer.Option("parquet", "--format", help="parquet or jsonl."),
        as_of: str | None = typer.Option(
            None, "--as-of", help="Last day of the records (default 2026-06-30)."
        ),
        json_output: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
    ) -> None:
        """Write a synthetic population, its records and the planted ground truth."""
        from credo.synth import synthesise

        with progress() as bar:
            task = bar.add_task("synthesising subjects", total=persons + organisations)
            manifest = synthesise(
                out=out,
                persons_n=persons,
                organisations_n=organisations,
                years=years,
                seed=seed,
                fmt=fmt,
                as_of=parse_date(as_of),
                progress=lambda n: bar.advance(task, n),
            )
        if json_output:
            emit_json(manifest)
        else:
            console.print(
                f"wrote {manifest['counts']['records']:,} records about "
                f"{persons + organisations:,} subjects to {out}"
            )

    @app.command("load")
    @handle_errors
    def load(
        directory: Path = typer.Argument(..., help="A directory written by credo synth."),
        json_output: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    ) -> None:
        """Register a synth directory's furnishers and ingest all their record files."""
        from credo.synth.load import load_directory, total_rows

        with progress() as bar:
            task = bar.add_task("ingesting records", total=total_rows(directory))
            result = load_directory(
                factory=factory(), folder=directory, progress=lambda n: bar.advance(task, n)
            )
        if json_output:
            emit_json(result)
        else:
            console.print(
                f"accepted {result['accepted']:,}, duplicates "
                f"{result['duplicates']:,}, rejected {result['rejected']:,}"
            )
            for furnisher in result["furnishers"]:
                key = furnisher["api_key"] or "(already registered)"
                console.print(f"  {furnisher['id']}  {furnisher['name']}  {key}")
