"""The ``credo`` command: registry set-up, intake, catalogue, audit, serving."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.exc import SQLAlchemyError

from credo.catalogue import get_catalogue
from credo.cli.access import register as register_access
from credo.cli.audit import register as register_audit
from credo.cli.batch import register as register_batch
from credo.cli.common import (
    StoreNotReady,
    command,
    factory,
    require_store,
    store_url,
    transaction,
)
from credo.cli.demo import register as register_demo
from credo.cli.integrity import register as register_integrity
from credo.cli.keys import register as register_keys
from credo.cli.ledgers import register as register_ledgers
from credo.cli.lists import register as register_lists
from credo.cli.notices import register as register_notices
from credo.cli.options import group, in_range, json_option, split_list
from credo.cli.output import console, counting, emit, emit_registered, emit_table, iso
from credo.cli.register import register as register_register
from credo.cli.rights import register as register_rights
from credo.cli.synth import register as register_synth
from credo.config import get_settings
from credo.errors import CredoError
from credo.furnishers import service as furnishers
from credo.records.bulk import ingest_file
from credo.records.readers import count_rows

app = typer.Typer(help="credo: an accountable credit and trust registry.", no_args_is_help=True)
furnishers_app = group(app, "furnishers", "Register and list furnishers.")
subjects_app = group(app, "subjects", "Issue and revoke subject tokens.")


@command(app)
def init() -> None:
    """Create or migrate the store to the latest schema."""
    from credo.migrations import upgrade

    url = get_settings().database_url
    detail = store_url(url)
    try:
        upgrade(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreNotReady(
            f"cannot create or migrate the store ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else 'no detail'}); check CREDO_DATABASE_URL",
            details=detail,
        ) from None
    console.print(f"store ready at {detail[0]['value']}")


@command(app)
def serve(
    host: str = typer.Option(None, help="Address to listen on (default CREDO_HOST)."),
    port: int = typer.Option(None, help="Port to listen on (default CREDO_PORT)."),
) -> None:
    """Run the HTTP API (OpenAPI at /openapi.json) and the web pages."""
    import uvicorn

    from credo.api.app import create_app

    if port is not None:
        in_range(port, "--port", 1, 65535)
    settings = get_settings()
    # as every command: a store never initialised is said so at once (the server answered
    # 500s and left an empty store file behind)
    require_store(settings.database_url).dispose()
    uvicorn.run(
        create_app(), host=host or settings.host, port=port or settings.port, log_level="warning"
    )


@command(app)
def catalogue(as_json: bool = json_option()) -> None:
    """Print the closed catalogue: categories, who furnishes them, fields and rules."""
    cat = get_catalogue()
    emit_table(
        as_json,
        cat.to_dict(),
        "credo catalogue",
        (
            "category",
            "furnished by",
            "subjects",
            "dimension",
            "keep",
            "public",
            "legal basis",
            "fields",
        ),
        (
            (
                c.id,
                ", ".join(c.furnisher_kinds),
                ", ".join(c.subject_kinds),
                c.dimension,
                f"{c.retention_years} y",
                "yes" if c.public else "no",
                "required" if c.legal_basis_required else "-",
                ", ".join(f.name + ("" if f.required else "?") for f in c.fields),
            )
            for c in cat.categories.values()
        ),
    )


@command(furnishers_app, "add")
def furnishers_add(
    name: str,
    kind: str = typer.Option(..., help="Furnisher kind, e.g. bank, court, regulator."),
    categories: str = typer.Option(..., help="Comma-separated catalogue category ids."),
    as_json: bool = json_option("Print {id, api_key} as JSON."),
) -> None:
    """Register a furnisher and print its API key (shown once, stored hashed)."""
    with transaction() as session:
        furnisher, key = furnishers.add(
            session=session,
            name=name,
            kind=kind,
            categories=split_list(categories),
        )
    emit_registered(as_json, "furnisher", furnisher.id, furnisher.name, key)


@command(furnishers_app, "list")
def furnishers_list(as_json: bool = json_option(None)) -> None:
    """List furnishers and their categories."""
    with transaction() as session:
        rows = [
            {"id": f.id, "name": f.name, "kind": f.kind, "categories": f.categories}
            for f in furnishers.list_all(session=session)
        ]
    emit(
        as_json,
        {"furnishers": rows},
        *(f"{r['id']}  {r['name']}  ({r['kind']}): {', '.join(r['categories'])}" for r in rows),
    )


@command(app)
def ingest(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, JSONL or Parquet."),
    furnisher: str = typer.Option(..., help="Furnisher id the records come from."),
    all_or_nothing: bool = typer.Option(
        False, "--all-or-nothing", help="Accept no row if any row is refused."
    ),
    as_json: bool = json_option("Print the summary as JSON last."),
) -> None:
    """Bulk intake with a per-row error report beside the file; re-running accepts nothing new."""
    try:
        total = count_rows(file)
    except CredoError:
        total = None  # ingest_file says why (and writes the report)
    with counting(file.name, total, label="ingest {task.description}", transient=as_json) as step:
        summary = ingest_file(
            factory=factory(),
            path=file,
            furnisher_id=furnisher,
            all_or_nothing=all_or_nothing,
            progress=step,
        )
    emit(
        as_json,
        summary.to_dict(),
        f"accepted {summary.accepted}, duplicates {summary.duplicates}, "
        f"rejected {summary.rejected}" + (f"; report: {summary.report}" if summary.report else ""),
    )
    if summary.rejected and all_or_nothing:
        raise typer.Exit(1)


@command(subjects_app, "token")
def subjects_token(
    scheme: str,
    identifier: str,
    as_json: bool = json_option("Print {id, token, expires_at} as JSON."),
) -> None:
    """Issue a sign-in token for a subject (shown once, stored hashed; expires)."""
    from credo.subjects import tokens

    with transaction() as session:
        subject, issued = tokens.issue_token(
            session=session, scheme=scheme, value=identifier, days=get_settings().token_days
        )
        subject_id, display = subject.id, subject.display_id
    token, token_id, expires = issued.text, issued.id, issued.expires_at
    assert expires is not None
    emit(
        as_json,
        {"id": subject_id, "token_id": token_id, "token": token, "expires_at": iso(expires)},
        f"token {token_id} for {display} (valid until {expires:%Y-%m-%d}): {token}",
    )


@command(subjects_app, "revoke-token")
def subjects_revoke_token(
    token_id: str = typer.Argument(..., help="The token's id: the part between st_ and '.'."),
    as_json: bool = json_option(None),
) -> None:
    """Revoke a subject's sign-in token at once; revoking twice changes nothing."""
    from credo.subjects import tokens

    with transaction() as session:
        revoked_at = iso(tokens.revoke(session=session, token_id=token_id).revoked_at)
    emit(
        as_json,
        {"token_id": token_id, "revoked_at": revoked_at},
        f"token {token_id} revoked at {revoked_at}",
    )


register_synth(app)
register_batch(app)
register_rights(app)
register_lists(app)
register_access(app)
register_keys(app)
register_audit(app)
register_integrity(app)
register_ledgers(app)
register_register(app)
register_notices(app)
register_demo(app)
