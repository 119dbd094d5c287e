"""What each page shows, gathered from the domain services (no HTTP here).

Sections whose domain is not installed yet (ledgers, integrity) are ``None`` and the page
says so; nothing else is guessed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.access import inputs
from credo.catalogue import get_catalogue
from credo.core import clock
from credo.errors import InvalidInput, NotFound
from credo.furnishers import service as furnishers
from credo.integrity import service as integrity
from credo.lists import service as lists_service
from credo.records.models import Record
from credo.register import public as register_public
from credo.rights import disputes, reviews, statements
from credo.subjects import service as subjects
from credo.subjects.models import Subject

#: Public record groups on an organisation's page, in the order shown.
PUBLIC_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
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
NO_ORG = "no organisation is registered under that unified social credit code"
SHOWN_STATES = ("active", "corrected", "disputed")
DISPUTABLE = ("active", "corrected")


def public_categories() -> set[str]:
    return {c.id for c in get_catalogue().categories.values() if c.public}


def _amount(record: Record) -> str | None:
    if record.amount_minor is None:
        return None
    return f"{record.amount_minor / 100:,.2f} {record.currency or ''}".strip()


def record_view(
    record: Record, furnisher_names: dict[str, str], statement: str | None
) -> dict[str, Any]:
    fields = json.loads(record.fields)
    return {
        "id": record.id,
        "category": record.category,
        "description": get_catalogue().categories[record.category].description
        if record.category in get_catalogue().categories
        else "",
        "occurred_on": record.occurred_on,
        "amount": _amount(record),
        "fields": fields,
        "grade": fields.get("grade"),
        "furnisher": furnisher_names.get(record.furnisher_id, record.furnisher_id),
        "state": record.state,
        "legal_basis": record.legal_basis,
        "statement": statement,
    }


def _furnisher_names(session: Session) -> dict[str, str]:
    return {f.id: f.name for f in furnishers.list_all(session=session)}


# --- public ---------------------------------------------------------------------------


def organisation(*, session: Session, uscc: str) -> dict[str, Any]:
    """An organisation's public page: registration, public records, lists, grades, statements.

    A person can never be reached here: the code must be a valid USCC and the subject an
    organisation, otherwise NotFound (the same answer as for an unknown code).
    """
    try:
        subject = subjects.find(session=session, scheme="cn_uscc", value=uscc)
    except InvalidInput as exc:
        raise NotFound(NO_ORG, details=[{"field": "uscc"}]) from exc
    except NotFound as exc:
        raise NotFound(NO_ORG, details=[{"field": "uscc"}]) from exc
    if subject.kind != "organisation":
        raise NotFound(NO_ORG, details=[{"field": "uscc"}])
    public = public_categories()
    records = list(
        session.execute(
            select(Record)
            .where(
                Record.subject_id == subject.id,
                Record.category.in_(sorted(public)),
                Record.state.in_(SHOWN_STATES),
            )
            .order_by(Record.occurred_on.desc(), Record.id.desc())
        ).scalars()
    )
    said = statements.for_records(session=session, record_ids=[r.id for r in records])
    names = _furnisher_names(session)
    groups = []
    for key, title, categories in PUBLIC_GROUPS:
        rows = [record_view(r, names, said.get(r.id)) for r in records if r.category in categories]
        groups.append({"key": key, "title": title, "records": rows})
    entries = lists_service.public_entries(session=session, subject_id=subject.id)
    return {
        "subject": subject,
        "registration": registration(subject.display_id),
        "groups": groups,
        "lists": entries,
        "grades": ledger_grades(session=session, subject_id=subject.id),
        "register": register_public.summary(session=session, subject_id=subject.id),
    }


def registration(uscc: str) -> dict[str, str]:
    """What the code itself says (GB 32100): registering authority, type and division code."""
    return {
        "code": uscc,
        "authority": uscc[0],
        "type": uscc[1],
        "division": uscc[2:8],
        "organisation_code": uscc[8:17],
    }


def ledger_grades(*, session: Session, subject_id: int) -> list[dict[str, Any]] | None:
    """Published ledger grades (organisations only; persons' grades are never public)."""
    return inputs.public_ledger_grades(session, subject_id)


# --- the subject's own file ---------------------------------------------------------------


def subject_records(*, session: Session, subject_id: int) -> list[dict[str, Any]]:
    """Every record about the subject, newest first, with its dispute and statement."""
    records = list(
        session.execute(
            select(Record)
            .where(Record.subject_id == subject_id)
            .order_by(Record.occurred_on.desc(), Record.id.desc())
        ).scalars()
    )
    said = statements.for_records(session=session, record_ids=[r.id for r in records])
    names = _furnisher_names(session)
    latest: dict[int, Any] = {}
    for held in disputes.for_subject(session=session, subject_id=subject_id):
        latest[held.record_id] = held
    out = []
    for r in records:
        view = record_view(r, names, said.get(r.id))
        d = latest.get(r.id)
        view["dispute"] = d
        view["disputable"] = r.state in DISPUTABLE and (d is None or d.state != "open")
        out.append(view)
    return out


def score_section(*, session: Session, subject_id: int) -> dict[str, Any] | None:
    """The latest published score, its history, reasons and what would raise it."""
    from credo.scores import service as scores_service
    from credo.scores.models import Score
    from credo.scoring.scaling import next_band_floor

    try:
        latest = scores_service.latest(session=session, subject_id=subject_id)
    except NotFound:
        return {"latest": None}
    history = [
        (as_of, score)
        for as_of, score in session.execute(
            select(Score.as_of, Score.score)
            .where(Score.subject_id == subject_id)
            .order_by(Score.as_of, Score.id)
        )
    ]
    reasons = json.loads(latest.reasons or "[]")
    floor = next_band_floor(latest.score)
    dims = {d: getattr(latest, d) for d in scores_service.DIMENSION_COLUMNS}
    return {
        "latest": latest,
        "dimensions": dims,
        "history": history,
        "reasons": reasons,
        "next_floor": floor,
        "gap": None if floor is None else floor - latest.score,
    }


def access_section(*, session: Session, subject_id: int) -> dict[str, Any] | None:
    """Inquiries about the subject, its consents, and the programs it may consent to."""
    from credo.access import checks, consents, parties, rules

    today = clock.today()
    mine: list[dict[str, Any]] = [
        {"consent": c, "state": consents.state(c, today)}
        for c in consents.of_subject(session=session, subject_id=subject_id)
    ]
    programs = []
    party_names = {}
    for party in parties.list_all(session=session):
        party_names[party.id] = party.name
        if party.active:
            programs += [
                {"program": p, "party": party.name}
                for p in parties.programs_of(session=session, party_id=party.id)
                if p.active
            ]
    for c in mine:
        c["party"] = party_names.get(c["consent"].party_id or "", "")
    return {
        "inquiries": checks.inquiries_for(session=session, subject_id=subject_id),
        "consents": mine,
        "programs": programs,
        "default_expiry": today + dt.timedelta(days=min(365, rules.CONSENT_MAX_DAYS)),
        "max_expiry": today + dt.timedelta(days=rules.CONSENT_MAX_DAYS),
    }


def list_section(*, session: Session, subject_id: int) -> dict[str, Any] | None:
    from credo.lists import repairs

    entries = statements.annotate_entries(
        session=session,
        entries=[
            lists_service.describe(session=session, entry=e)
            for e in lists_service.entries_for(session=session, subject_id=subject_id)
        ],
    )
    pending = [
        repairs.describe(r)
        for r in repairs.list_repairs(session=session, state="applied")
        if r.subject_id == subject_id
    ]
    return {"entries": entries, "repairs": pending}


def portal(*, session: Session, subject: Subject) -> dict[str, Any]:
    """Everything the subject portal and the printable report show."""
    records = subject_records(session=session, subject_id=subject.id)
    return {
        "subject": subject,
        "score": score_section(session=session, subject_id=subject.id),
        "records": records,
        "open_disputes": [r for r in records if r["dispute"] and r["dispute"].state == "open"],
        "access": access_section(session=session, subject_id=subject.id),
        "lists": list_section(session=session, subject_id=subject.id),
        "score_held": integrity.pending_review_for(session=session, subject_id=subject.id),
        "reviews": [
            r
            for r in reviews.for_subject(session=session, subject_id=subject.id)
            if r.state == "open"
        ],
        "today": clock.today(),
    }
