"""What each page shows, gathered from the domain services (no HTTP here).

The subject's own pages render ``rights.report.build``'s ``SubjectReport``, the report the
API answers; organisations' public pages are gathered here.
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
from credo.lists import service as lists_service
from credo.records.models import Record
from credo.register import public as register_public
from credo.register.public import GROUPS as PUBLIC_GROUPS
from credo.register.public import SHOWN_STATES
from credo.rights import report, statements
from credo.rights.schemas import ReportDispute, ReportRecord
from credo.subjects import service as subjects
from credo.subjects.models import Subject

NO_ORG = "no organisation is registered under that unified social credit code"
DISPUTABLE = ("active", "corrected")


def public_categories() -> set[str]:
    return {c.id for c in get_catalogue().categories.values() if c.public}


def _amount(record: Record) -> str | None:
    if record.amount_minor is None:
        return None
    whole, cents = divmod(record.amount_minor, 100)  # integers: a float drops cents past 2^53
    return f"{whole:,}.{cents:02d} {record.currency or ''}".strip()


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


def ledger_grades(*, session: Session, subject_id: int) -> list[dict[str, Any]]:
    """Published ledger grades (organisations only; persons' grades are never public)."""
    return inputs.public_ledger_grades(session, subject_id)


# --- the subject's own file ---------------------------------------------------------------


def _amount_text(record: ReportRecord) -> str | None:
    extra = record.model_extra or {}
    amount = extra.get("amount")
    if amount is None:
        return None
    whole, _, cents = str(amount).partition(".")
    return f"{int(whole):,}.{(cents or '00')[:2]} {extra.get('currency') or ''}".strip()


def _record_view(
    record: ReportRecord, dispute: ReportDispute | None, open_dispute: bool
) -> dict[str, Any]:
    """One row of the portal's records table, from the report's record."""
    extra = record.model_extra or {}
    return {
        "id": record.record_id,
        "external_id": record.external_id,
        "category": record.category,
        "occurred_on": record.occurred_on,
        "amount": _amount_text(record),
        "fields": extra.get("fields") or {},
        "furnisher": record.furnisher,
        "state": record.state,
        "statement": record.statement,
        "history": record.history,
        "dispute": dispute,
        "disputable": record.state in DISPUTABLE and not open_dispute,
    }


def _programs(session: Session) -> list[dict[str, Any]]:
    """Programs a subject may consent to (active programs of active parties)."""
    from credo.access import parties

    out: list[dict[str, Any]] = []
    for party in parties.list_all(session=session):
        if party.active:
            out += [
                {"program": p, "party": party.name}
                for p in parties.programs_of(session=session, party_id=party.id)
                if p.active
            ]
    return out


def _scope_name(scope: str, programs: dict[str, str]) -> str:
    """What a consent covers in words: its program's name, or a ledger opt-in's scheme."""
    kind, _, name = scope.partition(":")
    if kind == "ledger":
        return f"the {name} points ledger (opt-in)"
    return programs.get(scope, "")


def portal(*, session: Session, subject: Subject) -> dict[str, Any]:
    """What the portal (``/me``) and the printable page (``/me/report``) show: the subject's
    report from ``rights.report.build`` (the same one the API answers), arranged for the
    page, plus what only the interactive page needs (programs to consent to, dates)."""
    from credo.access import rules

    today = clock.today()
    the_report = report.build(session=session, subject=subject, today=today)
    latest: dict[int, ReportDispute] = {}
    for d in sorted(the_report.disputes, key=lambda d: d.id):
        latest[d.record_id] = d
    records = []
    for r in the_report.records:
        dispute = latest.get(r.record_id)
        records.append(_record_view(r, dispute, dispute is not None and dispute.state == "open"))
    score = the_report.score
    programs = _programs(session)
    names = {f"program:{p['program'].id}": p["program"].name for p in programs}
    return {
        "subject": subject,
        "report": the_report,
        "score": {
            "latest": score,
            "dimensions": score.dimensions if score else {},
            "history": [
                (dt.date.fromisoformat(p.as_of[:10]), p.score)
                for p in the_report.score_history
                if p.withdrawn_on is None  # the line draws published scores only
            ],
            "reasons": score.reasons if score else [],
            "to_raise": score.to_raise if score else [],
        },
        "records": records,
        "removed": the_report.removed,
        "open_disputes": [r for r in records if r["dispute"] and r["dispute"].state == "open"],
        "access": {
            "inquiries": the_report.inquiries,
            "consents": [
                {
                    "consent": c,
                    "party": c.party or "",
                    "state": c.state,
                    "scope_name": _scope_name(c.scope, names),
                }
                for c in the_report.consents
            ],
            "programs": programs,
            "default_expiry": today + dt.timedelta(days=min(365, rules.CONSENT_MAX_DAYS)),
            "max_expiry": today + dt.timedelta(days=rules.CONSENT_MAX_DAYS),
        },
        "lists": {
            # as they read today: a term over reads as ended (lists.service.shown_state)
            "entries": the_report.lists + the_report.pending_listings,
            "repairs": the_report.repairs,
        },
        "ledgers": the_report.ledgers,
        "score_held": the_report.score_held_for_review,
        "reviews": [r for r in the_report.reviews if r.get("state") == "open"],
        "reviewed": {r.get("decision_id"): r for r in the_report.reviews},
        "today": today,
    }
