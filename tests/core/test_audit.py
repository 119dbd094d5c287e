"""The audit chain: appends link, verify finds the first broken entry, nothing else."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit


@dataclass(frozen=True)
class Noted(audit.AuditEvent):
    type = "test.noted"
    n: int


def _append(factory: sessionmaker[Session], count: int) -> None:
    for n in range(count):
        with factory() as s, s.begin():
            audit.append(s, Noted(n), actor="test")


def test_chain_links_and_verifies(factory: sessionmaker[Session]) -> None:
    _append(factory, 5)
    with factory() as s:
        entries = s.execute(select(audit.AuditEntry).order_by(audit.AuditEntry.seq)).scalars().all()
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        assert entries[0].prev_hash == audit.GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
        assert audit.verify(s) == audit.VerifyResult(True, 5)


def test_rolled_back_change_leaves_no_entry(factory: sessionmaker[Session]) -> None:
    _append(factory, 2)
    with factory() as s:
        s.begin()
        audit.append(s, Noted(99), actor="test")
        s.rollback()
    with factory() as s:
        assert audit.verify(s).checked == 2


def test_edited_payload_is_named(factory: sessionmaker[Session]) -> None:
    _append(factory, 4)
    with factory() as s, s.begin():
        s.execute(update(audit.AuditEntry).where(audit.AuditEntry.seq == 3)
                  .values(payload='{"n":42}'))
    with factory() as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_seq == 3 and result.checked == 2


def test_deleted_entry_is_named(factory: sessionmaker[Session]) -> None:
    _append(factory, 4)
    with factory() as s, s.begin():
        s.execute(delete(audit.AuditEntry).where(audit.AuditEntry.seq == 2))
    with factory() as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_seq == 3


def test_truncated_tail_is_detected(factory: sessionmaker[Session]) -> None:
    _append(factory, 4)
    with factory() as s, s.begin():
        s.execute(delete(audit.AuditEntry).where(audit.AuditEntry.seq == 4))
    with factory() as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_seq == 4
