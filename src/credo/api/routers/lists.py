"""List endpoints: a subject's own entries and repairs; the operator's repair queue and lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from credo.api.deps import OperatorDep, SessionDep, SettingsDep, SubjectDep
from credo.api.schemas import ERROR_RESPONSES, IdPath
from credo.core.types import MAX_ID
from credo.lists import repairs, service
from credo.lists import rules as R
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

router = APIRouter(prefix="/v1", tags=["lists"], responses=ERROR_RESPONSES)


@router.get(
    "/me/lists",
    response_model=MyLists,
    tags=["subject"],
    summary="Your list entries, pending listings, restrictions and benefits",
)
def my_lists(subject: SubjectDep, session: SessionDep) -> MyLists:
    """Every entry about you with the records and rule behind it, its dates and how to end it."""
    described = [
        EntryOut(**e)
        for e in statements.annotate_entries(
            session=session,
            entries=[
                service.describe(session=session, entry=e)
                for e in service.entries_for(session=session, subject_id=subject.id)
            ],
        )
    ]
    return MyLists(
        entries=[e for e in described if e.state != "pending"],
        warnings=[e for e in described if e.state == "pending"],
        restrictions=[
            Restriction(**r)
            for r in service.restrictions_for(session=session, subject_id=subject.id)
        ],
        benefits=[
            Benefit(**b) for b in service.benefits_for(session=session, subject_id=subject.id)
        ],
    )


@router.post(
    "/me/repairs",
    response_model=RepairOut,
    status_code=201,
    tags=["subject"],
    summary="Apply for credit repair of one of your serious-violator entries",
)
def apply_repair(
    body: RepairIn, subject: SubjectDep, session: SessionDep, settings: SettingsDep
) -> RepairOut:
    """Possible after the tier's minimum term; the operator decides within the deadline shown."""
    days = settings.repair_decision_days
    repair = repairs.apply(
        session=session,
        subject_id=subject.id,
        entry_id=body.entry_id,
        statement=body.statement,
        decision_days=days,
    )
    return RepairOut(**repairs.describe(repair))


@router.get(
    "/admin/repairs",
    response_model=RepairList,
    tags=["operator"],
    summary="Repair applications (open ones by default), closest deadline first",
)
def admin_repairs(
    _operator: OperatorDep,
    session: SessionDep,
    state: Annotated[str | None, Query(pattern="^(applied|approved|rejected|all)$")] = "applied",
) -> RepairList:
    chosen = None if state == "all" else state
    return RepairList(
        repairs=[
            RepairOut(**repairs.describe(r))
            for r in repairs.list_repairs(session=session, state=chosen)
        ]
    )


@router.post(
    "/admin/repairs/{repair_id}",
    response_model=RepairOut,
    tags=["operator"],
    summary="Approve (ends the entry at once) or reject (with a reason) an application",
)
def decide_repair(
    repair_id: IdPath, body: RepairDecision, operator: OperatorDep, session: SessionDep
) -> RepairOut:
    repair = repairs.decide(
        session=session,
        repair_id=repair_id,
        approve=body.decision == "approve",
        reason=body.reason,
        actor=operator,
    )
    return RepairOut(**repairs.describe(repair))


@router.get(
    "/admin/lists/{list_id}",
    response_model=ListEntries,
    tags=["operator"],
    summary="Entries of one list",
)
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
        list_id=list_id,
        title=R.LISTS[list_id].title,
        total=total,
        entries=[
            EntryOut(**e)
            for e in statements.annotate_entries(
                session=session,
                entries=[service.describe(session=session, entry=e) for e in rows],
            )
        ],
    )
