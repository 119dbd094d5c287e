"""Batch commands: ``credo score``, ``credo refresh`` and ``credo model fit`` / ``model card``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from credo.cli.common import console, emit_json, factory, handle_errors, parse_date, transaction
from credo.config import get_settings
from credo.errors import InvalidInput

model_app = typer.Typer(help="Fit scorecards and show the active model.", no_args_is_help=True)

ENGINE_HELP = "Batch engine: duckdb (in-process, default) or spark (local mode)."
AS_OF_HELP = "Score as of this date, YYYY-MM-DD (default today)."


@contextmanager
def _bars(quiet: bool) -> Iterator[object]:
    """A Rich progress display and a ``progress(step, advance, total)`` callback for a Job."""
    columns = [
        TextColumn("{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, transient=quiet) as bar:
        tasks: dict[str, object] = {}

        def progress(step: str, advance: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            elif total is not None:
                bar.update(tasks[step], total=total)  # type: ignore[arg-type]
            bar.advance(tasks[step], advance)  # type: ignore[arg-type]

        yield progress


def _run(engine: str, as_of: str | None, as_json: bool, steps: str) -> None:
    from credo.batch import refresh

    job = refresh.Job(
        factory=factory(), data_dir=get_settings().data_dir, engine=engine, as_of=parse_date(as_of)
    )
    with _bars(as_json) as progress:
        job.progress = progress  # type: ignore[assignment]
        summary = refresh.run(job, refresh.SCORE_STEPS if steps == "score" else None)
    if as_json:
        emit_json(summary)
    else:
        console.print(
            f"published {summary['published']} scores (run {summary['run_id']}, model version "
            f"{summary['model_version_id']}, {engine}) from {summary['records']} records"
        )


def score(
    engine: str = typer.Option("duckdb", help=ENGINE_HELP),
    as_of: str = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
) -> None:
    """Snapshot the store, compute features and scores in the engine, publish them."""
    _run(engine, as_of, as_json, "score")


def refresh_command(
    engine: str = typer.Option("duckdb", help=ENGINE_HELP),
    as_of: str = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
) -> None:
    """Every batch job in order: snapshot, score, publish (then ledgers, lists, sweeps)."""
    _run(engine, as_of, as_json, "all")


@model_app.command("fit")
@handle_errors
def model_fit(
    registry: bool = typer.Option(
        False, "--registry", help="Fit on the registry's own records (the only source so far)."
    ),
    as_of: str = typer.Option(None, "--as-of", help="Label window end, YYYY-MM-DD (today)."),
    out: Path = typer.Option(None, "--out", help="Also write the scorecard JSON here."),
    engine: str = typer.Option("duckdb", help=ENGINE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the new version as JSON."),
) -> None:
    """Fit a scorecard (features 12 months before --as-of, defaults after) and activate it."""
    from credo.batch.fit import fit_registry
    from credo.core import clock
    from credo.scoring import save

    if not registry:
        raise InvalidInput("say where to fit from: --registry", details=[{"field": "registry"}])
    day = parse_date(as_of) or clock.today()
    with console.status("snapshot and fit"):
        scorecard, metrics, version = fit_registry(
            factory=factory(), data_dir=get_settings().data_dir, as_of=day, engine=engine
        )
    if out is not None:
        save(scorecard, out)
    if as_json:
        emit_json(version)
    else:
        console.print(
            f"model {version['version']} active: AUC {metrics.get('auc', float('nan')):.3f} on "
            f"{metrics['n']} subjects, {metrics['defaults']} defaults"
            + (f"; written to {out}" if out else "")
        )


@model_app.command("card")
@handle_errors
def model_card_command(
    as_json: bool = typer.Option(False, "--json", help="Print the card as JSON."),
) -> None:
    """Print the active model's card: features, bins, points, training metrics."""
    from credo.scores import service as scores
    from credo.scoring import model_card

    with transaction() as session:
        row = scores.active_model(session=session)
        version, text = row.version, row.model
    from credo.scoring import loads

    card = model_card(loads(text))
    card["model_version"] = version
    if as_json:
        emit_json(json.loads(json.dumps(card, default=str)))
    else:
        typer.echo(f"model version {version}\n")
        typer.echo(card["markdown"])


def register(app: typer.Typer) -> None:
    """Add ``score``, ``refresh`` and the ``model`` sub-app to the ``credo`` command."""
    app.command("score")(handle_errors(score))
    app.command("refresh")(handle_errors(refresh_command))
    app.add_typer(model_app, name="model")
