"""The public register: anonymous, read-only organisation look-up; the organisation's answers.

Public answers carry a strong ``ETag`` made from the store's change counter (the audit
log's head: every change to a record, list, statement, grade or rating appends to it) and
the day, so a conditional request is answered 304 after one primary-key read, before any
work. Each client address has a token bucket (``CREDO_PUBLIC_RATE`` / ``_BURST``).
"""

from __future__ import annotations

import hashlib
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.access.ratelimit import TokenBuckets, retry_after
from credo.api.deps import OperatorDep, SessionDep, SubjectDep
from credo.api.schemas import ERROR_RESPONSES, ErrorBody
from credo.core import clock
from credo.core.audit import AuditHead
from credo.errors import InvalidInput
from credo.register import appeals, public, service
from credo.register import search as org_search
from credo.register.policy import load
from credo.subjects.models import Subject

MAX_QUERY = 200
PER_PAGE = 20
MAX_PAGE = 50
CACHE = "public, max-age=60, must-revalidate"
DEFAULT_RATE, DEFAULT_BURST = 20.0, 60

RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match ETag is current"},
    429: {"model": ErrorBody, "description": "Too many requests from this address (Retry-After)"},
}
router = APIRouter(
    prefix="/v1/public", tags=["public"], responses={**ERROR_RESPONSES, **RATE_LIMITED}
)
me_router = APIRouter(prefix="/v1/me/ratings", tags=["subject"], responses=ERROR_RESPONSES)
admin_router = APIRouter(
    prefix="/v1/admin/register", tags=["operator"], responses=ERROR_RESPONSES
)
_lock = threading.Lock()


def _limiter(request: Request) -> TokenBuckets:
    state = request.app.state
    buckets: TokenBuckets | None = getattr(state, "public_limiter", None)
    if buckets is None:
        with _lock:
            buckets = getattr(state, "public_limiter", None)
            if buckets is None:
                settings = state.settings
                buckets = TokenBuckets(
                    float(getattr(settings, "public_rate", DEFAULT_RATE)),
                    int(getattr(settings, "public_burst", DEFAULT_BURST)),
                )
                state.public_limiter = buckets
    return buckets


def limit_address(request: Request) -> None:
    """429 with Retry-After once the client address has spent its bucket."""
    address = request.client.host if request.client else "unknown"
    wait = _limiter(request).take(address)
    if wait:
        raise HTTPException(
            429,
            f"rate limit for this address exceeded; retry in {retry_after(wait)} s",
            headers={"Retry-After": retry_after(wait)},
        )


Limited = Annotated[None, Depends(limit_address)]


def etag(session: Session, key: str) -> str:
    """A strong validator: the store's change counter, the day and what was asked."""
    seq = session.execute(select(AuditHead.seq).where(AuditHead.id == 1)).scalar() or 0
    digest = hashlib.sha256(f"{seq}|{clock.today().isoformat()}|{key}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def _fresh(request: Request, tag: str) -> bool:
    sent = request.headers.get("if-none-match", "")
    return any(t.strip() in (tag, f"W/{tag}", "*") for t in sent.split(",") if t.strip())


def _cached(request: Request, response: Response, session: Session) -> tuple[str, Response | None]:
    tag = etag(session, str(request.url.path) + "?" + str(request.url.query))
    headers = {"ETag": tag, "Cache-Control": CACHE}
    if _fresh(request, tag):
        return tag, Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return tag, None


class Hit(BaseModel):
    uscc: str = Field(description="Unified social credit code (GB 32100)")
    name: str
    grade: str | None = Field(description="Public credit grade A-D (null until first graded)")
    ratings: dict[str, Any] = Field(description="Safety ratings 0-5 by domain, with status")


class SearchOut(BaseModel):
    query: str
    page: int
    per_page: int
    hits: list[Hit]
    next_page: int | None


@router.get(
    "/organisations",
    response_model=SearchOut,
    summary="Search organisations by name words, USCC or USCC prefix",
)
def search_organisations(
    request: Request,
    response: Response,
    session: SessionDep,
    _limited: Limited,
    q: Annotated[str, Query(description="Name words, a USCC or its prefix")] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Any:
    """Every word matches as a prefix; punctuation (FTS syntax included) is ignored."""
    if len(q) > MAX_QUERY:
        raise InvalidInput(
            f"q is {len(q)} characters long; at most {MAX_QUERY}",
            details=[{"field": "q", "value": q[:40]}],
        )
    not_modified = _cached(request, response, session)[1]
    if not_modified is not None:
        return not_modified
    found = org_search.search(session=session, query=q, limit=page * PER_PAGE + 1) if q else []
    more = len(found) > page * PER_PAGE
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    ids = dict(
        session.execute(
            select(Subject.display_id, Subject.id).where(
                Subject.scheme == "cn_uscc",
                Subject.kind == "organisation",
                Subject.display_id.in_([h.uscc for h in shown]),
            )
        ).all()
    )
    summary = service.summaries(session=session, subject_ids=list(ids.values()))
    empty: dict[str, Any] = {"grade": None, "ratings": {}}
    hits = [Hit(uscc=h.uscc, name=h.name, **summary.get(ids.get(h.uscc, -1), empty)) for h in shown]
    return SearchOut(
        query=q, page=page, per_page=PER_PAGE, hits=hits, next_page=page + 1 if more else None
    )


@router.get(
    "/organisations/{uscc}",
    summary="An organisation's public record: grade, safety ratings, lists, records",
)
def organisation(
    request: Request,
    response: Response,
    session: SessionDep,
    _limited: Limited,
    uscc: Annotated[str, Path(max_length=64)],
) -> Any:
    """Everything the organisation's page shows, as JSON. 404 says why (malformed/unknown)."""
    not_modified = _cached(request, response, session)[1]
    if not_modified is not None:
        return not_modified
    return public.record(session=session, uscc=uscc)


@router.get("/grade-policy", summary="The grade and safety-rating policy in force (TOML)")
def grade_policy(request: Request, _: Limited) -> Response:
    policy = load()
    tag = f'"{policy.digest[:32]}"'
    headers = {"ETag": tag, "Cache-Control": CACHE, "X-Policy-Version": str(policy.version)}
    if _fresh(request, tag):
        return Response(status_code=304, headers=headers)
    return Response(policy.source, media_type="text/plain; charset=utf-8", headers=headers)


# --- the organisation's answers (subject token for its cn_uscc) ----------------------------


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=appeals.MAX_TEXT)


class RequestIn(BaseModel):
    reason: str = Field(min_length=1, max_length=appeals.MAX_TEXT)


class RequestOut(BaseModel):
    id: int
    domain: str
    kind: str
    state: str
    reason: str
    rating_at_open: int
    opened_at: str
    decided_at: str | None
    decided_rating: int | None
    note: str | None


class DecisionIn(BaseModel):
    outcome: str = Field(description="appeal: upheld | dismissed; rerating: done | dismissed")
    rating: int | None = Field(default=None, ge=0, le=5)
    note: str = Field(default="", max_length=appeals.MAX_TEXT)


def _request_out(r: Any) -> RequestOut:
    return RequestOut(
        id=r.id,
        domain=r.domain,
        kind=r.kind,
        state=r.state,
        reason=r.reason,
        rating_at_open=r.rating_at_open,
        opened_at=r.opened_at.isoformat(),
        decided_at=r.decided_at.isoformat() if r.decided_at else None,
        decided_rating=r.decided_rating,
        note=r.note,
    )


@me_router.get("", summary="Your organisation's safety ratings, replies and requests")
def my_ratings(subject: SubjectDep, session: SessionDep) -> dict[str, Any]:
    appeals._organisation(session, subject.id)
    return {
        "ratings": service.ratings_of(session=session, subject_ids=[subject.id]).get(
            subject.id, []
        ),
        "requests": [
            _request_out(r).model_dump()
            for r in appeals.requests_of(session=session, subject_id=subject.id)
        ],
    }


@me_router.post("/{domain}/reply", status_code=201, summary="Publish a reply beside a rating")
def reply(domain: str, body: TextIn, subject: SubjectDep, session: SessionDep) -> dict[str, Any]:
    row = appeals.reply(session=session, subject_id=subject.id, domain=domain, text=body.text)
    return {"domain": row.domain, "text": row.text, "published_at": row.created_at.isoformat()}


@me_router.delete("/{domain}/reply", summary="Withdraw your reply beside a rating")
def withdraw(domain: str, subject: SubjectDep, session: SessionDep) -> dict[str, int]:
    return {
        "withdrawn": appeals.withdraw_reply(session=session, subject_id=subject.id, domain=domain)
    }


@me_router.post(
    "/{domain}/appeal",
    status_code=201,
    response_model=RequestOut,
    summary="Appeal a rating (within 21 days of its publication)",
)
def appeal(domain: str, body: RequestIn, subject: SubjectDep, session: SessionDep) -> RequestOut:
    row = appeals.request(
        session=session, subject_id=subject.id, domain=domain, kind="appeal", reason=body.reason
    )
    return _request_out(row)


@me_router.post(
    "/{domain}/rerating",
    status_code=201,
    response_model=RequestOut,
    summary="Ask to be re-rated after putting things right",
)
def rerating(domain: str, body: RequestIn, subject: SubjectDep, session: SessionDep) -> RequestOut:
    row = appeals.request(
        session=session, subject_id=subject.id, domain=domain, kind="rerating", reason=body.reason
    )
    return _request_out(row)


@admin_router.get(
    "/requests", response_model=list[RequestOut], summary="Open appeals and re-rating requests"
)
def open_requests(_: OperatorDep, session: SessionDep) -> list[RequestOut]:
    return [_request_out(r) for r in appeals.open_requests(session=session)]


@admin_router.post(
    "/requests/{request_id}/decision",
    response_model=RequestOut,
    summary="Decide an appeal or close a re-rating request",
)
def decide(
    request_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: DecisionIn,
    _: OperatorDep,
    session: SessionDep,
) -> RequestOut:
    row = appeals.decide(
        session=session,
        request_id=request_id,
        outcome=body.outcome,
        rating=body.rating,
        note=body.note,
    )
    return _request_out(row)


@admin_router.post("/publish", summary="Recompute and publish every grade and safety rating")
def publish(_: OperatorDep, session: SessionDep) -> dict[str, int]:
    return service.publish(session=session)
