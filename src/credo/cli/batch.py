"""Batch commands: ``credo score``, ``credo refresh`` and ``credo model fit`` / ``model card``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from credo.cli.common import command, factory, transaction
from credo.cli.options import as_of_option, in_range, json_option, parse_date
from credo.cli.output import console, emit, emit_json, progress
from credo.config import get_settings
from credo.errors import InvalidInput

model_app = typer.Typer(help="Fit scorecards and show the active model.", no_args_is_help=True)

ENGINE_HELP = "Batch engine: duckdb (in-process, default) or spark (local mode)."
AS_OF_HELP = "Score as of this date, YYYY-MM-DD (default today)."


@contextmanager
def _bars(quiet: bool) -> Iterator[object]:
    """A Rich progress display and a ``progress(step, advance, total)`` callback for a Job."""
    with progress("{task.description:<9}", transient=quiet) as bar:
        tasks: dict[str, object] = {}

        def advance_step(step: str, advance: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            elif total == -1:  # the stage has finished: its bar full, its clock stopped
                task = next(t for t in bar.tasks if t.id == tasks[step])
                done = max(int(task.completed), int(task.total or 0), 1)
                bar.update(tasks[step], total=done, completed=done)  # type: ignore[arg-type]
                bar.stop_task(tasks[step])  # type: ignore[arg-type]
                return
            elif total is not None:
                bar.update(tasks[step], total=total)  # type: ignore[arg-type]
            bar.advance(tasks[step], advance)  # type: ignore[arg-type]

        yield advance_step


def _run(engine: str, as_of: str | None, as_json: bool, steps: str) -> None:
    from credo.batch import refresh

    job = refresh.Job(
        factory=factory(), data_dir=get_settings().data_dir, engine=engine, as_of=parse_date(as_of)
    )
    with _bars(as_json) as advance_step:
        job.progress = advance_step  # type: ignore[assignment]
        summary = refresh.run(job, refresh.SCORE_STEPS if steps == "score" else None)
    emit(
        as_json,
        summary,
        f"published {summary['published']} scores (run {summary['run_id']}, model version "
        f"{summary['model_version_id']}, {engine}) from {summary['records']} records",
    )


def _run_command(steps: str, doc: str) -> Callable[..., None]:
    """``credo score`` and ``credo refresh``: the same options, a different list of steps."""

    def command(
        engine: str = typer.Option("duckdb", help=ENGINE_HELP),
        as_of: str = as_of_option(AS_OF_HELP),
        as_json: bool = json_option("Print the run summary as JSON."),
    ) -> None:
        _run(engine, as_of, as_json, steps)

    command.__doc__ = doc
    return command


score = _run_command(
    "score", "Snapshot the store, compute features and scores in the engine, publish them."
)
refresh_command = _run_command(
    "all", "Every batch job in order: snapshot, score, publish (then ledgers, lists, sweeps)."
)


def _model_text(model: Path) -> str:
    """The text of a ``--model`` scorecard file, or InvalidInput naming the option and path."""
    try:
        return model.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        raise InvalidInput(
            f"--model {str(model)!r} cannot be read: {reason or exc}",
            details=[{"field": "model", "value": str(model)}],
        ) from None


def _writable(path: Path | None, option: str) -> None:
    """InvalidInput naming ``option`` when ``path`` cannot be written: checked before the
    work, not after it (a fit or a scoring run lost to a missing folder)."""
    if path is None:
        return
    if path.is_dir() or not path.parent.is_dir():
        why = "is a folder" if path.is_dir() else f"its folder {str(path.parent)!r} does not exist"
        raise InvalidInput(
            f"{option} {str(path)!r} cannot be written: {why}",
            details=[{"field": option.lstrip("-").replace("-", "_"), "value": str(path)}],
        )


def _check_audit_file(path: Path) -> None:
    """InvalidInput naming ``--audit-file`` unless it is a Parquet file with scheme, id, sex."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    detail = [{"field": "audit_file", "value": str(path)}]
    if not path.is_file():
        raise InvalidInput(
            f"--audit-file {str(path)!r} is not a file (a synth audit_only.parquet)",
            details=detail,
        )
    try:
        names = set(pq.read_schema(path).names)
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInput(
            f"--audit-file {str(path)!r} is not a readable Parquet file ({exc})", details=detail
        ) from None
    missing = sorted({"scheme", "id", "sex"} - names)
    if missing:
        raise InvalidInput(
            f"--audit-file {str(path)!r} has no column {missing[0]!r} (needs scheme, id, sex)",
            details=detail,
        )


TABLE_HELP = "CSV or Parquet file (.parquet/.pq), one row per subject."
AUDIT_HELP = "Comma-separated columns kept out of the model, used only for fairness metrics."


@command(model_app, "fit")
def model_fit(
    registry: bool = typer.Option(
        False, "--registry", help="Fit on the registry's own records and activate the model."
    ),
    table: Path = typer.Option(None, "--table", help="Fit on this table instead. " + TABLE_HELP),
    audit_file: Path = typer.Option(
        None,
        "--audit-file",
        help="With --registry: a synth audit_only.parquet; adds sex to the fairness section "
        "(audit only, never a feature).",
    ),
    target: str = typer.Option(None, "--target", help="With --table: the label column."),
    bad: str = typer.Option(None, "--bad", help="With --table: the target value meaning bad."),
    audit_only: str = typer.Option(None, "--audit-only", help=AUDIT_HELP),
    seed: int = typer.Option(0, "--seed", help="With --table: seed of the 70/30 hold-out split."),
    card_out: Path = typer.Option(
        None, "--card", help="With --table: write the model card (.html for HTML, else Markdown)."
    ),
    as_of: str = as_of_option("Label window end, YYYY-MM-DD (today)."),
    out: Path = typer.Option(None, "--out", help="Write the scorecard JSON here."),
    engine: str = typer.Option("duckdb", help=ENGINE_HELP),
    as_json: bool = json_option("Print the result as JSON (last line)."),
) -> None:
    """Fit a scorecard: on the registry (activated) or on a table with a 70/30 hold-out."""
    if registry == (table is not None):
        raise InvalidInput(
            "say where to fit from: exactly one of --registry or --table FILE",
            details=[{"field": "registry"}, {"field": "table"}],
        )
    if table is not None:
        _fit_table(table, target, bad, audit_only, seed, out, card_out, as_json)
        return
    from credo.batch.fit import fit_registry, holdout_summary
    from credo.core import clock
    from credo.scoring import save

    day = parse_date(as_of) or clock.today()
    if audit_file is not None:
        _check_audit_file(audit_file)
    _writable(out, "--out")
    with console.status("snapshot and fit"):
        scorecard, metrics, version = fit_registry(
            factory=factory(),
            data_dir=get_settings().data_dir,
            as_of=day,
            engine=engine,
            audit_file=audit_file,
        )
    if out is not None:
        save(scorecard, out)
    emit(
        as_json,
        version,
        holdout_summary(version["version"], metrics),
        *([f"written to {out}"] if out else []),
    )


def _fit_table(
    table: Path,
    target: str | None,
    bad: str | None,
    audit_only: str | None,
    seed: int,
    out: Path | None,
    card_out: Path | None,
    as_json: bool,
) -> None:
    from credo.scoring import model_card, save
    from credo.scoring.card import render_html
    from credo.scoring.tables import fit_table, parse_columns, read_table

    for name, value in (("--target", target), ("--bad", bad), ("--out", out)):
        if value is None:
            raise InvalidInput(f"--table needs {name}", details=[{"field": name.lstrip("-")}])
    assert target is not None and bad is not None and out is not None
    in_range(seed, "--seed", 0, 2**32 - 1)
    _writable(out, "--out")
    _writable(card_out, "--card")
    frame = read_table(table)
    with console.status("fit scorecard"):
        fitted = fit_table(frame, target, bad, audit_only=parse_columns(audit_only), seed=seed)
    sc = fitted["scorecard"]
    save(sc, out)
    if card_out is not None:
        card = model_card(sc, fitted["X_test"], fitted["y_test"], audit=fitted["audit_test"])
        text = (
            render_html(card) if card_out.suffix.lower() in (".html", ".htm") else card["markdown"]
        )
        card_out.write_text(text, encoding="utf-8")
    h = fitted["holdout"]
    summary = {
        "model": str(out),
        "rows": len(frame),
        "features": fitted["features"],
        "audit_only": fitted["audit_only"],
        "holdout": h,
        "training": {k: sc.training_[k] for k in ("n", "bad_rate", "auc", "ks", "gini")},
    }
    emit(
        as_json,
        summary,
        f"fitted on {sc.training_['n']} rows, {len(fitted['features'])} features; hold-out "
        f"({h['n']} rows) AUC {h['auc']:.3f}, KS {h['ks']:.3f}, Gini {h['gini']:.3f}; "
        f"written to {out}",
    )


@command(model_app, "apply")
def model_apply(
    model: Path = typer.Option(..., "--model", help="Scorecard JSON from credo model fit --out."),
    table: Path = typer.Option(..., "--table", help=TABLE_HELP),
    out: Path = typer.Option(..., "--out", help="Parquet file of scores (one row per input row)."),
    as_json: bool = json_option("Print a summary as JSON (last line)."),
) -> None:
    """Score a table: score, band, five sub-scores and reasons (JSON text) per row."""
    import pandas as pd

    from credo.scoring import loads
    from credo.scoring.tables import model_frame, read_table, score_rows

    _writable(out, "--out")
    sc = loads(_model_text(model))
    frame = read_table(table)
    X = model_frame(sc, frame)
    if out.suffix.lower() != ".parquet":  # it is written as Parquet whatever its name says
        raise InvalidInput(
            f"--out {str(out)!r} must name a .parquet file (the scores are written as Parquet)",
            details=[{"field": "out", "value": str(out)}],
        )
    chunk = 50_000
    parts = []
    with _bars(as_json or len(X) <= chunk) as progress:
        for start in range(0, len(X), chunk):
            parts.append(score_rows(sc, X.iloc[start : start + chunk].reset_index(drop=True)))
            progress("score", len(parts[-1]), len(X))  # type: ignore[operator]
    result = pd.concat(parts, ignore_index=True)
    result.to_parquet(out, index=False)
    summary = {
        "rows": len(result),
        "out": str(out),
        "mean_score": float(result["score"].mean()),
        "bands": {str(k): int(v) for k, v in result["band"].value_counts().items()},
    }
    emit(
        as_json,
        summary,
        f"scored {len(result)} row{'' if len(result) == 1 else 's'}, "
        f"mean score {summary['mean_score']:.0f}; {out}",
    )


@command(model_app, "psi")
def model_psi(
    model: Path = typer.Option(..., "--model", help="Scorecard JSON from credo model fit --out."),
    table: Path = typer.Option(..., "--table", help="New data to compare. " + TABLE_HELP),
    as_json: bool = json_option("Print the PSIs as JSON (last line)."),
) -> None:
    """PSI of the score and of each feature: training data vs this table (> 0.25 = major)."""
    from credo.scoring import loads
    from credo.scoring.monitoring import psi_report
    from credo.scoring.tables import model_frame, read_table

    sc = loads(_model_text(model))
    report = psi_report(sc, model_frame(sc, read_table(table)))
    if as_json:
        emit_json(report)
        return
    score = report["score"]
    if score is None:
        console.print("score PSI: n/a (model has no training score distribution)")
    else:
        console.print(f"score PSI {score['psi']:.4f} ({score['status']}) on {report['n']} rows")
    for name, entry in sorted(report["features"].items(), key=lambda kv: -kv[1]["psi"]):
        console.print(f"  {name}: {entry['psi']:.4f} ({entry['status']})")


@command(model_app, "card")
def model_card_command(
    model: Path = typer.Option(
        None, "--model", help="Scorecard JSON file (default: the registry's active model)."
    ),
    table: Path = typer.Option(
        None, "--table", help="Add hold-out figures, bands and fairness on this table."
    ),
    target: str = typer.Option(None, "--target", help="With --table: the label column."),
    bad: str = typer.Option(None, "--bad", help="With --table: the target value meaning bad."),
    audit_only: str = typer.Option(None, "--audit-only", help=AUDIT_HELP),
    html_out: Path = typer.Option(None, "--html", help="Write the card as HTML to this file."),
    fmt: str = typer.Option("markdown", "--format", help="markdown, html or json."),
    as_json: bool = json_option("Print the card as JSON."),
) -> None:
    """Print a model's card: features, points, hold-out, fairness, PSI baseline, limits."""
    from credo.scoring import loads, model_card
    from credo.scoring.card import render_html

    if fmt not in ("markdown", "html", "json"):
        raise InvalidInput(
            f"--format {fmt!r} is not one of markdown, html, json",
            details=[{"field": "format", "value": fmt}],
        )
    _writable(html_out, "--html")
    version = None
    if model is not None:
        text = _model_text(model)
    else:
        from credo.scores import service as scores

        with transaction() as session:
            row = scores.active_model(session=session)
            version, text = row.version, row.model
    sc = loads(text)
    X_test = y_test = audit = None
    if table is not None:
        from credo.scoring.tables import bad_indicator, model_frame, parse_columns, read_table

        frame = read_table(table)
        X_test = model_frame(sc, frame)
        if target is not None:
            if bad is None:
                raise InvalidInput("--target needs --bad", details=[{"field": "bad"}])
            y_test = bad_indicator(frame, target, bad)
        cols = parse_columns(audit_only)
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise InvalidInput(f"--audit-only column {missing[0]!r} is not in the table")
        audit = frame[cols].reset_index(drop=True) if cols else None
    card = model_card(sc, X_test, y_test, audit)
    if version is not None:
        from credo.scores import service as scores
        from credo.scoring.card import render_markdown

        card["model_version"] = version
        with transaction() as session:
            card["drift"] = scores.drift_history(session=session)
        card["markdown"] = render_markdown(card)
    if html_out is not None:
        html_out.write_text(render_html(card), encoding="utf-8")
    if as_json or fmt == "json":
        emit_json(json.loads(json.dumps(card, default=str)))
    elif fmt == "html":
        typer.echo(render_html(card))
    elif html_out is None:
        if version is not None:
            typer.echo(f"model version {version}\n")
        typer.echo(card["markdown"])
    else:
        console.print(f"card written to {html_out}")


def register(app: typer.Typer) -> None:
    """Add ``score``, ``refresh`` and the ``model`` sub-app to the ``credo`` command."""
    command(app, "score")(score)
    command(app, "refresh")(refresh_command)
    app.add_typer(model_app, name="model")
