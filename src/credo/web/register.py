"""Register pages: an organisation's printable credit report (HTML and PDF) and the
organisation's own answers to its safety ratings in the portal (reply, appeal, re-rating).

The PDF is the same page printed by headless Chromium through Playwright
(``CREDO_CHROMIUM``), with the stylesheet inlined so nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from credo.register import appeals, public, service
from credo.subjects.models import Subject
from credo.web.deps import SessionDep, SettingsDep
from credo.web.render import environment, page
from credo.web.sessions import Post, authorised, form_post

STATIC = Path(__file__).parent / "static"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PDF_TIMEOUT_MS = 30_000

router = APIRouter(include_in_schema=False)


@router.get("/org/{uscc}/report", response_class=HTMLResponse)
def report(request: Request, uscc: str, session: SessionDep) -> HTMLResponse:
    """The organisation's public credit report, laid out for printing."""
    org = public.record(session=session, uscc=uscc[:64])
    return page(request, "org_report.html", {"org": org, "inline_css": None})


def render_pdf(html: str, chromium: str) -> bytes:
    """Print an HTML document to A4 PDF with headless Chromium (no network is used)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the test extra installs it
        raise HTTPException(503, "PDF rendering needs Playwright (pip install playwright)") from exc
    if not Path(chromium).exists():
        raise HTTPException(503, f"PDF rendering needs Chromium at {chromium} (CREDO_CHROMIUM)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            tab = browser.new_page()
            tab.set_default_timeout(PDF_TIMEOUT_MS)
            tab.set_content(html, wait_until="load")
            return bytes(
                tab.pdf(
                    format="A4",
                    print_background=True,
                    margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
                )
            )
        finally:
            browser.close()


@router.get("/org/{uscc}/report.pdf")
def report_pdf(uscc: str, session: SessionDep, settings: SettingsDep) -> Response:
    """The same report as a PDF file to download."""
    org = public.record(session=session, uscc=uscc[:64])
    # our own stylesheet, inlined as is: escaped, its quoted font names would break the CSS
    css = Markup((STATIC / "credo.css").read_text(encoding="utf-8"))
    html = environment().get_template("org_report.html").render(org=org, inline_css=css)
    pdf = render_pdf(html, settings.chromium)
    name = f"credo-report-{org['uscc']}-{org['as_of']}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "public, max-age=300"},
    )


def portal_section(*, session: Session, subject: Subject) -> dict[str, Any] | None:
    """The portal's ratings section for an organisation (None for a person)."""
    if subject.kind != "organisation":
        return None
    summary = public.summary(session=session, subject_id=subject.id)
    return {**summary, "requests": appeals.requests_of(session=session, subject_id=subject.id)}


@form_post(router, "/me/ratings/{domain}/reply", authorised, "/me?done=reply#ratings")
def reply(post: Post[Subject], domain: str) -> None:
    """Publish the organisation's reply beside one of its safety ratings."""
    text = post.data.get("text", "")
    appeals.reply(session=post.session, subject_id=post.who.id, domain=domain, text=text)


def _request_route(kind: str) -> None:
    """``POST /me/ratings/{domain}/<kind>``: an appeal or a request to be re-rated."""

    def ask(post: Post[Subject], domain: str) -> None:
        subject_id, reason = post.who.id, post.data.get("reason", "")
        appeals.request(
            session=post.session, subject_id=subject_id, domain=domain, kind=kind, reason=reason
        )

    ask.__name__ = kind
    done = f"/me?done={kind}#ratings"
    form_post(router, f"/me/ratings/{{domain}}/{kind}", authorised, done)(ask)


_request_route("appeal")
_request_route("rerating")


__all__ = ["portal_section", "router", "service"]
