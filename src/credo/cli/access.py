"""``credo parties`` and ``credo programs``: register relying parties and define programs."""

from __future__ import annotations

import json
from typing import Any

import typer

from credo.cli.common import command, transaction
from credo.cli.options import group, json_option, split_list
from credo.cli.output import console, emit, emit_json, emit_registered
from credo.errors import InvalidInput

#: What the commands print of a program.
PROGRAM_FIELDS = ("id", "name", "purpose", "benefit", "conditions")


def _program(p: Any) -> dict[str, Any]:
    return {name: getattr(p, name) for name in PROGRAM_FIELDS}


def _strict_json(text: str) -> Any:
    """``--conditions`` parsed as the API parses a body: strict JSON (no name given twice in
    one object, no NaN or Infinity, no number of more than 64 digits; ``api.limits``), else
    InvalidInput naming the place (``conditions.0.score_at_least``) and the value."""
    from credo.api.limits import check_json

    refused = check_json(text.encode("utf-8", "surrogatepass"))
    if refused:
        first = refused[0]
        inside = first["field"]
        field = "conditions" if inside == "body" else f"conditions.{inside}"
        raise InvalidInput(
            f"--conditions is not strict JSON: {field}: {first['reason']}",
            details=[{**d, "field": field} for d in refused[:1]],
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"--conditions is not JSON: {exc.msg}",
            details=[{"field": "conditions", "value": text}],
        ) from None


def register(app: typer.Typer) -> None:
    """Add the ``parties`` and ``programs`` command groups to the credo CLI."""
    from credo.access import parties

    parties_app = group(app, "parties", "Register and list relying parties.")
    programs_app = group(app, "programs", "Define and list relying parties' programs.")

    @command(parties_app, "add")
    def parties_add(
        name: str,
        activities: str = typer.Option(
            "", help="Comma-separated restricted activities it enforces, e.g. air_travel."
        ),
        purposes: str = typer.Option(
            "", help="Comma-separated purposes, e.g. deposit_free_rental,fast_checkout."
        ),
        as_json: bool = json_option("Print {id, api_key} as JSON."),
    ) -> None:
        """Register a relying party and print its API key (shown once, stored hashed)."""
        with transaction() as session:
            party, key = parties.add(
                session=session,
                name=name,
                activities=split_list(activities),
                purposes=split_list(purposes),
            )
            party_id, party_name = party.id, party.name
        emit_registered(as_json, "relying party", party_id, party_name, key)

    @command(parties_app, "list")
    def parties_list(as_json: bool = json_option()) -> None:
        """List relying parties with their activities and purposes."""
        with transaction() as session:
            rows: list[dict[str, Any]] = [
                {
                    "id": p.id,
                    "name": p.name,
                    "activities": p.activities,
                    "purposes": p.purposes,
                    "active": p.active,
                }
                for p in parties.list_all(session=session)
            ]
        if as_json:
            emit_json({"parties": rows})
            return
        for row in rows:
            console.print(
                f"{row['id']}  {row['name']}  activities: {', '.join(row['activities']) or '-'}"
                f"  purposes: {', '.join(row['purposes']) or '-'}"
            )

    @command(programs_app, "add")
    def programs_add(
        party: str = typer.Argument(..., help="Relying party id (rp_...)."),
        name: str = typer.Argument(..., help="Program name, unique for the party."),
        purpose: str = typer.Option(..., help="One of the party's purposes."),
        benefit: str = typer.Option(..., help="What an eligible subject gets."),
        conditions: str = typer.Option(
            ..., help="JSON list, all must hold: '[{\"score_at_least\": 600}]'."
        ),
        as_json: bool = json_option("Print the program as JSON."),
    ) -> None:
        """Define a program for a relying party (conditions validated as data)."""
        parsed = _strict_json(conditions)
        with transaction() as session:
            owner = parties.get(session=session, party_id=party)
            program = parties.add_program(
                session=session,
                party=owner,
                name=name,
                purpose=purpose,
                benefit=benefit,
                conditions=parsed,
                actor="operator",
            )
            out = {**_program(program), "party": owner.id}
        emit(as_json, out, f"program {out['id']} ({out['name']}) for {out['party']}")

    @command(programs_app, "list")
    def programs_list(
        party: str = typer.Argument(..., help="Relying party id (rp_...)."),
        as_json: bool = json_option(),
    ) -> None:
        """List a relying party's programs and their conditions."""
        with transaction() as session:
            parties.get(session=session, party_id=party)
            rows = [_program(p) for p in parties.programs_of(session=session, party_id=party)]
        if as_json:
            emit_json({"programs": rows})
            return
        for row in rows:
            console.print(
                f"{row['id']}  {row['name']}  ({row['purpose']}): {json.dumps(row['conditions'])}"
            )
