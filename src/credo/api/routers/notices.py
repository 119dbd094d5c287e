"""Notices: a subject's inbox and opt-ins, e-mailed sign-in links, the operator's failures."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from credo.api.deps import OperatorDep, SessionDep, SettingsDep, SubjectDep
from credo.api.errors import error_body
from credo.api.routing import audience, joined
from credo.api.schemas import IdPath
from credo.notices import service, signin

me_router = audience("/v1/me/notices", "subject")
signin_router = audience("/v1/signin", "subject")
admin_router = audience("/v1/admin/notices", "operator")


class NoticeLink(BaseModel):
    label: str
    url: str


class NoticeOut(BaseModel):
    """One notice as the subject reads it: what happened, why, what it means, what to do."""

    id: int
    kind: str
    created_at: str
    read: bool
    title: str
    what: str
    why: str
    means: str
    can_do: str
    links: list[NoticeLink]
    email: dict[str, Any] | None = Field(
        description="The e-mail copy's state (pending, sent, skipped, undeliverable) or null"
    )


class Inbox(BaseModel):
    notices: list[NoticeOut]
    unread: int
    contact: dict[str, Any]


class Preferences(BaseModel):
    inquiries: bool = Field(description="A notice for every inquiry about you (credit monitoring)")


class SigninRequestIn(BaseModel):
    scheme: str = Field(max_length=32, description="Identifier scheme, e.g. cn_ric")
    id: str = Field(max_length=64, description="Your identifier")
    email: str = Field(max_length=254, description="The e-mail address an identity check confirmed")


class SigninAnswer(BaseModel):
    message: str


@me_router.get("", summary="Your notices")
def my_notices(subject: SubjectDep, session: SessionDep, settings: SettingsDep) -> Inbox:
    """Every notice credo sent you, newest first, with your contact details and opt-ins."""
    notices = service.inbox(session=session, subject_id=subject.id, base_url=settings.public_url)
    return Inbox(
        notices=[NoticeOut(**n) for n in notices],
        unread=service.unread(session=session, subject_id=subject.id),
        contact=service.contact_view(session=session, subject_id=subject.id),
    )


@me_router.post("/{notice_id}/read", status_code=204, summary="Mark a notice read")
def read_notice(notice_id: IdPath, subject: SubjectDep, session: SessionDep) -> None:
    service.mark_read(session=session, subject_id=subject.id, notice_id=notice_id)


@me_router.put("/preferences", summary="Opt in to (or out of) a notice for every inquiry")
def set_preferences(body: Preferences, subject: SubjectDep, session: SessionDep) -> Preferences:
    service.set_inquiries(session=session, subject_id=subject.id, on=body.inquiries)
    return body


@signin_router.post(
    "/links",
    response_model=SigninAnswer,
    status_code=202,
    summary="E-mail me a single-use sign-in link",
    responses={429: {"description": "Too many links for this identifier or address"}},
)
def signin_link(
    body: SigninRequestIn, session: SessionDep, settings: SettingsDep
) -> SigninAnswer | JSONResponse:
    """The same answer whether or not the identifier and address are on file together."""
    try:
        answer = signin.request_link(
            session=session,
            settings=settings,
            scheme=body.scheme,
            identifier=body.id,
            email=body.email,
        )
    except signin.RateLimited as exc:
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details),
            status_code=429,
            headers={"Retry-After": "3600"},
        )
    return SigninAnswer(message=answer)


@admin_router.get(
    "/undeliverable", summary="Notices that could not be delivered after every attempt"
)
def undeliverable(_: OperatorDep, session: SessionDep) -> list[dict[str, Any]]:
    return service.undeliverable(session=session)


router = joined(me_router, signin_router, admin_router)
