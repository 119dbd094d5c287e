"""``credo audit``: check the hash chain and the signed Merkle checkpoints; sign a checkpoint."""

from __future__ import annotations

import random
from typing import Any

import httpx
import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credo.cli.common import command, transaction
from credo.cli.options import json_option
from credo.cli.output import console, emit, emit_json
from credo.config import get_settings
from credo.core import audit, merkle
from credo.errors import InvalidInput
from credo.records import binding

audit_app = typer.Typer(help="Check the audit log and sign checkpoints.", no_args_is_help=True)


def _public_key(hex_key: str | None) -> Ed25519PublicKey | None:
    """The pinned key: ``--public-key`` if given, else the local signing key's, else none."""
    if hex_key:
        try:
            return Ed25519PublicKey.from_public_bytes(bytes.fromhex(hex_key))
        except ValueError:
            raise InvalidInput(
                f"--public-key {hex_key!r} is not an Ed25519 public key: 64 hexadecimal digits",
                details=[{"field": "public_key", "value": hex_key}],
            ) from None
    path = audit.key_path(get_settings())
    return audit.load_or_create_key(path).public_key() if path.exists() else None


def check_remote(url: str, public: Ed25519PublicKey | None, samples: int = 32) -> list[str]:
    """Fetch a server's checkpoint and proofs and check them against the local log."""
    problems: list[str] = []
    with httpx.Client(base_url=url.rstrip("/"), timeout=30) as client:
        head: dict[str, Any] = client.get("/v1/audit/checkpoint").raise_for_status().json()
        size, root = int(head["tree_size"]), bytes.fromhex(head["root_hash"])
        if public is not None:
            row = audit.AuditCheckpoint(
                tree_size=size,
                root_hash=head["root_hash"],
                signed_at=head["signed_at"],
                key_id=head["key_id"],
                signature=head["signature"],
            )
            if not audit.signature_ok(row, public):
                problems.append("server checkpoint: signature does not verify with the pinned key")
        with transaction() as session:
            leaves = audit.leaf_hashes(session)
            stored = [r.tree_size for r in session.query(audit.AuditCheckpoint).all()]
        if size == 0:
            return problems
        rng = random.Random(size)
        for seq in sorted({size, 1, *rng.sample(range(1, size + 1), min(samples, size))}):
            got = client.get("/v1/audit/proof/inclusion", params={"seq": seq, "size": size})
            body = got.raise_for_status().json()
            proof = [bytes.fromhex(p) for p in body["proof"]]
            leaf = leaves[seq - 1] if seq <= len(leaves) else bytes.fromhex(body["leaf_hash"])
            if not merkle.verify_inclusion(seq - 1, size, leaf, proof, root):
                problems.append(f"entry {seq}: inclusion proof does not verify")
        for first in sorted({s for s in stored if 0 < s <= size}):
            got = client.get("/v1/audit/proof/consistency", params={"first": first, "second": size})
            body = got.raise_for_status().json()
            proof = [bytes.fromhex(p) for p in body["proof"]]
            old = merkle.root(leaves[:first])
            if not merkle.verify_consistency(first, size, old, root, proof):
                problems.append(f"checkpoint size {first}: consistency proof does not verify")
    return problems


@command(audit_app, "verify")
def audit_verify(
    as_json: bool = json_option(None),
    public_key: str = typer.Option(
        None, help="Hex Ed25519 public key to check signatures with (default: the local key's)."
    ),
    url: str = typer.Option(
        None, help="Also fetch this server's checkpoint and proofs and check them."
    ),
) -> None:
    """Recompute the hash chain, every signed checkpoint and every stored record version
    against the log; exit 1 naming what does not match."""
    public = _public_key(public_key)
    with console.status("checking the audit log and every record version"), transaction() as s:
        result = audit.verify_all(s, public)
        records = binding.verify(s)
    report = result.to_dict()
    report["signatures_checked"] = public is not None
    report["records_checked"] = True
    if records:
        report["problems"] = [*report["problems"], *records]
        report["ok"] = False
        report["reason"] = report["reason"] or records[0]
    if url:
        try:
            with console.status(f"checking {url}'s proofs"):
                remote = check_remote(url, public)
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(
                f"--url {url!r}: cannot check the server's proofs ({type(exc).__name__}: {exc})",
                details=[{"field": "url", "value": url}],
            ) from None
        report["problems"] = [*report["problems"], *remote]
        report["ok"] = report["ok"] and not remote
        report["reason"] = report["reason"] or (remote[0] if remote else None)
    if as_json:
        emit_json(report)
    elif report["ok"]:
        console.print(
            f"audit log ok: {result.chain.checked} entries, {result.checkpoints} checkpoints, "
            f"every record version bound, root {result.root_hash[:16]}…"
        )
    else:
        if not result.chain.ok:
            console.print(
                f"[red]audit log broken at entry {result.chain.first_bad_seq}[/red]: "
                f"{result.chain.reason}"
            )
        for problem in report["problems"]:
            console.print(f"[red]{problem}[/red]")
    if not report["ok"]:
        raise typer.Exit(1)


@command(audit_app, "checkpoint")
def audit_checkpoint(as_json: bool = json_option(None)) -> None:
    """Sign the Merkle tree's current size and root with the registry key and store it."""
    key = audit.load_or_create_key(audit.key_path(get_settings()))
    with transaction() as session:
        row = audit.checkpoint(session, key)
        data = {
            "tree_size": row.tree_size,
            "root_hash": row.root_hash,
            "signed_at": row.signed_at,
            "key_id": row.key_id,
            "public_key": audit.public_hex(key.public_key()),
            "signature": row.signature,
        }
    emit(as_json, data, f"checkpoint: {data['tree_size']} entries, root {data['root_hash']}")


def register(app: typer.Typer) -> None:
    """Add the ``audit`` sub-app to the ``credo`` command."""
    app.add_typer(audit_app, name="audit")
