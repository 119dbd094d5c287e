"""The subject's full report: everything credo holds on it and everything it did with it.

One function, ``build``, assembles it from each domain's own services into one typed
``SubjectReport`` (``rights/schemas.py``): the API answers it as JSON (``GET /v1/me/report``),
the web portal (``/me``) and the printable page (``/me/report``) render it, and
``credo report`` gives the operator the same thing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.access import checks, consents, inputs, parties
from credo.core import clock
from credo.furnishers.models import Furnisher
from credo.integrity import service as integrity
from credo.ledgers import service as ledgers
from credo.ledgers.models import LedgerBalance
from credo.lists import repairs
from credo.lists import service as lists
from credo.notices import service as notice_service
from credo.records import service as records
from credo.records.models import Record, RecordVersion
from credo.rights import disputes, proofs, reviews, statements
from credo.rights.schemas import SubjectReport
from credo.scores import service as scores
from credo.scoring import DIMENSIONS
from credo.scoring.scorecard import what_would_raise
from credo.subjects.models import Subject

INQUIRY_YEARS = 2
REMOVAL_REASONS = {
    "deleted": "deleted by its furnisher or after an unanswered dispute",
    "expired": "removed under the retention rules",
}


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _records(session: Session, subject: Subject) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Record, Furnisher.name)
        .join(Furnisher, Furnisher.id == Record.furnisher_id)
        .where(Record.subject_id == subject.id)
        .order_by(Record.occurred_on.desc(), Record.id)
    ).all()
    return described_records(session=session, subject=subject, rows=rows)


def described_records(
    *, session: Session, subject: Subject, rows: Sequence[tuple[Record, str]]
) -> list[dict[str, Any]]:
    """Records of ``subject`` (each with its furnisher's name) as the report shows them: the
    envelope, id, furnisher, receipt time, the subject's statement and every version. The
    furnisher's view of one record (``GET /v1/records/{external_id}``) is the same item."""
    ids = [r.id for r, _ in rows]
    notes = statements.for_records(session=session, record_ids=ids)
    history: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 900):
        for v in session.execute(
            select(RecordVersion)
            .where(RecordVersion.record_id.in_(ids[start : start + 900]))
            .order_by(RecordVersion.version)
        ).scalars():
            history.setdefault(v.record_id, []).append(
                {
                    "version": v.version,
                    "state": v.state,
                    "reason": v.reason,
                    "superseded_at": _iso(v.superseded_at),
                    "content": json.loads(v.content),
                }
            )
    display = {"scheme": subject.scheme, "id": subject.display_id}
    out = []
    for record, furnisher in rows:
        item = records.to_envelope(record, display)
        item.update(
            {
                "record_id": record.id,
                "furnisher": furnisher,
                "received_at": _iso(record.received_at),
                "statement": notes.get(record.id),
                "history": history.get(record.id, []),
            }
        )
        out.append(item)
    return out


def _score(session: Session, subject_id: int) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The published score (``scores.latest_or_none``: a score withdrawn on review is not
    it) and every published score, withdrawn ones marked."""
    rows = scores.published_of(session=session, subject_id=subject_id)
    history = [
        {
            "as_of": _iso(s.as_of),
            "score": s.score,
            "band": s.band,
            "withdrawn_on": _iso(s.withdrawn_on),
        }
        for s in rows
    ]
    live = [s for s in rows if s.withdrawn_on is None]
    if not live:
        return None, history
    latest = live[-1]
    current: dict[str, Any] = {
        "score": latest.score,
        "band": latest.band,
        "as_of": _iso(latest.as_of),
        "dimensions": {d: getattr(latest, d) for d in DIMENSIONS},
        "reasons": json.loads(latest.reasons),
        "to_raise": [],
    }
    if latest.features:
        row = session.get(scores.ModelVersion, latest.model_version_id)
        if row is not None:
            current["to_raise"] = what_would_raise(
                scores.load_model(row), json.loads(latest.features)
            )
    return current, history


def build(*, session: Session, subject: Subject, today: dt.date | None = None) -> SubjectReport:
    """Every section of the report, typed."""
    today = today or clock.today()
    held = _records(session, subject)
    current, history = _score(session, subject.id)
    entries = statements.described_entries(
        session=session, entries=lists.entries_for(session=session, subject_id=subject.id)
    )
    since = dt.date(today.year - INQUIRY_YEARS, today.month, min(today.day, 28))
    party_names = {p.id: p.name for p in parties.list_all(session=session)}
    waiting = [
        repairs.describe(r)
        for r in repairs.list_repairs(session=session, state="applied")
        if r.subject_id == subject.id
    ]
    return SubjectReport.model_validate(
        {
            "subject": {
                "kind": subject.kind,
                "scheme": subject.scheme,
                "id": subject.display_id,
                "name": subject.name,
            },
            "as_of": today.isoformat(),
            "score": current,
            "score_history": history,
            "score_held_for_review": integrity.pending_review_for(
                session=session, subject_id=subject.id
            ),
            "records": [r for r in held if r["state"] not in REMOVAL_REASONS],
            "removed": [
                {
                    "record_id": r["record_id"],
                    "external_id": r["external_id"],
                    "category": r["category"],
                    "furnisher": r["furnisher"],
                    "state": r["state"],
                    "why": REMOVAL_REASONS[r["state"]],
                }
                for r in held
                if r["state"] in REMOVAL_REASONS
            ],
            "lists": [e for e in entries if e.get("state") != "pending"],
            "pending_listings": [e for e in entries if e.get("state") == "pending"],
            "ledgers": _ledgers(session, subject.id, today),
            "inquiries": [
                {k: _iso(v) for k, v in q.items()}
                for q in checks.inquiries_for(session=session, subject_id=subject.id, since=since)
            ],
            "consents": [
                {
                    "id": c.id,
                    "scope": c.scope,
                    "party_id": c.party_id,
                    "party": party_names.get(c.party_id or ""),
                    "granted_at": _iso(c.granted_at),
                    "expires_on": _iso(c.expires_on),
                    "state": consents.state(c, today),
                }
                for c in consents.of_subject(session=session, subject_id=subject.id)
            ],
            "disputes": [
                {
                    "id": d.id,
                    "record_id": d.record_id,
                    "state": d.state,
                    "reason": d.reason,
                    "deadline": _iso(d.deadline),
                    "resolved_at": _iso(d.resolved_at),
                    "note": d.note,
                }
                for d in disputes.for_subject(session=session, subject_id=subject.id)
            ],
            "reviews": [
                reviews.describe(r)
                for r in reviews.for_subject(session=session, subject_id=subject.id)
            ],
            "repairs": waiting,
            "statements": statements.of_author(session=session, subject_id=subject.id),
            "proofs": [
                proofs.describe(p)
                for p in proofs.for_subject(session=session, subject_id=subject.id)
            ],
            "contact": notice_service.contact_view(session=session, subject_id=subject.id),
        }
    )


def _ledgers(session: Session, subject_id: int, today: dt.date) -> list[dict[str, Any]]:
    schemes = (
        session.execute(select(LedgerBalance.scheme).where(LedgerBalance.subject_id == subject_id))
        .scalars()
        .all()
    )
    consented = inputs.ledger_schemes(session, subject_id, today)
    return [
        {
            "scheme": scheme,
            **ledgers.explain(session=session, subject_id=subject_id, scheme=scheme, on=today),
        }
        for scheme in sorted(set(schemes) & consented)
    ]
