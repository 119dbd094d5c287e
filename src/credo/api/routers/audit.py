"""Public transparency endpoints: the signed checkpoint of the audit log and Merkle proofs.

They reveal only sizes and hashes (never an entry's content), so anyone holding a signed
checkpoint can check that later checkpoints extend it and that a given entry is in the log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError

from credo.api.deps import SessionDep, SettingsDep
from credo.core import audit, merkle
from credo.errors import InvalidInput

router = APIRouter(prefix="/v1/audit", tags=["audit"])


class Checkpoint(BaseModel):
    """A signed tree head: Ed25519 over ``signed_note`` (UTF-8)."""

    tree_size: int = Field(ge=0)
    root_hash: str = Field(description="Hex SHA-256 Merkle tree hash (RFC 6962).")
    signed_at: str
    key_id: str = Field(description="Hex SHA-256 of the raw Ed25519 public key.")
    public_key: str = Field(description="Hex raw Ed25519 public key (pin it out of band).")
    signature: str = Field(description="Hex Ed25519 signature over signed_note.")
    signed_note: str


class InclusionProof(BaseModel):
    seq: int
    leaf_index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    proof: list[str]


class ConsistencyProof(BaseModel):
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


def _leaves(session: SessionDep, *, size: int, field: str) -> list[bytes]:
    """The leaf hashes of the first ``size`` entries, refused naming ``field`` when the log is
    shorter."""
    leaves = audit.leaf_hashes(session, size)
    if len(leaves) < size:
        raise InvalidInput(
            f"{field}={size} is larger than the log ({len(leaves)} entries)",
            code="tree_too_small",
            details=[{"field": field, "value": size, "reason": "beyond the log's size"}],
        )
    return leaves


@router.get("/checkpoint", summary="The latest signed checkpoint (tree size and root)")
def checkpoint(session: SessionDep, settings: SettingsDep) -> Checkpoint:
    key = audit.load_or_create_key(audit.key_path(settings))
    try:
        row = audit.checkpoint(session, key)  # flushes; the unit of work commits
    except OperationalError:
        # SQLite cannot upgrade this read to a write while another writer committed in
        # between (WAL busy snapshot): sign again in a fresh transaction
        session.rollback()
        row = audit.checkpoint(session, key)
    return Checkpoint(
        tree_size=row.tree_size,
        root_hash=row.root_hash,
        signed_at=row.signed_at,
        key_id=row.key_id,
        public_key=audit.public_hex(key.public_key()),
        signature=row.signature,
        signed_note=audit.signed_note(row.tree_size, row.root_hash, row.signed_at).decode(),
    )


@router.get("/proof/inclusion", summary="Merkle audit path of entry seq in the tree of size")
def inclusion(
    session: SessionDep,
    seq: Annotated[int, Query(ge=1, le=2**62, description="Entry number (1-based).")],
    size: Annotated[int, Query(ge=1, le=2**62, description="Tree size (a checkpoint's).")],
) -> InclusionProof:
    if seq > size:
        raise InvalidInput(
            f"seq={seq} is not in a tree of size {size}",
            details=[{"field": "seq", "value": seq, "reason": "must be <= size"}],
        )
    leaves = _leaves(session, size=size, field="size")
    proof = merkle.inclusion_proof(seq - 1, leaves)
    return InclusionProof(
        seq=seq,
        leaf_index=seq - 1,
        tree_size=size,
        leaf_hash=leaves[seq - 1].hex(),
        root_hash=merkle.root(leaves).hex(),
        proof=[p.hex() for p in proof],
    )


@router.get("/proof/consistency", summary="Merkle consistency proof between two tree sizes")
def consistency(
    session: SessionDep,
    first: Annotated[int, Query(ge=1, le=2**62, description="The older tree size.")],
    second: Annotated[int, Query(ge=1, le=2**62, description="The newer tree size.")],
) -> ConsistencyProof:
    if first > second:
        raise InvalidInput(
            f"first={first} is larger than second={second}",
            details=[{"field": "first", "value": first, "reason": "must be <= second"}],
        )
    leaves = _leaves(session, size=second, field="second")
    return ConsistencyProof(
        first=first,
        second=second,
        first_root=merkle.root(leaves[:first]).hex(),
        second_root=merkle.root(leaves).hex(),
        proof=[p.hex() for p in merkle.consistency_proof(first, leaves)],
    )
