"""Furnisher endpoints: submit, correct, delete and read records."""

from __future__ import annotations

from fastapi import APIRouter

from credo.api.deps import FurnisherDep, SessionDep, SettingsDep
from credo.api.schemas import ERROR_RESPONSES
from credo.furnishers.models import Furnisher
from credo.records import service
from credo.records.models import Record
from credo.records.schemas import (
    RecordBatch,
    RecordCorrection,
    RecordDetail,
    RecordResult,
    RecordResults,
)
from credo.rights import disputes, report
from credo.subjects.models import Subject

router = APIRouter(prefix="/v1", tags=["furnisher"], responses=ERROR_RESPONSES)


@router.post("/records", response_model=RecordResults, summary="Submit up to 1,000 records")
def submit_records(
    batch: RecordBatch, furnisher: FurnisherDep, session: SessionDep, settings: SettingsDep
) -> RecordResults:
    """All or nothing: one invalid envelope refuses the batch, naming each bad field and value."""
    results = service.submit(
        session=session,
        furnisher_id=furnisher.id,
        categories=furnisher.categories,
        envelopes=[r.envelope() for r in batch.records],
        secret=settings.secret.get_secret_value().encode(),
        max_batch=settings.max_batch,
        actor=f"furnisher:{furnisher.id}",
    )
    return RecordResults(results=[RecordResult(external_id=e, status=s) for e, s in results])


def _detail(
    session: SessionDep, furnisher: Furnisher, record: Record, changed: bool | None = None
) -> RecordDetail:
    """The record as the report shows it (envelope, statement, every version)."""
    subject = session.get(Subject, record.subject_id)
    assert subject is not None
    rows = [(record, furnisher.name)]
    (item,) = report.described_records(session=session, subject=subject, rows=rows)
    return RecordDetail(**item, changed=changed)


@router.get(
    "/records/{external_id}", response_model=RecordDetail, summary="Read one of your records"
)
def read_record(external_id: str, furnisher: FurnisherDep, session: SessionDep) -> RecordDetail:
    record = service.get(session=session, furnisher_id=furnisher.id, external_id=external_id)
    return _detail(session, furnisher, record)


@router.put("/records/{external_id}", response_model=RecordDetail, summary="Correct a record")
def correct_record(
    external_id: str,
    body: RecordCorrection,
    furnisher: FurnisherDep,
    session: SessionDep,
    settings: SettingsDep,
) -> RecordDetail:
    """A correction adds a version; the superseded one stays in the record's history."""
    record, changed = disputes.correct_envelope(
        session=session,
        furnisher_id=furnisher.id,
        categories=furnisher.categories,
        secret=settings.secret.get_secret_value().encode(),
        external_id=external_id,
        envelope=body.envelope(),
        actor=f"furnisher:{furnisher.id}",
    )
    return _detail(session, furnisher, record, changed)


@router.delete("/records/{external_id}", response_model=RecordDetail, summary="Delete a record")
def delete_record(external_id: str, furnisher: FurnisherDep, session: SessionDep) -> RecordDetail:
    """Marks the record deleted; its versions stay in history. Deleting twice changes nothing."""
    record = disputes.delete_record(
        session=session,
        furnisher_id=furnisher.id,
        external_id=external_id,
        actor=f"furnisher:{furnisher.id}",
    )
    return _detail(session, furnisher, record)
