"""``credo demo``: a fresh embedded registry with a synthetic population, served.

Each step is an ordinary credo command's service; the demo only chains them and prints
where to look. Steps that later parts of credo add (scoring, lists, ledgers, ...) are
appended to ``STEPS`` by their CLI modules.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from sqlalchemy import select

from credo.cli import notices_demo
from credo.cli.common import command, factory
from credo.cli.ledgers import demo_step
from credo.cli.options import in_range
from credo.cli.output import console, counting
from credo.config import get_settings
from credo.errors import InvalidInput


@dataclass
class DemoContext:
    """What the demo steps share: the folder, the synth directory, what to print at the end."""

    folder: Path
    synth_dir: Path
    persons: int
    organisations: int
    years: int
    furnishers: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    access: dict[str, Any] = field(default_factory=dict)


Step = Callable[[DemoContext], None]
STEPS: list[tuple[str, Step]] = []


def _synth(ctx: DemoContext) -> None:
    from credo.synth import synthesise

    manifest = ctx.synth_dir / "manifest.json"
    wanted = {"persons": ctx.persons, "organisations": ctx.organisations, "years": ctx.years}
    if manifest.exists():
        held = json.loads(manifest.read_text())
        if all(held.get("arguments", {}).get(k) == v for k, v in wanted.items()):
            console.print(f"reusing the synthetic population in {ctx.synth_dir}")
            return
    shutil.rmtree(ctx.synth_dir, ignore_errors=True)
    with counting("synthesising", ctx.persons + ctx.organisations) as step:
        synthesise(
            out=ctx.synth_dir,
            persons_n=ctx.persons,
            organisations_n=ctx.organisations,
            years=ctx.years,
            seed=7,
            progress=step,
        )


def _load(ctx: DemoContext) -> None:
    from credo.synth.load import load_directory, total_rows

    with counting("ingesting records", total_rows(ctx.synth_dir)) as step:
        result = load_directory(factory=factory(), folder=ctx.synth_dir, progress=step)
    ctx.furnishers = result["furnishers"]
    ctx.notes.append(f"records accepted: {result['accepted']:,} (rejected {result['rejected']})")


def _as_of(ctx: DemoContext) -> dt.date:
    manifest = json.loads((ctx.synth_dir / "manifest.json").read_text())
    return dt.date.fromisoformat(manifest["as_of"])


def _fit(ctx: DemoContext) -> None:
    from credo.batch.fit import fit_registry, holdout_summary

    with console.status("snapshot, features and scorecard fit"):
        _, metrics, version = fit_registry(
            factory=factory(),
            data_dir=get_settings().data_dir,
            as_of=_as_of(ctx),
            audit_file=ctx.synth_dir / "audit_only.parquet",
        )
    ctx.notes.append(holdout_summary(version["version"], metrics))


def _earlier_warnings(ctx: DemoContext) -> None:
    """The registry's earlier life: its list refresh of ``CREDO_LISTING_NOTICE_DAYS`` + 1 days
    ago warned every person facing a listing, so today's refresh may list them.

    Without this step a fresh demo would have nobody on the defaulter list: a listing takes
    effect only after its warning has been delivered for the notice period.
    """
    from credo.core import clock
    from credo.lists.service import refresh_lists

    days = get_settings().listing_notice_days
    clock.freeze(dt.datetime.now(dt.UTC) - dt.timedelta(days=days + 1))
    try:
        with factory()() as session, session.begin():
            refresh_lists(session=session, actor="demo")
    finally:
        clock.freeze(None)
    ctx.notes.append(f"warnings before listing: delivered to the portal inbox {days + 1} days ago")


def _refresh(ctx: DemoContext) -> None:
    from credo.batch import refresh

    # as of today: the records end at the synthetic as-of date, but list terms and
    # restriction checks run on today's calendar
    job = refresh.Job(factory=factory(), data_dir=get_settings().data_dir)
    with console.status("refresh: snapshot, scores, lists, sweeps"):
        summary = refresh.run(job)
    ctx.notes.append(f"scores published: {summary['published']:,} (run {summary['run_id']})")


def _access(ctx: DemoContext) -> None:
    """A relying party with two programs, sample subjects' tokens and their consents."""
    import pyarrow.parquet as pq

    from credo.access import consents, parties
    from credo.core import clock
    from credo.lists import service as lists
    from credo.lists.models import ListEntry
    from credo.subjects import tokens
    from credo.subjects.service import find

    people = pq.read_table(
        ctx.synth_dir / "subjects.parquet", columns=["scheme", "id", "name", "kind"]
    ).to_pylist()
    with factory()() as session, session.begin():
        party, key = parties.add(
            session=session,
            name="Demo Car Rental",
            activities=["air_travel", "high_speed_rail"],
            purposes=["deposit_free_rental", "fast_checkout"],
        )
        rental = parties.add_program(
            session=session,
            party=party,
            name="deposit-free rental",
            purpose="deposit_free_rental",
            benefit="rent a car without a deposit",
            conditions=[{"score_at_least": 600}, {"not_on_list": "defaulter"}],
        )
        listed = set(
            session.scalars(
                select(ListEntry.subject_id).where(
                    ListEntry.list_id == "defaulter", lists.in_force(clock.today())
                )
            )
        )
        samples: list[dict[str, Any]] = []
        for who in people:
            if who["kind"] != "person":
                continue
            subject = find(session=session, scheme=who["scheme"], value=who["id"])
            if len(samples) < 3 or (subject.id in listed and len(samples) < 4):
                _, token, _ = tokens.issue(
                    session=session, scheme=who["scheme"], value=who["id"], days=30
                )
                consents.grant(
                    session=session,
                    subject_id=subject.id,
                    program_id=rental.id,
                    expires_on=dt.date.today() + dt.timedelta(days=90),
                )
                samples.append({**who, "token": token, "listed": subject.id in listed})
            if len(samples) >= 4:
                break
    ctx.access = {"party": party.id, "key": key, "program": rental.id, "samples": samples}


STEPS += [
    ("synthesise a population", _synth),
    ("load it", _load),
    ("fit the scorecard", _fit),
    ("ledger policy and opt-ins", demo_step),
    ("warnings before listing, as the registry sent them earlier", _earlier_warnings),
    ("refresh", _refresh),
    ("relying party, programs, consents, tokens", _access),
    ("notices: a warning by inbox and e-mail; the delivery worker", notices_demo.demo_step),
]


def _where_to_look(ctx: DemoContext, host: str, port: int) -> None:
    base = f"http://{host}:{port}"
    bank = next((f for f in ctx.furnishers if f["kind"] == "bank" and f["api_key"]), None)
    lines = [
        "",
        "[bold]credo demo is ready[/bold]",
        f"  store:        {get_settings().database_url}",
        f"  API docs:     {base}/docs   (OpenAPI at {base}/openapi.json)",
        f"  catalogue:    {base}/v1/catalogue",
        *(f"  {note}" for note in ctx.notes),
    ]
    if bank is not None:
        lines += [
            "",
            f"furnisher {bank['name']} ({bank['id']}), API key: {bank['api_key']}",
            "submit a record:",
            f"  curl -s -X POST {base}/v1/records -H 'Authorization: Bearer {bank['api_key']}' "
            '-H \'Content-Type: application/json\' -d \'{"records": [{"external_id": '
            '"demo-1", "category": "loan.repayment", "subject": {"scheme": "cn_ric", '
            '"id": "11010519491231002X"}, "occurred_on": "2026-03-01", "amount": '
            '"1200.00", "currency": "CNY", "fields": {"loan_id": "L-88", '
            '"days_late": 0}}]}\'',
        ]
    access = ctx.access
    if access:
        auth = f"-H 'Authorization: Bearer {access['key']}' -H 'Content-Type: application/json'"
        lines += [
            "",
            f"relying party Demo Car Rental ({access['party']}), API key: {access['key']}",
        ]
        for who in access["samples"]:
            subject = f'{{"scheme": "{who["scheme"]}", "id": "{who["id"]}"}}'
            lines += [
                f"{who['name']} ({who['scheme']} {who['id']}"
                + (", on the defaulter list" if who["listed"] else "")
                + ")",
                f"  subject token: {who['token']}   (sign in at {base}/me)",
                f"  curl -s -X POST {base}/v1/checks/eligibility {auth} "
                f'-d \'{{"subject": {subject}, "program": "{access["program"]}"}}\'',
                f"  curl -s -X POST {base}/v1/checks/restriction {auth} "
                f'-d \'{{"subject": {subject}, "activity": "air_travel"}}\'',
                f"  curl -s {base}/v1/me/report -H 'Authorization: Bearer {who['token']}'",
            ]
    lines += [
        "",
        f"operator console: {base}/admin   operator key: {os.environ['CREDO_OPERATOR_KEY']}",
        f"public organisation search: {base}/",
    ]
    Console(soft_wrap=True).print("\n".join(lines))


def register(app: typer.Typer) -> None:
    """Add ``credo demo``."""

    @command(app, "demo")
    def demo(
        persons: int = typer.Option(10_000, help="Synthetic persons."),
        organisations: int = typer.Option(1_000, help="Synthetic organisations."),
        years: int = typer.Option(5, help="Years of records."),
        serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve after building."),
        host: str = typer.Option("127.0.0.1", help="Address to serve on."),
        port: int = typer.Option(8000, help="Port to serve on."),
    ) -> None:
        """Fresh embedded registry with a synthetic population, served; prints where to look."""
        # checked before the demo store is deleted
        in_range(persons, "--persons", 0)
        in_range(organisations, "--organisations", 0)
        if persons + organisations == 0:
            raise InvalidInput(
                "the demo needs some persons or organisations (both are 0)",
                details=[{"field": "persons", "value": 0}, {"field": "organisations", "value": 0}],
            )
        in_range(years, "--years", 2, 20)
        in_range(port, "--port", 1, 65535)
        folder = Path(get_settings().data_dir) / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "credo.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["CREDO_DATABASE_URL"] = f"sqlite:///{db}"
        os.environ.setdefault("CREDO_OPERATOR_KEY", secrets.token_urlsafe(18))
        get_settings.cache_clear()
        from credo.migrations import upgrade

        upgrade(get_settings().database_url)
        ctx = DemoContext(
            folder=folder,
            synth_dir=folder / "synth",
            persons=persons,
            organisations=organisations,
            years=years,
        )
        for number, (title, step) in enumerate(STEPS, start=1):
            console.rule(f"{number}/{len(STEPS)} {title}")
            step(ctx)
        _where_to_look(ctx, host, port)
        if serve:
            import uvicorn

            from credo.api.app import create_app

            uvicorn.run(create_app(), host=host, port=port, log_level="warning")
