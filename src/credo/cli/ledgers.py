"""``credo ledgers``: check, install and list point-ledger policies; explain a balance.

``validate`` and ``apply`` print every problem as ``FILE:LINE: reason`` on stderr and exit 1;
a refused policy leaves the one in force untouched. ``demo_setup`` and ``demo_step`` are
what ``credo demo`` uses to install the example policy and opt a few subjects in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.cli.common import command, factory, transaction
from credo.cli.options import group, json_option, parse_date
from credo.cli.output import console, emit_json, emit_table, print_table
from credo.ledgers import policy as P
from credo.ledgers import service

#: The example city policy (a source checkout's ``examples/``).
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "city-ledger.toml"


@contextmanager
def _policy_problems() -> Iterator[None]:
    """A PolicyError inside becomes every problem on stderr and exit code 1."""
    try:
        yield
    except P.PolicyError as exc:
        for line in exc.lines():
            typer.echo(line, err=True)
        raise typer.Exit(1) from None


def _check(path: str) -> P.Policy:
    """The parsed policy, or every problem on stderr and exit code 1."""
    with _policy_problems():
        return P.read(path)


def demo_setup(
    *, session: Session, path: str | Path = EXAMPLE, persons: int = 20, organisations: int = 5
) -> dict[str, Any]:
    """Install the example policy and opt in subjects with records its rules read (and others)."""
    from credo.access import consents
    from credo.records.models import Record
    from credo.subjects.models import Subject

    policy = P.read(str(path))
    service.install(session=session, policy=policy, file=str(path), actor="demo")
    categories = sorted({r.category for r in policy.rules})
    chosen: list[int] = []
    for kind, n in (("person", persons), ("organisation", organisations)):
        with_records = session.execute(
            select(Record.subject_id)
            .join(Subject, Subject.id == Record.subject_id)
            .where(Record.category.in_(categories), Subject.kind == kind)
            .distinct()
            .order_by(Record.subject_id)
            .limit(n - n // 4)
        ).scalars()
        picked = list(with_records)
        others = session.execute(
            select(Subject.id)
            .where(Subject.kind == kind, Subject.id.not_in(picked or [0]))
            .order_by(Subject.id)
            .limit(n - len(picked))
        ).scalars()
        chosen += picked + list(others)
    scope = service.SCOPE_PREFIX + policy.scheme
    for subject_id in chosen:
        consents.grant(session=session, subject_id=subject_id, scope=scope)
    return {"scheme": policy.scheme, "version": policy.version, "opted_in": chosen}


def demo_step(ctx: Any) -> None:
    """``credo demo`` step (before its refresh): the example policy and a few opt-ins."""
    with factory()() as session, session.begin():
        done = demo_setup(session=session)
    ctx.notes.append(
        f"ledger {done['scheme']} v{done['version']}: {len(done['opted_in'])} subjects opted in; "
        f"try `credo ledgers show {done['scheme']} <scheme> <id>`"
    )


def _policy_file() -> Any:
    """The ``FILE`` argument of the commands that read a policy."""
    return typer.Argument(..., help="Policy file (TOML).")


def parse_date_on(value: str | None) -> dt.date | None:
    return parse_date(value, "--on")


def register(app: typer.Typer) -> None:
    """Add the ``ledgers`` command group to the credo CLI."""
    ledgers_app = group(app, "ledgers", "City point-ledger policies and balances.")

    @command(ledgers_app, "validate")
    def validate(file: str = _policy_file(), as_json: bool = json_option()) -> None:
        """Check a policy without installing it (exit 1 with FILE:LINE: reason per problem)."""
        policy = _check(file)
        if as_json:
            emit_json({"file": file, "valid": True, **policy.to_dict()})
            return
        console.print(
            f"{file}: valid — scheme {policy.scheme} version {policy.version}, "
            f"{len(policy.rules)} rules, base {policy.base}",
            markup=False,
        )

    @command(ledgers_app, "apply")
    def apply(file: str = _policy_file(), as_json: bool = json_option()) -> None:
        """Install a policy as its scheme's next version (computed by the next refresh)."""
        policy = _check(file)
        with _policy_problems(), transaction() as session:
            row = service.install(session=session, policy=policy, file=file)
            data = {"scheme": row.scheme, "version": row.version, "digest": row.digest}
        if as_json:
            emit_json(data)
            return
        console.print(
            f"installed {data['scheme']} version {data['version']}; "
            "`credo refresh` computes the ledgers",
            markup=False,
        )

    @command(ledgers_app, "policies")
    def policies(as_json: bool = json_option()) -> None:
        """List installed policy versions (the newest of each scheme is in force)."""
        with transaction() as session:
            rows = service.policies(session=session)
        emit_table(
            as_json,
            {"policies": rows},
            "ledger policies",
            ("scheme", "version", "title", "in force", "installed"),
            (
                (
                    r["scheme"],
                    str(r["version"]),
                    r["title"],  # a policy's text: print_table prints it as text
                    "yes" if r["in_force"] else "",
                    r["installed_at"][:19],
                )
                for r in rows
            ),
        )

    @command(ledgers_app, "show")
    def show(
        scheme: str = typer.Argument(..., help="Ledger scheme, e.g. city."),
        subject_scheme: str = typer.Argument(..., help="Identifier scheme: cn_ric, cn_uscc, ..."),
        subject_id: str = typer.Argument(..., help="The subject's identifier."),
        on: str | None = typer.Option(None, "--on", help="Day YYYY-MM-DD (default today)."),
        as_json: bool = json_option(),
    ) -> None:
        """Explain a subject's balance entry by entry: record, rule, points, counts until."""
        from credo.subjects import service as subjects

        day = parse_date_on(on)
        with transaction() as session:
            subject = subjects.find(session=session, scheme=subject_scheme, value=subject_id)
            data = service.explain(session=session, subject_id=subject.id, scheme=scheme, on=day)
        if as_json:
            emit_json(data)
            return
        out = Console()
        out.print(
            f"{scheme} (policy v{data['policy_version']}) on {data['on']}: base {data['base']}, "
            f"balance [bold]{data['balance']}[/bold], grade [bold]{data['grade']}[/bold]"
        )
        print_table(
            "entries",
            ("record", "category", "occurred", "rule", "points", "counts until", "basis"),
            (
                (
                    str(e["record_id"])
                    + ("" if e["record_state"] in (None, "active") else f" ({e['record_state']})"),
                    e["category"] or "",
                    e["occurred_on"],
                    e["rule"],
                    f"{e['points']:+d}",
                    e["counts_until"],
                    e["legal_basis"],  # a policy's text: print_table prints it as text
                )
                for e in data["entries"]
            ),
        )
        for e in data["left_out"]:  # computed, but no longer counting: say which and why
            out.print(
                f"left out of the balance: record {e['record_id']} ({e['category'] or '-'}, "
                f"{e['occurred_on']}), rule {e['rule']}, {e['points']:+d} points: {e['why']}",
                markup=False,
            )
        for h in data["history"]:
            out.print(
                f"earlier: grade {h['grade']} ({h['balance']}) under v{h['policy_version']} "
                f"as of {h['as_of']}, replaced {h['replaced_on']} ({h['reason']})"
            )
        out.print(data["note"])
