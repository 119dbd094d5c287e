"""List endpoints: a subject's own entries and repairs; the operator's repair queue and lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Query
from sqlalchemy.orm import Session

from credo.api.deps import OperatorDep, SessionDep, SettingsDep, SubjectDep
from credo.api.routing import audience, joined
from credo.api.schemas import IdPath
from credo.core.types import MAX_ID
from credo.lists import repairs, service
from credo.lists import rules as R
from credo.lists.models import ListEntry, RepairApplication
from credo.lists.schemas import (
    Benefit,
    EntryOut,
    ListEntries,
    MyLists,
    RepairDecision,
    RepairIn,
    RepairList,
    RepairOut,
    Restriction,
)
from credo.rights import statements

me_router = audience("/v1/me", "lists", "subject")
admin_router = audience("/v1/admin", "lists", "operator")


def _entries(session: Session, rows: Iterable[ListEntry]) -> list[EntryOut]:
    return [EntryOut(**e) for e in statements.described_entries(session=session, entries=rows)]


def _repair(repair: RepairApplication) -> RepairOut:
    return RepairOut(**repairs.describe(repair))


@me_router.get("/lists", summary="Your list entries, pending listings, restrictions and benefits")
def my_lists(subject: SubjectDep, session: SessionDep) -> MyLists:
    """Every entry about you with the records and rule behind it, its dates and how to end it."""
    held = _entries(session, service.entries_for(session=session, subject_id=subject.id))
    restrictions = service.restrictions_for(session=session, subject_id=subject.id)
    benefits = service.benefits_for(session=session, subject_id=subject.id)
    return MyLists(
        entries=[e for e in held if e.state != "pending"],
        warnings=[e for e in held if e.state == "pending"],
        restrictions=[Restriction(**r) for r in restrictions],
        benefits=[Benefit(**b) for b in benefits],
    )


@me_router.post(
    "/repairs",
    status_code=201,
    summary="Apply for credit repair of one of your serious-violator entries",
)
def apply_repair(
    body: RepairIn, subject: SubjectDep, session: SessionDep, settings: SettingsDep
) -> RepairOut:
    """Possible after the tier's minimum term; the operator decides within the deadline shown."""
    repair = repairs.apply(
        session=session,
        subject_id=subject.id,
        entry_id=body.entry_id,
        statement=body.statement,
        decision_days=settings.repair_decision_days,
    )
    return _repair(repair)


@admin_router.get(
    "/repairs", summary="Repair applications (open ones by default), closest deadline first"
)
def admin_repairs(
    _operator: OperatorDep,
    session: SessionDep,
    state: Annotated[str | None, Query(pattern="^(applied|approved|rejected|all)$")] = "applied",
) -> RepairList:
    held = repairs.list_repairs(session=session, state=None if state == "all" else state)
    return RepairList(repairs=[_repair(r) for r in held])


@admin_router.post(
    "/repairs/{repair_id}",
    summary="Approve (ends the entry at once) or reject (with a reason) an application",
)
def decide_repair(
    repair_id: IdPath, body: RepairDecision, operator: OperatorDep, session: SessionDep
) -> RepairOut:
    approve = body.decision == "approve"
    repair = repairs.decide(
        session=session, repair_id=repair_id, approve=approve, reason=body.reason, actor=operator
    )
    return _repair(repair)


@admin_router.get("/lists/{list_id}", summary="Entries of one list")
def admin_list(
    list_id: str,
    _operator: OperatorDep,
    session: SessionDep,
    state: Annotated[str | None, Query(pattern="^(pending|active|ended|refused)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> ListEntries:
    total, rows = service.entries_of_list(
        session=session, list_id=list_id, state=state, limit=limit, offset=offset
    )
    return ListEntries(
        list_id=list_id, title=R.LISTS[list_id].title, total=total, entries=_entries(session, rows)
    )


router = joined(me_router, admin_router)
