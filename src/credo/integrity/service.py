"""Integrity services: run the detectors, queue their flags, hold scores, take decisions.

A flag holds its subjects' new scores (the last good one stays published) while it is open
or confirmed; clearing it releases the hold. A flag never lowers a score and never lists
anyone by itself. Subjects learn only that a review is pending.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credo.core import audit, clock
from credo.errors import Conflict, InvalidInput, NotFound
from credo.integrity.events import FlagDecided, FlagRaised
from credo.integrity.flags import Detector, Flag
from credo.integrity.furnishers import FurnisherDetector
from credo.integrity.inputs import from_store
from credo.integrity.jumps import JumpDetector
from credo.integrity.models import IntegrityFlag, IntegrityFlagSubject
from credo.integrity.rings import RingDetector
from credo.integrity.sybils import SybilDetector
from credo.subjects.models import Subject

#: The detectors ``credo refresh`` and ``credo integrity scan`` run, in order.
DETECTORS: tuple[Detector, ...] = (
    RingDetector(),
    SybilDetector(),
    FurnisherDetector(),
    JumpDetector(),
)
HOLDING = ("open", "confirmed")
DECISIONS = {"clear": "cleared", "confirm": "confirmed"}
#: Which decisions each state allows (a confirmed flag can still be cleared, e.g. once the
#: furnisher has corrected the records behind it).
ALLOWED = {"open": ("clear", "confirm"), "confirmed": ("clear",), "cleared": ()}


@dataclass(frozen=True)
class Raised:
    """A flag a scan found: its stored id and whether this scan raised it."""

    flag: Flag
    flag_id: int | None
    new: bool


def detect(
    *,
    session: Session,
    records: ibis.Table | None = None,
    candidates: pa.Table | None = None,
    as_of: dt.date | None = None,
    detectors: Sequence[Detector] = DETECTORS,
) -> list[Flag]:
    """Every detector's findings, without storing anything."""
    inputs = from_store(
        session=session, as_of=as_of or clock.today(), records=records, candidates=candidates
    )
    return [flag for detector in detectors for flag in detector.detect(inputs)]


def _digest(evidence: dict[str, Any]) -> str:
    return hashlib.sha256(audit.canonical(evidence).encode()).hexdigest()


def record(*, session: Session, flags: Sequence[Flag], actor: str) -> list[Raised]:
    """Queue flags not already known (any state: a cleared finding is not raised again)."""
    out = []
    for flag in flags:
        known = session.execute(
            select(IntegrityFlag.id).where(
                IntegrityFlag.detector == flag.detector,
                IntegrityFlag.fingerprint == flag.fingerprint,
            )
        ).scalar_one_or_none()
        if known is not None:
            out.append(Raised(flag, known, False))
            continue
        row = IntegrityFlag(
            detector=flag.detector,
            fingerprint=flag.fingerprint,
            state="open",
            strength=float(flag.strength),
            evidence=audit.canonical(flag.evidence),
            raised_at=clock.now(),
        )
        session.add(row)
        session.flush()
        session.add_all(
            IntegrityFlagSubject(flag_id=row.id, subject_id=s) for s in flag.subject_ids
        )
        audit.append(
            session,
            FlagRaised(
                row.id,
                flag.detector,
                tuple(flag.subject_ids),
                flag.fingerprint,
                _digest(flag.evidence),
            ),
            actor=actor,
        )
        out.append(Raised(flag, row.id, True))
    session.flush()
    return out


def run_detectors(
    *,
    session: Session,
    records: ibis.Table | None = None,
    candidates: pa.Table | None = None,
    as_of: dt.date | None = None,
    actor: str = "operator",
    detectors: Sequence[Detector] = DETECTORS,
    store: bool = True,
) -> list[Raised]:
    """Run the detectors and queue new flags in the caller's transaction.

    Parameters
    ----------
    records
        A batch snapshot's records table (``job.tables.records``); without it the needed
        categories are read from the store.
    candidates
        This run's computed, not yet published scores (``subject_id``, ``score``); the jump
        detector compares them with the last published ones. Without them it compares the
        last two published scores.
    store
        False finds flags without queueing them (a dry run).

    A future ``as_of`` is refused (``clock.as_of``): flags would hold scores ahead of time.
    """
    if as_of is not None:
        clock.as_of(as_of)
    flags = detect(
        session=session, records=records, candidates=candidates, as_of=as_of, detectors=detectors
    )
    if not store:
        return [Raised(f, None, False) for f in flags]
    return record(session=session, flags=flags, actor=actor)


def held_subject_ids(*, session: Session) -> set[int]:
    """Subjects whose new scores must not be published: named by an open or confirmed flag."""
    rows = session.execute(
        select(IntegrityFlagSubject.subject_id)
        .join(IntegrityFlag, IntegrityFlag.id == IntegrityFlagSubject.flag_id)
        .where(IntegrityFlag.state.in_(HOLDING))
        .distinct()
    )
    return {int(r) for r in rows.scalars()}


def pending_review_for(*, session: Session, subject_id: int) -> bool:
    """Whether a review holds this subject's score; the subject learns nothing more."""
    n = session.execute(
        select(func.count())
        .select_from(IntegrityFlagSubject)
        .join(IntegrityFlag, IntegrityFlag.id == IntegrityFlagSubject.flag_id)
        .where(IntegrityFlagSubject.subject_id == subject_id, IntegrityFlag.state.in_(HOLDING))
    ).scalar_one()
    return bool(n)


def display_subjects(*, session: Session, subject_ids: Sequence[int]) -> list[dict[str, str]]:
    """Subjects as ``{scheme, id}`` with their display id (masked for persons)."""
    if not subject_ids:
        return []
    rows = session.execute(
        select(Subject.id, Subject.scheme, Subject.display_id).where(Subject.id.in_(subject_ids))
    ).all()
    by_id = {r.id: {"scheme": r.scheme, "id": r.display_id} for r in rows}
    return [by_id[s] for s in subject_ids if s in by_id]


def subjects_of(*, session: Session, flag_id: int) -> list[int]:
    return list(
        session.execute(
            select(IntegrityFlagSubject.subject_id)
            .where(IntegrityFlagSubject.flag_id == flag_id)
            .order_by(IntegrityFlagSubject.subject_id)
        ).scalars()
    )


def describe(*, session: Session, flag: IntegrityFlag) -> dict[str, Any]:
    """A flag for the operator: detector, subjects (display ids), evidence and decision."""
    return {
        "id": flag.id,
        "detector": flag.detector,
        "state": flag.state,
        "strength": flag.strength,
        "subjects": display_subjects(
            session=session, subject_ids=subjects_of(session=session, flag_id=flag.id)
        ),
        "evidence": json.loads(flag.evidence),
        "raised_at": flag.raised_at.isoformat(),
        "decided_at": flag.decided_at.isoformat() if flag.decided_at else None,
        "decided_by": flag.decided_by,
        "note": flag.note,
    }


def list_flags(
    *, session: Session, state: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[int, list[IntegrityFlag]]:
    """(total, page) of flags, newest first, optionally in one state."""
    query = select(IntegrityFlag)
    count = select(func.count()).select_from(IntegrityFlag)
    if state is not None:
        if state not in ALLOWED:
            raise InvalidInput(
                f"state {state!r} is not one of {', '.join(ALLOWED)}",
                details=[{"field": "state", "value": state}],
            )
        query = query.where(IntegrityFlag.state == state)
        count = count.where(IntegrityFlag.state == state)
    total = session.execute(count).scalar_one()
    rows = session.execute(
        query.order_by(IntegrityFlag.id.desc()).limit(limit).offset(offset)
    ).scalars()
    return total, list(rows)


def decide(
    *, session: Session, flag_id: int, decision: str, note: str | None, actor: str
) -> IntegrityFlag:
    """Clear (release the hold) or confirm (keep it) a flag; audited."""
    if decision not in DECISIONS:
        raise InvalidInput(
            f"decision {decision!r} is not one of clear, confirm",
            details=[{"field": "decision", "value": decision}],
        )
    flag = session.get(IntegrityFlag, flag_id, with_for_update=True)
    if flag is None:
        raise NotFound(
            f"no integrity flag {flag_id}", details=[{"field": "flag_id", "value": flag_id}]
        )
    if decision not in ALLOWED[flag.state]:
        raise Conflict(
            f"flag {flag_id} is {flag.state}; it cannot be given decision {decision!r}",
            details=[{"field": "decision", "value": decision, "state": flag.state}],
        )
    previous = flag.state
    flag.state = DECISIONS[decision]
    flag.decided_at = clock.now()
    flag.decided_by = actor
    flag.note = note
    session.flush()
    audit.append(session, FlagDecided(flag.id, decision, previous, flag.state, note), actor=actor)
    return flag


def scan_json(*, session: Session, raised: Sequence[Raised]) -> dict[str, Any]:
    """The ``credo integrity scan --json`` document."""
    return {
        "flags": [
            {
                "flag_id": r.flag_id,
                "new": r.new,
                "detector": r.flag.detector,
                "subjects": display_subjects(session=session, subject_ids=r.flag.subject_ids),
                "evidence": r.flag.evidence,
            }
            for r in raised
        ]
    }
