"""``credo keys``: issue, list and revoke furnisher and relying-party API keys."""

from __future__ import annotations

import typer

from credo.cli.common import command, transaction
from credo.cli.options import group, holder_argument, json_option
from credo.cli.output import emit, iso
from credo.core.decisions import one_of
from credo.errors import NotFound

HOLDERS = ("furnisher", "relying_party")


def register(app: typer.Typer) -> None:
    """Add the ``keys`` command group to the credo CLI."""
    from credo.access import parties
    from credo.access.models import RelyingParty
    from credo.core import credentials
    from credo.furnishers import service as furnishers
    from credo.furnishers.models import Furnisher

    keys_app = group(app, "keys", "Issue, list and revoke API keys.")

    @command(keys_app, "issue")
    def keys_issue(
        kind: str = typer.Argument(..., help="furnisher or relying_party."),
        holder: str = holder_argument(),
        as_json: bool = json_option("Print {id, api_key} as JSON."),
    ) -> None:
        """Issue another key for a furnisher or relying party (shown once, stored hashed)."""
        one_of(kind, HOLDERS, field="kind")
        with transaction() as session:
            if kind == "furnisher":
                key = furnishers.issue_key(session=session, furnisher_id=holder)
            else:
                key = parties.issue_key(session=session, party_id=holder)
        key_id = key.partition(".")[0].split("_", 1)[1]
        emit(
            as_json,
            {"id": key_id, "holder": holder, "api_key": key},
            f"key {key_id} for {holder}: {key}",
        )

    @command(keys_app, "list")
    def keys_list(holder: str = holder_argument(), as_json: bool = json_option(None)) -> None:
        """List a holder's keys (ids and dates only; secrets are never stored)."""
        with transaction() as session:
            if session.get(Furnisher, holder) is None and session.get(RelyingParty, holder) is None:
                raise NotFound(  # an empty list would read as a holder without keys
                    f"no furnisher or relying party {holder!r}",
                    details=[{"field": "holder", "value": holder}],
                )
            rows = [
                {
                    "id": c.id,
                    "kind": c.kind,
                    "created_at": c.created_at.isoformat(),
                    "expires_at": iso(c.expires_at),
                    "revoked_at": iso(c.revoked_at),
                }
                for kind in HOLDERS
                for c in credentials.of_holder(session=session, kind=kind, holder=holder)
            ]
        emit(
            as_json,
            {"keys": rows},
            *(
                f"{row['id']}  {row['kind']}  {row['created_at']}  "
                + (f"revoked {row['revoked_at']}" if row["revoked_at"] else "live")
                for row in rows
            ),
        )

    @command(keys_app, "revoke")
    def keys_revoke(
        key_id: str = typer.Argument(..., help="The key's id: the part between fk_/rk_ and '.'."),
        as_json: bool = json_option(None),
    ) -> None:
        """Revoke a furnisher or relying-party key at once; revoking twice changes nothing."""
        with transaction() as session:
            c = credentials.revoke(session=session, credential_id=key_id, kinds=HOLDERS)
            out = {"id": c.id, "kind": c.kind, "holder": c.holder, "revoked_at": iso(c.revoked_at)}
        emit(as_json, out, f"key {out['id']} of {out['holder']} revoked at {out['revoked_at']}")
