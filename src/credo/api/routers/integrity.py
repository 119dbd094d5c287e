"""Integrity review endpoints: the operator's queue of flags and decisions on them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from credo.api.deps import OperatorDep, SessionDep
from credo.api.schemas import ERROR_RESPONSES, IdPath
from credo.core.types import MAX_ID
from credo.integrity import service
from credo.integrity.schemas import DecisionIn, FlagList, FlagOut

router = APIRouter(prefix="/v1/admin", tags=["operator"], responses=ERROR_RESPONSES)


@router.get("/integrity", response_model=FlagList, summary="The integrity review queue")
def queue(
    operator: OperatorDep,
    session: SessionDep,
    state: Annotated[str | None, Query(description="open, confirmed or cleared")] = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> FlagList:
    """Flags newest first, with their subjects (display ids) and the detectors' evidence."""
    total, rows = service.list_flags(session=session, state=state, limit=limit, offset=offset)
    return FlagList(
        total=total,
        flags=[FlagOut(**service.describe(session=session, flag=f)) for f in rows],
    )


@router.post(
    "/integrity/{flag_id}", response_model=FlagOut, summary="Clear or confirm an integrity flag"
)
def decide(
    flag_id: IdPath, body: DecisionIn, operator: OperatorDep, session: SessionDep
) -> FlagOut:
    """``clear`` releases the held scores; ``confirm`` keeps them held. Audited."""
    flag = service.decide(
        session=session, flag_id=flag_id, decision=body.decision, note=body.note, actor=operator
    )
    out = FlagOut(**service.describe(session=session, flag=flag))
    return out
