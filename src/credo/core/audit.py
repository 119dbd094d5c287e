"""The audit trail: every change that matters appends one typed event to a hash chain.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical
JSON, so changing, removing or reordering any entry breaks every hash after it.
``append`` is the one write path; ``verify`` recomputes the chain.

The same entries are also the leaves of an RFC 6962 Merkle tree (``credo.core.merkle``):
``checkpoint`` signs the tree's size and root with the registry's Ed25519 key and stores it
in ``audit_checkpoints``, and ``verify_all`` checks the chain, every checkpoint's signature
and root, and the consistency of each checkpoint with the next. A signed checkpoint held by
anyone outside the registry makes rewriting, truncating or reordering the log before it
detectable even by someone who could also rewrite the chain and its head.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import BigInteger, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from credo.core import clock, merkle
from credo.core.db import Base

GENESIS = "0" * 64


class AuditEntry(Base):
    """One link of the chain."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """A single row holding the chain's head; updating it first serialises appenders."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed statement of the Merkle tree's size and root at one moment."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, index=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))


@dataclass(frozen=True)
class AuditEvent:
    """Base of typed audit events; subclasses set ``type`` and declare their fields."""

    type: ClassVar[str] = "event"

    def payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def canonical(data: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, seq: int, at: str, event_type: str, actor: str, payload: str) -> str:
    """The hash of one entry, chained to the previous one."""
    body = canonical([seq, at, event_type, actor, payload])
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def append(session: Session, event: AuditEvent, *, actor: str) -> AuditEntry:
    """Append an event inside the caller's transaction (commits with the change it records)."""
    # no ORM synchronisation: scanning the identity map made big transactions quadratic;
    # the head is re-read below with populate_existing instead
    bumped = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1),
        execution_options={"synchronize_session": False},
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(AuditHead(id=1, seq=1, hash=GENESIS))
        session.flush()
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).scalar_one()
    seq, prev = head.seq, head.hash
    at = clock.now().isoformat()
    payload = canonical(event.payload())
    digest = entry_hash(prev, seq, at, event.type, actor, payload)
    entry = AuditEntry(
        seq=seq,
        at=at,
        event_type=event.type,
        actor=actor,
        payload=payload,
        prev_hash=prev,
        hash=digest,
    )
    session.add(entry)
    head.hash = digest
    session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a chain check: entries checked and the first that does not match."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None


def iter_entries(session: Session, batch: int = 10_000) -> Iterator[AuditEntry]:
    """Entries in chain order, fetched in batches."""
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.seq > last)
                .order_by(AuditEntry.seq)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(session: Session) -> VerifyResult:
    """Recompute the chain; name the first entry whose link or hash does not match."""
    prev, expected_seq, checked = GENESIS, 1, 0
    for entry in iter_entries(session):
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, entry.seq, f"expected entry {expected_seq}")
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, entry.seq, "previous hash does not match")
        digest = entry_hash(prev, entry.seq, entry.at, entry.event_type, entry.actor, entry.payload)
        if digest != entry.hash:
            return VerifyResult(False, checked, entry.seq, "entry hash does not match its content")
        prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(False, checked, checked + 1, "log is shorter than its head")
    return VerifyResult(True, checked)


# --- Merkle tree over the log, signed checkpoints ------------------------------------------

NOTE_ORIGIN = "credo/audit/v1"


def entry_bytes(entry: AuditEntry) -> bytes:
    """The bytes an entry contributes as a Merkle leaf: its canonical JSON body."""
    body = canonical([entry.seq, entry.at, entry.event_type, entry.actor, entry.payload])
    return body.encode()


def size(session: Session) -> int:
    """The number of entries in the log."""
    return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def leaf_hashes(session: Session, tree_size: int | None = None) -> list[bytes]:
    """Leaf hashes of the first ``tree_size`` entries (all by default), in seq order."""
    leaves: list[bytes] = []
    for entry in iter_entries(session):
        if tree_size is not None and len(leaves) >= tree_size:
            break
        leaves.append(merkle.leaf_hash(entry_bytes(entry)))
    return leaves


def signed_note(tree_size: int, root_hash: str, signed_at: str) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    return f"{NOTE_ORIGIN}\n{tree_size}\n{root_hash}\n{signed_at}\n".encode()


def key_id(public: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: names the key that signed a checkpoint."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_hex(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def load_or_create_key(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """The checkpoint signing key at ``path``; generated (mode 0600) on first use."""
    target = Path(path)
    if target.exists():
        key = serialization.load_pem_private_key(target.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{target} does not hold an Ed25519 private key")
        return key
    target.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # write a private temporary file, then link it into place: the key appears whole or not
    # at all, and when two processes race on first use both end up with the same key
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, target)
    except FileExistsError:
        return load_or_create_key(target)
    finally:
        temporary.unlink()
    return key


def key_path(settings: Any) -> Path:
    """Where the signing key lives: ``audit_key_path`` if set, else under the data folder."""
    configured = getattr(settings, "audit_key_path", None)
    return Path(configured) if configured else Path(settings.data_dir) / "audit-checkpoint.key"


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return (
        session.execute(
            select(AuditCheckpoint).order_by(
                AuditCheckpoint.tree_size.desc(), AuditCheckpoint.id.desc()
            )
        )
        .scalars()
        .first()
    )


def checkpoint(session: Session, key: Ed25519PrivateKey) -> AuditCheckpoint:
    """Sign and store the tree's current size and root (the latest is reused if nothing changed)."""
    # take the writers' lock first, as ``append`` does: reading then writing would let
    # SQLite refuse the upgrade (busy snapshot) when an appender committed in between
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq),
        execution_options={"synchronize_session": False},
    )
    leaves = leaf_hashes(session)
    latest = latest_checkpoint(session)
    if latest is not None and latest.tree_size == len(leaves):
        return latest
    root_hex = merkle.root(leaves).hex()
    at = clock.now().isoformat()
    signature = key.sign(signed_note(len(leaves), root_hex, at)).hex()
    row = AuditCheckpoint(
        tree_size=len(leaves),
        root_hash=root_hex,
        signed_at=at,
        key_id=key_id(key.public_key()),
        signature=signature,
    )
    session.add(row)
    session.flush()
    return row


def signature_ok(row: AuditCheckpoint, public: Ed25519PublicKey) -> bool:
    """Whether ``row`` was signed by ``public`` over exactly its size, root and time."""
    try:
        public.verify(
            bytes.fromhex(row.signature), signed_note(row.tree_size, row.root_hash, row.signed_at)
        )
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class FullResult:
    """Outcome of the chain check plus the Merkle checkpoint checks."""

    chain: VerifyResult
    tree_size: int
    root_hash: str
    checkpoints: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.chain.checked,
            "first_bad_seq": self.chain.first_bad_seq,
            "reason": self.chain.reason or (self.problems[0] if self.problems else None),
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "checkpoints": self.checkpoints,
            "problems": self.problems,
        }


def verify_all(session: Session, public: Ed25519PublicKey | None = None) -> FullResult:
    """The chain, then each checkpoint: signature, recomputed root, consistency with the next.

    Without ``public`` the signatures are not checked (only roots and consistency).
    """
    chain = verify(session)
    leaves = leaf_hashes(session)
    problems: list[str] = []
    rows = (
        session.execute(
            select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size, AuditCheckpoint.id)
        )
        .scalars()
        .all()
    )
    previous: tuple[int, bytes] | None = None
    for row in rows:
        label = f"checkpoint {row.id} (size {row.tree_size})"
        if public is not None and (row.key_id != key_id(public) or not signature_ok(row, public)):
            problems.append(f"{label}: signature does not verify")
        if row.tree_size > len(leaves):
            problems.append(f"{label}: the log holds only {len(leaves)} entries")
            continue
        signed_root = bytes.fromhex(row.root_hash) if len(row.root_hash) == 64 else b""
        if merkle.root(leaves[: row.tree_size]) != signed_root:
            problems.append(f"{label}: root does not match the log's first {row.tree_size} entries")
            continue
        if previous is not None and previous[0] > 0:
            proof = merkle.consistency_proof(previous[0], leaves[: row.tree_size])
            if not merkle.verify_consistency(
                previous[0], row.tree_size, previous[1], signed_root, proof
            ):
                problems.append(f"{label}: not consistent with the checkpoint before it")
        previous = (row.tree_size, signed_root)
    return FullResult(chain, len(leaves), merkle.root(leaves).hex(), len(rows), problems)
