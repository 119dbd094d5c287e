"""``credo keys``: issue, list and revoke furnisher and relying-party API keys."""

from __future__ import annotations

import typer

from credo.cli.common import console, emit_json, handle_errors, transaction
from credo.errors import InvalidInput

HOLDERS = ("furnisher", "relying_party")


def register(app: typer.Typer) -> None:
    """Add the ``keys`` command group to the credo CLI."""
    from credo.access import parties
    from credo.core import credentials
    from credo.furnishers import service as furnishers

    keys_app = typer.Typer(help="Issue, list and revoke API keys.", no_args_is_help=True)
    app.add_typer(keys_app, name="keys")

    @keys_app.command("issue")
    @handle_errors
    def keys_issue(
        kind: str = typer.Argument(..., help="furnisher or relying_party."),
        holder: str = typer.Argument(..., help="The furnisher's or relying party's id."),
        as_json: bool = typer.Option(False, "--json", help="Print {id, api_key} as JSON."),
    ) -> None:
        """Issue another key for a furnisher or relying party (shown once, stored hashed)."""
        with transaction() as session:
            if kind == "furnisher":
                key = furnishers.issue_key(session=session, furnisher_id=holder)
            elif kind == "relying_party":
                key = parties.issue_key(session=session, party_id=holder)
            else:
                raise InvalidInput(
                    f"kind {kind!r} is not one of {', '.join(HOLDERS)}",
                    details=[{"field": "kind", "value": kind}],
                )
        key_id = key.partition(".")[0].split("_", 1)[1]
        if as_json:
            emit_json({"id": key_id, "holder": holder, "api_key": key})
        else:
            console.print(f"key {key_id} for {holder}: {key}")

    @keys_app.command("list")
    @handle_errors
    def keys_list(
        holder: str = typer.Argument(..., help="The furnisher's or relying party's id."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """List a holder's keys (ids and dates only; secrets are never stored)."""
        with transaction() as session:
            rows = [
                {
                    "id": c.id,
                    "kind": c.kind,
                    "created_at": c.created_at.isoformat(),
                    "expires_at": c.expires_at.isoformat() if c.expires_at else None,
                    "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
                }
                for kind in HOLDERS
                for c in credentials.of_holder(session=session, kind=kind, holder=holder)
            ]
        if as_json:
            emit_json({"keys": rows})
        else:
            for row in rows:
                state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "live"
                console.print(f"{row['id']}  {row['kind']}  {row['created_at']}  {state}")

    @keys_app.command("revoke")
    @handle_errors
    def keys_revoke(
        key_id: str = typer.Argument(..., help="The key's id: the part between fk_/rk_ and '.'."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Revoke a furnisher or relying-party key at once; revoking twice changes nothing."""
        with transaction() as session:
            credential = credentials.revoke(session=session, credential_id=key_id, kinds=HOLDERS)
            out = {
                "id": credential.id,
                "kind": credential.kind,
                "holder": credential.holder,
                "revoked_at": credential.revoked_at.isoformat() if credential.revoked_at else None,
            }
        if as_json:
            emit_json(out)
        else:
            console.print(f"key {out['id']} of {out['holder']} revoked at {out['revoked_at']}")
