"""The audit trail: every change that matters appends one typed event to a hash chain.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical
JSON, so changing, removing or reordering any entry breaks every hash after it.
``append`` is the one write path; ``verify`` recomputes the chain.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from credo.core import clock
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
    bumped = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(AuditHead(id=1, seq=1, hash=GENESIS))
        session.flush()
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
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
