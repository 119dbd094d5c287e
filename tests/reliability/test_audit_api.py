"""The transparency endpoints and ``credo audit verify``/``checkpoint`` end to end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from credo.api.app import create_app
from credo.cli import audit as audit_cli
from credo.config import get_settings
from credo.core import audit, merkle
from credo.core.db import make_engine
from credo.models import metadata


@dataclass(frozen=True)
class Noted(audit.AuditEvent):
    type: ClassVar[str] = "test.noted"
    n: int


def _fill(engine: Engine, n: int) -> None:
    with Session(engine) as s, s.begin():
        for i in range(n):
            audit.append(s, Noted(i), actor="test")


def test_checkpoint_and_proofs_verify() -> None:
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    _fill(engine, 37)
    app = create_app(get_settings(), engine=engine)
    with TestClient(app) as client:
        head = client.get("/v1/audit/checkpoint").json()
        assert head["tree_size"] == 37
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(head["public_key"]))
        public.verify(bytes.fromhex(head["signature"]), head["signed_note"].encode())
        root = bytes.fromhex(head["root_hash"])
        for seq in (1, 2, 17, 36, 37):
            body = client.get(f"/v1/audit/proof/inclusion?seq={seq}&size=37").json()
            proof = [bytes.fromhex(p) for p in body["proof"]]
            leaf = bytes.fromhex(body["leaf_hash"])
            assert merkle.verify_inclusion(seq - 1, 37, leaf, proof, root)
        _fill(engine, 5)
        later = client.get("/v1/audit/checkpoint").json()
        assert later["tree_size"] == 42
        body = client.get("/v1/audit/proof/consistency?first=37&second=42").json()
        proof = [bytes.fromhex(p) for p in body["proof"]]
        assert merkle.verify_consistency(37, 42, root, bytes.fromhex(later["root_hash"]), proof)
        refused = {
            "inclusion?seq=5&size=99": "size=99 is larger than the log (42 entries)",
            "inclusion?seq=5&size=3": "seq=5 is not in a tree of size 3",
            "inclusion?seq=0&size=3": None,
            "consistency?first=9&second=3": "first=9 is larger than second=3",
            "consistency?first=1&second=99": "second=99 is larger than the log (42 entries)",
        }
        for bad, message in refused.items():
            answer = client.get(f"/v1/audit/proof/{bad}")
            assert answer.status_code == 422, bad
            if message is not None:
                assert answer.json()["error"]["message"] == message, bad


def test_cli_verify_catches_a_rewritten_history(tmp_path: object) -> None:
    url = get_settings().database_url
    engine = make_engine(url)
    metadata.create_all(engine)  # the packaged migrations are checked in tests/core
    _fill(engine, 20)
    app = typer.Typer()
    audit_cli.register(app)
    runner = CliRunner()
    signed = runner.invoke(app, ["audit", "checkpoint", "--json"])
    assert signed.exit_code == 0, signed.output
    ok = runner.invoke(app, ["audit", "verify", "--json"])
    assert ok.exit_code == 0, ok.output
    with engine.begin() as conn:  # an insider rewrites entry 3 and repairs chain and head
        conn.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3"))
    with Session(engine) as s, s.begin():
        prev = audit.GENESIS
        for entry in audit.iter_entries(s):
            entry.prev_hash = prev
            entry.hash = audit.entry_hash(prev, entry.seq, entry.at, entry.event_type,
                                          entry.actor, entry.payload)  # fmt: skip
            prev = entry.hash
        head = s.get(audit.AuditHead, 1)
        assert head is not None
        head.hash = prev
    with Session(engine) as s:
        assert audit.verify(s).ok  # the chain alone is fooled
    broken = runner.invoke(app, ["audit", "verify", "--json"])
    assert broken.exit_code == 1
    assert "root does not match" in broken.output
