"""Tamper-evidence: random mutations of stored audit entries are all detected, untouched logs never.

Two attackers: a naive one edits rows in place; a strong one with write access to the whole
database also recomputes the hash chain and its head afterwards, so only the signed Merkle
checkpoints can catch it. The strong attacker is only given edits before the last checkpoint:
entries appended after it are, by design, protected by the chain alone until the next one.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from credo.core import audit, clock
from credo.models import metadata
from tests.reliability.settings import pick

ENTRIES = 160
CHECKPOINTS = (40, 97, 128, 150)  # the last checkpoint leaves a 10-entry unsigned tail
KINDS = ("flip", "delete", "reorder", "truncate", "insert")
COLUMNS = ("at", "event_type", "actor", "payload", "prev_hash", "hash")


@dataclass(frozen=True)
class Noted(audit.AuditEvent):
    type: ClassVar[str] = "test.noted"
    n: int
    note: str


def build_template(key: Ed25519PrivateKey) -> sqlite3.Connection:
    mem = sqlite3.connect(":memory:", check_same_thread=False)
    engine = create_engine("sqlite://", creator=lambda: mem, poolclass=StaticPool)
    metadata.create_all(engine)
    rng = random.Random(7)
    with Session(engine) as session, session.begin():
        for n in range(1, ENTRIES + 1):
            audit.append(session, Noted(n, "x" * rng.randint(0, 40)), actor=f"actor-{n % 7}")
            if n in CHECKPOINTS:
                audit.checkpoint(session, key)
    return mem


def copy_of(template: sqlite3.Connection) -> sqlite3.Connection:
    mem = sqlite3.connect(":memory:", check_same_thread=False)
    template.backup(mem)
    return mem


def check(mem: sqlite3.Connection, key: Ed25519PrivateKey) -> bool:
    engine = create_engine("sqlite://", creator=lambda: mem, poolclass=StaticPool)
    with Session(engine) as session:
        return audit.verify_all(session, key.public_key()).ok


def rows(mem: sqlite3.Connection) -> list[list[object]]:
    cur = mem.execute(
        "SELECT seq, at, event_type, actor, payload, prev_hash, hash FROM audit_log ORDER BY seq"
    )
    return [list(r) for r in cur]


def rewrite(mem: sqlite3.Connection, new_rows: list[list[object]], rechain: bool) -> None:
    """Store ``new_rows`` as the log, renumbered; the strong attacker also rebuilds the chain."""
    prev = audit.GENESIS
    for i, row in enumerate(new_rows, start=1):
        row[0] = i
        if rechain:
            row[5] = prev
            row[6] = audit.entry_hash(prev, i, *row[1:5])  # type: ignore[arg-type]
            prev = str(row[6])
    mem.execute("DELETE FROM audit_log")
    mem.executemany("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?)", new_rows)
    if rechain:
        mem.execute("UPDATE audit_head SET seq = ?, hash = ?", (len(new_rows), prev))
    mem.commit()


def flip(value: str, rng: random.Random) -> str:
    i = rng.randrange(len(value))
    choices = [c for c in "0123456789abcdefXYZ{}\",:" if c != value[i]]
    return value[:i] + rng.choice(choices) + value[i + 1 :]


def mutate(mem: sqlite3.Connection, kind: str, rechain: bool, rng: random.Random) -> None:
    current = rows(mem)
    limit = CHECKPOINTS[-1] if rechain else len(current)  # strong attacker: signed prefix only
    i = rng.randrange(limit)
    if kind == "flip":
        column = rng.randrange(1, 7) if not rechain else rng.randrange(1, 5)
        current[i][column] = flip(str(current[i][column]), rng)
    elif kind == "delete":
        del current[i]
    elif kind == "reorder":
        j = rng.choice([x for x in range(limit) if x != i and current[x][1:5] != current[i][1:5]])
        current[i], current[j] = current[j], current[i]
    elif kind == "truncate":
        del current[i:]
    elif kind == "insert":
        forged = list(current[i])
        forged[4] = forged[4][:-1] + ',"forged":1}' if forged[4] else '{"forged":1}'
        current.insert(i, forged)
    rewrite(mem, current, rechain)


def test_every_mutation_is_detected_and_untouched_logs_pass() -> None:
    clock.freeze(None)
    key = Ed25519PrivateKey.generate()
    template = build_template(key)
    assert check(copy_of(template), key), "the untouched log must verify"
    rng = random.Random(20261121)
    total = pick(500, 5000)
    missed: list[tuple[str, bool]] = []
    done: Counter[tuple[str, bool]] = Counter()
    false_alarms = 0
    for n in range(total):
        kind, rechain = KINDS[n % len(KINDS)], bool(n // len(KINDS) % 2)
        mem = copy_of(template)
        mutate(mem, kind, rechain, rng)
        done[(kind, rechain)] += 1
        if check(mem, key):
            missed.append((kind, rechain))
        if n % 10 == 0:  # an untouched copy in between: never a false alarm
            false_alarms += not check(copy_of(template), key)
    assert sum(done.values()) == total
    assert not missed, f"undetected mutations: {Counter(missed)}"
    assert false_alarms == 0


def test_a_wrong_key_or_forged_checkpoint_is_detected() -> None:
    key = Ed25519PrivateKey.generate()
    mem = copy_of(build_template(key))
    assert not check(mem, Ed25519PrivateKey.generate())
    mem.execute("UPDATE audit_checkpoints SET root_hash = ? WHERE id = 2", ("ab" * 32,))
    mem.commit()
    assert not check(mem, key)
