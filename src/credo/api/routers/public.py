"""The public register: anonymous, read-only organisation look-up; the organisation's answers.

Public answers carry a strong ``ETag`` made from the store's change counter (the audit
log's head: every change to a record, list, statement, grade or rating appends to it) and
the day, so a conditional request is answered 304 after one primary-key read, before any
work. Each client address has a token bucket (``CREDO_PUBLIC_RATE`` / ``_BURST``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.access.ratelimit import Limiter, held, retry_after
from credo.api.deps import OperatorDep, SessionDep, SubjectDep
from credo.api.schemas import ERROR_RESPONSES, ErrorBody, IdPath
from credo.core import clock
from credo.core.audit import AuditHead
from credo.errors import InvalidInput
from credo.register import appeals, public, service
from credo.register import search as org_search
from credo.register.policy import load

MAX_QUERY = 200
MAX_PAGE = 50
CACHE = "public, max-age=60, must-revalidate"

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
def _limiter(request: Request | None = None, *, state: Any = None) -> Limiter:
    """Per-address token buckets every API process of this store shares (CREDO_PUBLIC_RATE)."""
    state = state if state is not None else request.app.state  # type: ignore[union-attr]
    settings = state.settings
    return held(state, "public_limiter", settings.public_rate, settings.public_burst)


def _address(client: Any) -> str:
    return f"public:{client[0] if client else 'unknown'}"


def limit_address(request: Request) -> None:
    """429 with Retry-After once the client address has spent its bucket."""
    if request.scope.get("credo.limited"):  # NotModified already spent this request's token
        return
    wait = _limiter(request).take(_address(request.scope.get("client")))
    if wait:
        raise HTTPException(
            429,
            f"rate limit for this address exceeded; retry in {retry_after(wait)} s",
            headers={"Retry-After": retry_after(wait)},
        )


Limited = Annotated[None, Depends(limit_address)]


HEAD_SEQ = select(AuditHead.seq).where(AuditHead.id == 1)


def _tag(seq: int | None, scope: Any) -> str:
    """A strong validator: the store's change counter, the day and what was asked."""
    key = f"{seq or 0}|{clock.today().isoformat()}|{scope['path']}?"
    digest = hashlib.sha256(key.encode() + scope.get("query_string", b"")).hexdigest()
    return f'"{digest[:32]}"'


def etag(session: Session, scope: Any) -> str:
    return _tag(session.execute(HEAD_SEQ).scalar(), scope)


def _matches(sent: str, tag: str) -> bool:
    return any(t.strip() in (tag, f"W/{tag}", "*") for t in sent.split(",") if t.strip())


def _fresh(request: Request, tag: str) -> bool:
    return _matches(request.headers.get("if-none-match", ""), tag)


def _cached(request: Request, response: Response, session: Session) -> tuple[str, Response | None]:
    tag = etag(session, request.scope)
    headers = {"ETag": tag, "Cache-Control": CACHE}
    if _fresh(request, tag):
        return tag, Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return tag, None


class NotModified:
    """ASGI middleware answering a conditional GET of a public record with 304 before routing.

    The validator needs one primary-key read, so a revalidation skips the framework's
    routing, validation and session set-up; the address's rate limit still applies.
    Everything else passes through untouched.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith("/v1/public/organisations")
        ):
            await self.app(scope, receive, send)
            return
        sent = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        if sent is None:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        client = scope.get("client")
        if _limiter(state=state).take(_address(client)):
            await self.app(scope, receive, send)  # the route answers the 429
            return
        scope["credo.limited"] = True
        with state.engine.connect() as connection:  # one primary-key read
            tag = _tag(connection.execute(HEAD_SEQ).scalar(), scope)
        if not _matches(sent.decode("latin-1"), tag):
            await self.app(scope, receive, send)
            return
        headers = [(b"etag", tag.encode()), (b"cache-control", CACHE.encode())]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def install(app: Any) -> None:
    """Add the 304 fast path in front of the app (see :class:`NotModified`)."""
    app.add_middleware(NotModified)


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
    return SearchOut(**org_search.graded_page(session=session, query=q, page=page))


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
    tag, not_modified = _cached(request, response, session)
    if not_modified is not None:
        return not_modified
    body = json.dumps(public.record(session=session, uscc=uscc), ensure_ascii=False,
                      separators=(",", ":"))
    return Response(body, media_type="application/json",
                    headers={"ETag": tag, "Cache-Control": CACHE})


@router.get(
    "/grade-policy",
    summary="The grade and safety-rating policy in force (TOML)",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
    },
)
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
    """An unknown field is refused (a misspelt ``note`` was dropped); the rating is a JSON
    integer (``true`` was taken as 1)."""

    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(
        max_length=16, description="appeal: upheld | dismissed; rerating: done | dismissed"
    )
    rating: int | None = Field(
        default=None, ge=0, le=5, strict=True, description="the new rating, for upheld only"
    )
    note: str = Field(default="", max_length=appeals.MAX_TEXT)


def _request_out(r: Any) -> RequestOut:
    """The request's fields as stored, its times as ISO text."""
    values = {name: getattr(r, name) for name in RequestOut.model_fields}
    values["opened_at"] = r.opened_at.isoformat()
    values["decided_at"] = r.decided_at.isoformat() if r.decided_at else None
    return RequestOut(**values)


@me_router.get("", summary="Your organisation's safety ratings, replies and requests")
def my_ratings(subject: SubjectDep, session: SessionDep) -> dict[str, Any]:
    ratings, requests = appeals.own_ratings(session=session, subject_id=subject.id)
    return {"ratings": ratings, "requests": [_request_out(r).model_dump() for r in requests]}


@me_router.post("/{domain}/reply", status_code=201, summary="Publish a reply beside a rating")
def reply(domain: str, body: TextIn, subject: SubjectDep, session: SessionDep) -> dict[str, Any]:
    row = appeals.reply(session=session, subject_id=subject.id, domain=domain, text=body.text)
    return {"domain": row.domain, "text": row.text, "published_at": row.created_at.isoformat()}


@me_router.delete("/{domain}/reply", summary="Withdraw your reply beside a rating")
def withdraw(domain: str, subject: SubjectDep, session: SessionDep) -> dict[str, int]:
    return {
        "withdrawn": appeals.withdraw_reply(session=session, subject_id=subject.id, domain=domain)
    }


def _request_route(kind: str, summary: str) -> None:
    """``POST /{domain}/<kind>``: open an appeal or a re-rating request (one route per kind)."""

    def ask(domain: str, body: RequestIn, subject: SubjectDep, session: SessionDep) -> RequestOut:
        row = appeals.request(
            session=session, subject_id=subject.id, domain=domain, kind=kind, reason=body.reason
        )
        return _request_out(row)

    me_router.add_api_route(
        f"/{{domain}}/{kind}",
        ask,
        methods=["POST"],
        status_code=201,
        response_model=RequestOut,
        summary=summary,
        name=kind,
    )


_request_route("appeal", "Appeal a rating (within 21 days of its publication)")
_request_route("rerating", "Ask to be re-rated after putting things right")


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
    request_id: IdPath,
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
