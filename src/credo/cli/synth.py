"""``credo synth`` and ``credo load``: write a synthetic population, load it into the store."""

from __future__ import annotations

from pathlib import Path

import typer

from credo.cli.common import command, factory
from credo.cli.options import as_of_option, json_option, parse_date
from credo.cli.output import counting, emit


def register(app: typer.Typer) -> None:
    """Add the ``synth`` and ``load`` commands to the credo CLI."""

    @command(app, "synth")
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
        as_of: str | None = as_of_option("Last day of the records (default 2026-06-30)."),
        json_output: bool = json_option("Print the manifest as JSON."),
    ) -> None:
        """Write a synthetic population, its records and the planted ground truth."""
        from credo.synth import synthesise

        with counting("synthesising subjects", persons + organisations) as step:
            manifest = synthesise(
                out=out,
                persons_n=persons,
                organisations_n=organisations,
                years=years,
                seed=seed,
                fmt=fmt,
                as_of=parse_date(as_of),
                progress=step,
            )
        emit(
            json_output,
            manifest,
            f"wrote {manifest['counts']['records']:,} records about "
            f"{persons + organisations:,} subjects to {out}",
        )

    @command(app, "load")
    def load(
        directory: Path = typer.Argument(..., help="A directory written by credo synth."),
        json_output: bool = json_option("Print the summary as JSON."),
    ) -> None:
        """Register a synth directory's furnishers and ingest all their record files."""
        from credo.synth.load import load_directory, total_rows

        with counting("ingesting records", total_rows(directory)) as step:
            result = load_directory(factory=factory(), folder=directory, progress=step)
        emit(
            json_output,
            result,
            f"accepted {result['accepted']:,}, duplicates "
            f"{result['duplicates']:,}, rejected {result['rejected']:,}",
            *(f"  refused rows: {report}" for report in result["report"] or ()),
            *(
                f"  {f['id']}  {f['name']}  {f['api_key'] or '(already registered)'}"
                for f in result["furnishers"]
            ),
        )
