"""The list derivation over a snapshot on the engine equals the derivation over the store."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from credo.batch.lists import derive_snapshot
from credo.lists import rules as R
from credo.lists.derive import derive
from credo.lists.service import _facts
from tests.batch.conftest import IBIS_DUCKDB, read
from tests.batch.registry import Registry

pytestmark = IBIS_DUCKDB
AS_OF = dt.date(2026, 6, 30)


def day(rng: random.Random) -> dt.date:
    return AS_OF - dt.timedelta(days=rng.randint(-60, 4 * 365))


def synthetic(session: Session, n: int = 400, seed: int = 3) -> None:
    """Persons (some minors) and organisations with every kind of list fact: judgments,
    listings and extensions, fulfilments, delistings, safety penalties of each tier,
    commendations and inspection runs; some records after ``as_of``, some not in use."""
    rng = random.Random(seed)
    reg = Registry(session)
    grounds = [*R.GROUNDS, "unknown_ground"]
    for _ in range(n):
        org = rng.random() < 0.4
        birth = None if org else dt.date(rng.choice([1970, 1990, 2009, 2012]), 3, 15)
        sid = reg.subject("organisation" if org else "person", birth)
        for case in range(rng.randint(0, 3)):
            number = f"({2024 + case})-{sid}"
            judged = day(rng)
            due = judged + dt.timedelta(days=rng.choice([0, 30, 90]))
            state = rng.choice(["active"] * 6 + ["corrected", "disputed", "deleted"])
            reg.record(
                sid,
                "court.judgment",
                judged,
                state=state,
                case_number=number,
                court_name="Court",
                due_on=due.isoformat() if rng.random() < 0.9 else "not a date",
            )
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                term = rng.choice([None, 6, 24, 48, 70])
                fields: dict[str, Any] = {"case_number": number, "court_name": "Court"}
                fields["ground"] = rng.choice(grounds)
                if term is not None:
                    fields["term_months"] = term
                reg.record(sid, "court.listing", day(rng), **fields)
            if rng.random() < 0.3:
                reg.record(sid, "court.fulfilment", day(rng), case_number=number)
            if rng.random() < 0.15:
                reg.record(
                    sid, "court.delisting", day(rng), case_number=number, reason="settlement"
                )
        for _ in range(rng.choice([0, 0, 1, 2])):
            reg.record(
                sid,
                "penalty.imposed",
                day(rng),
                state=rng.choice(["active", "active", "disputed"]),
                decision_number=rng.choice([None, f"D-{sid}-{rng.randint(0, 9)}"]),
                authority="Regulator",
                domain=rng.choice([*R.SAFETY_DOMAINS, "tax"]),
                severity=rng.choice([*R.TIERS, "unknown"]),
            )
        if rng.random() < 0.2:
            reg.record(sid, "commendation", day(rng), title="Model", authority="City", level="1")
        start = day(rng)
        for k in range(rng.choice([0, 0, 2, 3, 4, 6])):
            reg.record(
                sid,
                "inspection.result",
                start + dt.timedelta(days=60 * k),
                grade=rng.choice(["A", "A", "A", "B", "C"]),
                inspection_id=f"I-{sid}-{k}",
            )
    reg.flush()


def test_engine_derivation_equals_the_store_derivation(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    synthetic(session)
    facts, infos = _facts(session, None)
    want = derive(facts, infos, AS_OF)
    snap = read(engine, tmp_path)
    got = derive_snapshot(snap, AS_OF, size=97)  # small batches: subjects straddle them
    assert got == want
    kinds = Counter((e.list_id, e.state) for e in got.values())
    for seen in [
        ("defaulter", "active"),
        ("defaulter", "ended"),
        ("defaulter", "refused"),
        ("defaulter", "pending"),
        ("serious_violator", "active"),
        ("red", "active"),
    ]:
        assert kinds[seen] > 0, (seen, kinds)
    assert any(e.basis.get("extensions") for e in got.values())
    assert any(e.rule_id == R.STREAK_RULE and e.state == "ended" for e in got.values())
    assert derive_snapshot(snap, dt.date(2020, 1, 1)) == derive(facts, infos, dt.date(2020, 1, 1))
