"""Subject rights endpoints: disputes, statements; the furnisher's dispute queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, UploadFile

from credo.api.deps import FurnisherDep, OperatorDep, SessionDep, SettingsDep, SubjectDep
from credo.api.routers.access import PartyDep
from credo.api.schemas import ERROR_RESPONSES, IdPath
from credo.core.types import MAX_ID
from credo.rights import disputes, proofs, report, reviews, statements
from credo.rights.models import Proof
from credo.rights.schemas import (
    DisputeAnswer,
    DisputeIn,
    DisputeOut,
    FurnisherDispute,
    ProofDecision,
    ProofOut,
    ReviewDecision,
    ReviewIn,
    ReviewOut,
    StatementIn,
    StatementOut,
    SubjectReport,
)

router = APIRouter(prefix="/v1", responses=ERROR_RESPONSES)


def _out(d: disputes.Dispute) -> DisputeOut:
    return DisputeOut.model_validate(d, from_attributes=True)


def _proofs(rows: list[Proof]) -> list[ProofOut]:
    return [ProofOut(**proofs.describe(p)) for p in rows]


@router.post(
    "/me/disputes",
    response_model=DisputeOut,
    status_code=201,
    tags=["subject"],
    summary="Dispute one of your records",
)
def open_dispute(
    body: DisputeIn, subject: SubjectDep, session: SessionDep, settings: SettingsDep
) -> DisputeOut:
    """The record is marked disputed at once; its furnisher must answer by the deadline."""
    dispute = disputes.open_dispute(
        session=session,
        subject_id=subject.id,
        record_id=body.record_id,
        reason=body.reason,
        days=settings.dispute_days,
    )
    return _out(dispute)


@router.get(
    "/me/disputes",
    response_model=list[DisputeOut],
    tags=["subject"],
    summary="Your disputes and their outcomes",
)
def my_disputes(subject: SubjectDep, session: SessionDep) -> list[DisputeOut]:
    return [_out(d) for d in disputes.for_subject(session=session, subject_id=subject.id)]


@router.post(
    "/me/statements",
    response_model=StatementOut,
    status_code=201,
    tags=["subject"],
    summary="Attach a statement to one of your records",
)
def attach_statement(body: StatementIn, subject: SubjectDep, session: SessionDep) -> StatementOut:
    """Your right of reply: shown wherever the record is shown (500 characters at most)."""
    s = statements.attach(
        session=session, subject_id=subject.id, record_id=body.record_id, text=body.text
    )
    return StatementOut(id=s.id, record_id=s.record_id, text=s.text, created_at=s.created_at)


@router.get(
    "/furnisher/disputes",
    response_model=list[FurnisherDispute],
    tags=["furnisher"],
    summary="Open disputes on your records",
)
def furnisher_disputes(furnisher: FurnisherDep, session: SessionDep) -> list[FurnisherDispute]:
    queue = disputes.furnisher_queue(session=session, furnisher_id=furnisher.id)
    return [FurnisherDispute(**item) for item in queue]


@router.post(
    "/furnisher/disputes/{dispute_id}",
    response_model=DisputeOut,
    tags=["furnisher"],
    summary="Answer a dispute: verified, corrected or deleted",
)
def answer_dispute(
    dispute_id: IdPath,
    body: DisputeAnswer,
    furnisher: FurnisherDep,
    session: SessionDep,
    settings: SettingsDep,
) -> DisputeOut:
    dispute = disputes.answer_envelope(
        session=session,
        furnisher_id=furnisher.id,
        categories=furnisher.categories,
        secret=settings.secret.get_secret_value().encode(),
        dispute_id=dispute_id,
        outcome=body.outcome,
        envelope=body.correction.envelope() if body.correction is not None else None,
        note=body.note,
    )
    return _out(dispute)


@router.get("/me/report", tags=["subject"], summary="Everything credo holds on you")
def my_report(subject: SubjectDep, session: SessionDep) -> SubjectReport:
    """Records with versions and statements, score with reasons and what would raise it,
    history, ledgers, lists and pending listings, inquiries, consents, disputes, reviews,
    and what was removed and why."""
    return report.build(session=session, subject=subject)


@router.post(
    "/me/reviews",
    response_model=ReviewOut,
    status_code=201,
    tags=["subject"],
    summary="Ask for human review of an adverse decision",
)
def request_review(body: ReviewIn, subject: SubjectDep, session: SessionDep) -> ReviewOut:
    review = reviews.request(
        session=session, subject_id=subject.id, decision_id=body.decision_id, reason=body.reason
    )
    return ReviewOut(**reviews.describe(review))


@router.get("/admin/reviews", tags=["operator"], summary="Open human reviews with their inputs")
def review_queue(_operator: OperatorDep, session: SessionDep) -> list[dict[str, Any]]:
    return reviews.queue(session=session)


@router.post(
    "/admin/reviews/{review_id}",
    response_model=ReviewOut,
    tags=["operator"],
    summary="Record a review's outcome",
)
def decide_review(
    review_id: IdPath, body: ReviewDecision, _operator: OperatorDep, session: SessionDep
) -> ReviewOut:
    review = reviews.decide(
        session=session, review_id=review_id, outcome=body.outcome, note=body.note
    )
    return ReviewOut(**reviews.describe(review))


@router.post(
    "/me/proofs",
    response_model=ProofOut,
    status_code=201,
    tags=["subject"],
    summary="Send proof of fulfilment (a PDF or image and a note) for one of your records",
)
async def send_proof(
    subject: SubjectDep,
    session: SessionDep,
    settings: SettingsDep,
    record_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    note: Annotated[str, Form(max_length=2000)],
    document: Annotated[UploadFile, File()],
) -> ProofOut:
    """Multipart form: ``record_id``, ``note``, ``document``. The furnisher answers within
    3 working days, else the operator; accepted, it lifts the restriction at once."""
    data = await document.read(settings.proof_max_bytes + 1)
    proof = proofs.submit(
        session=session,
        subject_id=subject.id,
        record_id=record_id,
        note=note,
        filename=document.filename or "document",
        media_type=document.content_type or "",
        data=data,
        max_bytes=settings.proof_max_bytes,
    )
    return ProofOut(**proofs.describe(proof))


@router.get(
    "/me/proofs", response_model=list[ProofOut], tags=["subject"], summary="Your proofs"
)
def my_proofs(subject: SubjectDep, session: SessionDep) -> list[ProofOut]:
    return _proofs(proofs.for_subject(session=session, subject_id=subject.id))


@router.get(
    "/furnisher/proofs",
    response_model=list[ProofOut],
    tags=["furnisher"],
    summary="Proofs of fulfilment waiting for your answer",
)
def furnisher_proofs(furnisher: FurnisherDep, session: SessionDep) -> list[ProofOut]:
    return _proofs(proofs.queue(session=session, furnisher_id=furnisher.id))


@router.post(
    "/furnisher/proofs/{proof_id}",
    response_model=ProofOut,
    tags=["furnisher"],
    summary="Accept or reject a proof of fulfilment",
)
def answer_proof(
    proof_id: IdPath, body: ProofDecision, furnisher: FurnisherDep, session: SessionDep
) -> ProofOut:
    proof = proofs.decide(
        session=session,
        proof_id=proof_id,
        accept=body.outcome == "accepted",
        note=body.note,
        furnisher_id=furnisher.id,
    )
    return ProofOut(**proofs.describe(proof))


@router.get(
    "/admin/proofs",
    response_model=list[ProofOut],
    tags=["operator"],
    summary="Proofs their furnishers did not answer by the deadline",
)
def operator_proofs(_operator: OperatorDep, session: SessionDep) -> list[ProofOut]:
    return _proofs(proofs.queue(session=session, furnisher_id=None))


@router.post(
    "/admin/proofs/{proof_id}",
    response_model=ProofOut,
    tags=["operator"],
    summary="Accept or reject a proof past its furnisher's deadline",
)
def decide_proof(
    proof_id: IdPath, body: ProofDecision, _operator: OperatorDep, session: SessionDep
) -> ProofOut:
    proof = proofs.decide(
        session=session, proof_id=proof_id, accept=body.outcome == "accepted", note=body.note
    )
    return ProofOut(**proofs.describe(proof))


@router.get(
    "/decisions/{decision_id}",
    tags=["relying party"],
    summary="A decision's current outcome, after any human review",
)
def decision_outcome(
    decision_id: Annotated[str, Path(min_length=1, max_length=40)],
    party: PartyDep,
    session: SessionDep,
) -> dict[str, Any]:
    """The original answer and the current one: an overturned refusal answers eligible."""
    return reviews.for_party(session=session, party_id=party.id, decision_id=decision_id)
