"""An organisation's public record as plain data: what its page, the API and the export show.

A person can never be reached: the code must be a valid USCC naming a subject of kind
``organisation``; anything else is NotFound with the reason (malformed, or unknown).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from credo.catalogue import get_catalogue
from credo.core import clock
from credo.errors import InvalidInput, NotFound
from credo.furnishers.models import Furnisher
from credo.lists import service as lists_service
from credo.records.models import Record
from credo.records.service import amount_text
from credo.register import service
from credo.register.policy import load
from credo.rights import statements
from credo.subjects import service as subjects
from credo.subjects.models import Subject

#: Public record groups, in the order the page shows them.
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("licences", "Licences", ("licence.granted", "licence.revoked")),
    ("penalties", "Administrative penalties", ("penalty.imposed", "penalty.paid")),
    ("inspections", "Inspections", ("inspection.result",)),
    (
        "judgments",
        "Court judgments",
        ("court.judgment", "court.fulfilment", "court.listing", "court.delisting"),
    ),
    ("tax", "Tax arrears", ("tax.arrears",)),
    ("breaches", "Contract breaches", ("contract.breach",)),
    ("commendations", "Commendations", ("commendation",)),
)
SHOWN_STATES = ("active", "corrected", "disputed")
UNKNOWN = "no organisation is registered under the unified social credit code {code!r}"
MAX_CODE = 64


def find(*, session: Session, uscc: str) -> Subject:
    """The organisation a code names; NotFound saying why (malformed code, or unknown)."""
    code = uscc.strip().upper()[:MAX_CODE]
    try:
        subject = subjects.find(session=session, scheme="cn_uscc", value=code)
    except InvalidInput as exc:
        raise NotFound(
            f"{code!r} is not a valid unified social credit code: {exc.message}",
            code="invalid_uscc",
            details=[{"field": "uscc", "value": code, "reason": "malformed"}],
        ) from None
    except NotFound:
        raise NotFound(
            UNKNOWN.format(code=code),
            details=[{"field": "uscc", "value": code, "reason": "unknown"}],
        ) from None
    if subject.kind != "organisation":  # cannot happen for cn_uscc; never reveal a person
        raise NotFound(UNKNOWN.format(code=code), details=[{"field": "uscc", "value": code}])
    return subject


def public_categories() -> list[str]:
    return sorted(c.id for c in get_catalogue().categories.values() if c.public)


def records_of(*, session: Session, subject_id: int) -> list[dict[str, Any]]:
    """The organisation's public records, newest first, with any statement on them."""
    rows = session.execute(
        _RECORDS, {"s": subject_id, "c": public_categories(), "st": list(SHOWN_STATES)}
    ).all()
    said = statements.for_records(session=session, record_ids=[r.id for r in rows]) if rows else {}
    return [
        {
            "id": r.id,
            "category": r.category,
            "occurred_on": r.occurred_on.isoformat(),
            "amount": None if r.amount_minor is None else amount_text(r.amount_minor),
            "currency": r.currency,
            "fields": json.loads(r.fields),
            "furnisher": r.furnisher or r.furnisher_id,
            "legal_basis": r.legal_basis,
            "state": r.state,
            "statement": said.get(r.id),
        }
        for r in rows
    ]


# Built once: columns only (no ORM objects) and the furnisher's name by join.
_RECORDS = (
    select(
        Record.id,
        Record.category,
        Record.occurred_on,
        Record.amount_minor,
        Record.currency,
        Record.fields,
        Record.furnisher_id,
        Furnisher.name.label("furnisher"),
        Record.legal_basis,
        Record.state,
    )
    .outerjoin(Furnisher, Furnisher.id == Record.furnisher_id)
    .where(
        Record.subject_id == bindparam("s"),
        Record.category.in_(bindparam("c", expanding=True)),
        Record.state.in_(bindparam("st", expanding=True)),
    )
    .order_by(Record.occurred_on.desc(), Record.id.desc())
)


def lists_of(*, session: Session, subject_id: int) -> list[dict[str, Any]]:
    out = []
    for e in lists_service.public_entries(session=session, subject_id=subject_id):
        out.append(
            {
                "list": e.get("list"),
                "title": e.get("list_title"),
                "starts_on": str(e.get("starts_on")) if e.get("starts_on") else None,
                "scheduled_end": str(e["scheduled_end"]) if e.get("scheduled_end") else None,
                "tier": e.get("tier"),
                "restricts": list(e.get("restricts") or []),
                "how_to_end": e.get("how_to_end"),
            }
        )
    return out


def record(*, session: Session, uscc: str) -> dict[str, Any]:
    """Everything the organisation's page shows, as JSON-ready data."""
    subject = find(session=session, uscc=uscc)
    policy = load()
    records = records_of(session=session, subject_id=subject.id)
    groups = [
        {"key": key, "title": title, "records": [r for r in records if r["category"] in cats]}
        for key, title, cats in GROUPS
    ]
    code = subject.display_id
    return {
        "uscc": code,
        "name": subject.name,
        "registration": {
            "code": code,
            "authority": code[0],
            "type": code[1],
            "division": code[2:8],
            "organisation_code": code[8:17],
            "known_since": subject.created_at.date().isoformat(),
        },
        "grade": service.grade_of(session=session, subject_id=subject.id),
        "ratings": service.ratings_of(session=session, subject_ids=[subject.id], policy=policy).get(
            subject.id, []
        ),
        "lists": lists_of(session=session, subject_id=subject.id),
        "groups": groups,
        "policy": {"version": policy.version, "digest": policy.digest, "base": policy.base},
        "as_of": clock.today().isoformat(),
    }


def summary(*, session: Session, subject_id: int) -> dict[str, Any]:
    """Grade and ratings of one organisation (the organisation page's register section)."""
    policy = load()
    return {
        "grade": service.grade_of(session=session, subject_id=subject_id),
        "ratings": service.ratings_of(session=session, subject_ids=[subject_id], policy=policy).get(
            subject_id, []
        ),
        "policy": {"version": policy.version, "digest": policy.digest, "base": policy.base},
    }
