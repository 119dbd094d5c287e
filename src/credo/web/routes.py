"""The web router: public organisation lookup, the subject portal and the operator console."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from credo.register import search
from credo.web import apidocs, console, portal, views
from credo.web import notices as notice_pages
from credo.web import register as register_pages
from credo.web.deps import SessionDep
from credo.web.render import page

STATIC = Path(__file__).parent / "static"
MAX_QUERY = 200

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, q: str = "") -> HTMLResponse:
    """Search organisations by name or unified social credit code."""
    query = q.strip()[:MAX_QUERY]
    hits = search.search(session=session, query=query) if query else []
    return page(
        request,
        "index.html",
        {"q": query, "hits": hits, "searched": bool(query), "limit": search.LIMIT},
    )


@router.get("/org/{uscc}", response_class=HTMLResponse)
def organisation(request: Request, uscc: str, session: SessionDep) -> HTMLResponse:
    """An organisation's registration details and public records."""
    return page(request, "org.html", views.organisation(session=session, uscc=uscc[:64]))


@router.get("/static/credo.css")
def stylesheet() -> FileResponse:
    return FileResponse(
        STATIC / "credo.css",
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


router.include_router(register_pages.router)
router.include_router(portal.router)
router.include_router(apidocs.router)
router.include_router(notice_pages.router)
router.include_router(console.router)
