"""Subject rights endpoints: disputes, statements, reviews and proofs; the furnisher's and the
operator's queues of them. Each audience has its router (its tag); bodies are the domain
function's parameters, answers the domain's description of what was stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Path, UploadFile

from credo.api.deps import FurnisherDep, OperatorDep, SessionDep, SettingsDep, SubjectDep
from credo.api.routers.access import PartyDep
from credo.api.routing import audience, joined
from credo.api.schemas import IdPath
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

me_router = audience("/v1/me", "subject")
furnisher_router = audience("/v1/furnisher", "furnisher")
admin_router = audience("/v1/admin", "operator")
party_router = audience("/v1", "relying party")


def _dispute(d: disputes.Dispute) -> DisputeOut:
    return DisputeOut.model_validate(d, from_attributes=True)


def _proofs(rows: list[Proof]) -> list[ProofOut]:
    return [ProofOut(**proofs.describe(p)) for p in rows]


@me_router.post("/disputes", status_code=201, summary="Dispute one of your records")
def open_dispute(
    body: DisputeIn, subject: SubjectDep, session: SessionDep, settings: SettingsDep
) -> DisputeOut:
    """The record is marked disputed at once; its furnisher must answer by the deadline."""
    return _dispute(
        disputes.open_dispute(
            session=session,
            subject_id=subject.id,
            record_id=body.record_id,
            reason=body.reason,
            days=settings.dispute_days,
        )
    )


@me_router.get("/disputes", summary="Your disputes and their outcomes")
def my_disputes(subject: SubjectDep, session: SessionDep) -> list[DisputeOut]:
    return [_dispute(d) for d in disputes.for_subject(session=session, subject_id=subject.id)]


@me_router.post("/statements", status_code=201, summary="Attach a statement to one of your records")
def attach_statement(body: StatementIn, subject: SubjectDep, session: SessionDep) -> StatementOut:
    """Your right of reply: shown wherever the record is shown (500 characters at most)."""
    said = statements.attach(
        session=session, subject_id=subject.id, record_id=body.record_id, text=body.text
    )
    return StatementOut.model_validate(said, from_attributes=True)


@me_router.get("/report", summary="Everything credo holds on you")
def my_report(subject: SubjectDep, session: SessionDep) -> SubjectReport:
    """Records with versions and statements, score with reasons and what would raise it,
    history, ledgers, lists and pending listings, inquiries, consents, disputes, reviews,
    and what was removed and why."""
    return report.build(session=session, subject=subject)


@me_router.post(
    "/reviews", status_code=201, summary="Ask for human review of an adverse decision"
)
def request_review(body: ReviewIn, subject: SubjectDep, session: SessionDep) -> ReviewOut:
    review = reviews.request(
        session=session, subject_id=subject.id, decision_id=body.decision_id, reason=body.reason
    )
    return ReviewOut(**reviews.describe(review))


@me_router.post(
    "/proofs",
    status_code=201,
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
    proof = proofs.submit(
        session=session,
        subject_id=subject.id,
        record_id=record_id,
        note=note,
        filename=document.filename or "document",
        media_type=document.content_type or "",
        data=await document.read(settings.proof_max_bytes + 1),
        max_bytes=settings.proof_max_bytes,
        size=document.size,
    )
    return ProofOut(**proofs.describe(proof))


@me_router.get("/proofs", summary="Your proofs")
def my_proofs(subject: SubjectDep, session: SessionDep) -> list[ProofOut]:
    return _proofs(proofs.for_subject(session=session, subject_id=subject.id))


@furnisher_router.get("/disputes", summary="Open disputes on your records")
def furnisher_disputes(furnisher: FurnisherDep, session: SessionDep) -> list[FurnisherDispute]:
    queue = disputes.furnisher_queue(session=session, furnisher_id=furnisher.id)
    return [FurnisherDispute(**item) for item in queue]


@furnisher_router.post(
    "/disputes/{dispute_id}", summary="Answer a dispute: verified, corrected or deleted"
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
    return _dispute(dispute)


# A proof's answer is the furnisher's until its deadline, the operator's after it: the two
# queues and the two answers differ only in whose they are (``furnisher_id`` None: the operator).


def _decide_proof(
    session: SessionDep, proof_id: int, body: ProofDecision, furnisher_id: str | None
) -> ProofOut:
    accept = body.outcome == "accepted"
    proof = proofs.decide(
        session=session, proof_id=proof_id, accept=accept, note=body.note, furnisher_id=furnisher_id
    )
    return ProofOut(**proofs.describe(proof))


@furnisher_router.get("/proofs", summary="Proofs of fulfilment waiting for your answer")
def furnisher_proofs(furnisher: FurnisherDep, session: SessionDep) -> list[ProofOut]:
    return _proofs(proofs.queue(session=session, furnisher_id=furnisher.id))


@furnisher_router.post("/proofs/{proof_id}", summary="Accept or reject a proof of fulfilment")
def answer_proof(
    proof_id: IdPath, body: ProofDecision, furnisher: FurnisherDep, session: SessionDep
) -> ProofOut:
    return _decide_proof(session, proof_id, body, furnisher.id)


@admin_router.get("/reviews", summary="Open human reviews with their inputs")
def review_queue(_operator: OperatorDep, session: SessionDep) -> list[dict[str, Any]]:
    return reviews.queue(session=session)


@admin_router.post("/reviews/{review_id}", summary="Record a review's outcome")
def decide_review(
    review_id: IdPath, body: ReviewDecision, _operator: OperatorDep, session: SessionDep
) -> ReviewOut:
    review = reviews.decide(
        session=session, review_id=review_id, outcome=body.outcome, note=body.note
    )
    return ReviewOut(**reviews.describe(review))


@admin_router.get("/proofs", summary="Proofs their furnishers did not answer by the deadline")
def operator_proofs(_operator: OperatorDep, session: SessionDep) -> list[ProofOut]:
    return _proofs(proofs.queue(session=session, furnisher_id=None))


@admin_router.post(
    "/proofs/{proof_id}", summary="Accept or reject a proof past its furnisher's deadline"
)
def decide_proof(
    proof_id: IdPath, body: ProofDecision, _operator: OperatorDep, session: SessionDep
) -> ProofOut:
    return _decide_proof(session, proof_id, body, None)


@party_router.get(
    "/decisions/{decision_id}", summary="A decision's current outcome, after any human review"
)
def decision_outcome(
    decision_id: Annotated[str, Path(min_length=1, max_length=40)],
    party: PartyDep,
    session: SessionDep,
) -> dict[str, Any]:
    """The original answer and the current one: an overturned refusal answers eligible."""
    return reviews.for_party(session=session, party_id=party.id, decision_id=decision_id)


router = joined(me_router, furnisher_router, admin_router, party_router)
