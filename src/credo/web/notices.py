"""Portal pages for notices: the inbox, signing in by an e-mailed link (no operator needed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from credo.errors import InvalidInput, Unauthenticated
from credo.notices import service, signin
from credo.subjects.models import Subject
from credo.web import sessions
from credo.web.deps import SessionDep, SettingsDep
from credo.web.portal import signed_in
from credo.web.render import SUBJECT_COOKIE, form, page, redirect

router = APIRouter(prefix="/me", include_in_schema=False)
SCHEMES = ("cn_ric", "cn_uscc")


@router.get("/inbox", response_class=HTMLResponse, response_model=None)
def inbox(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Every notice credo sent the subject; opening the inbox marks them read."""
    subject = signed_in(request, session)
    if subject is None:
        return redirect("/me/signin")
    # links relative to this site: the page is read here, whatever public_url (for e-mail) says
    notices = service.inbox(session=session, subject_id=subject.id, base_url="")
    for notice in notices:
        if not notice["read"]:
            service.mark_read(session=session, subject_id=subject.id, notice_id=notice["id"])
    context = {
        "area": "me",
        "subject": subject,
        "notices": notices,
        "contact": service.contact_view(session=session, subject_id=subject.id),
        **sessions.form_context(request, settings, SUBJECT_COOKIE),
    }
    return page(request, "inbox.html", context, private=True)


@sessions.form_post(router, "/inbox/preferences", sessions.authorised, "/me/inbox?done=preferences")
def preferences(post: sessions.Post[Subject]) -> None:
    """Opt in to (or out of) a notice for every inquiry."""
    on = post.data.get("inquiries") == "on"
    service.set_inquiries(session=post.session, subject_id=post.who.id, on=on)


@router.post("/signin/email", response_model=None)
async def signin_by_email(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Ask for a sign-in link; the page says the same whether or not the pair is on file."""
    data = await form(request)
    scheme = data.get("scheme", "cn_ric")
    try:
        if scheme not in SCHEMES:
            raise InvalidInput(
                f"scheme {scheme!r} is not one of {', '.join(SCHEMES)}",
                details=[{"field": "scheme", "value": scheme}],
            )
        answer = signin.request_link(
            session=session,
            settings=settings,
            scheme=scheme,
            identifier=data.get("identifier", "").strip(),
            email=data.get("email", ""),
        )
    except signin.RateLimited as exc:
        context = {"area": "me", "error": exc.message, "email_error": True}
        return sessions.signin_page(request, settings, context, status=429)
    except InvalidInput as exc:  # the sign-in page again, its token form's login CSRF included
        context = {"area": "me", "error": exc.message, "email_error": True}
        return sessions.signin_page(request, settings, context, status=422)
    return page(request, "signin_sent.html", {"area": "me", "message": answer}, private=True)


@router.get("/link/{token}", response_class=HTMLResponse, response_model=None)
def link(request: Request, token: str, session: SessionDep, settings: SettingsDep) -> Response:
    """The e-mailed link: a button to sign in (a GET alone, e.g. a mail scanner, uses nothing),
    with the login-CSRF field of the sign-in form."""
    try:
        subject = signin.check_link(session=session, token=token[:200])
    except Unauthenticated as exc:
        return page(
            request, "link.html", {"area": "me", "error": exc.message}, status=410, private=True
        )
    # whose file it opens (masked): a link someone else sent is seen not to be one's own
    context = {"area": "me", "error": None, "token": token, "whose": subject.display_id}
    return sessions.signin_page(request, settings, context, template="link.html")


@router.post("/link/{token}", response_model=None)
async def use_link(
    request: Request, token: str, session: SessionDep, settings: SettingsDep
) -> Response:
    """Use the link once: the portal cookie is set and the subject lands in its file. Only
    from the link's own page (login CSRF: another site's form could otherwise sign a visitor
    in to someone else's file, where what they then write would land)."""
    data = await form(request)
    sessions.check_signin_csrf(request, settings, data.get("csrf"))
    try:
        subject = signin.consume_link(session=session, token=token[:200])
    except Unauthenticated as exc:
        return page(
            request, "link.html", {"area": "me", "error": exc.message}, status=410, private=True
        )
    return sessions.begin(  # the portal cookie is a server-side session (web/sessions.py)
        request, session=session, kind=sessions.SUBJECT, holder=str(subject.id),
        actor=f"subject:{subject.id}",
    )  # fmt: skip
