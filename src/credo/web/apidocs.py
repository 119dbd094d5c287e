"""API documentation pages (``/docs`` Swagger UI, ``/redoc`` ReDoc) served from the package.

The scripts and styles are vendored in ``static/docs`` (see its README): nothing loads from
a CDN, and the pages carry the site's security headers. Their Content-Security-Policy is
the pages' one with what a JavaScript viewer of ``/openapi.json`` needs added, all of it
same-origin: scripts from this origin (no inline script) and fetches to this origin.
ReDoc also needs inline styles (styled-components writes ``<style>`` elements; checked in
Chromium: it draws nothing without them) and runs its search in a ``blob:`` worker;
Swagger UI needs neither.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response

from credo.errors import NotFound
from credo.web.render import SECURITY_HEADERS

DOCS = Path(__file__).parent / "static" / "docs"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-init.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
}


def _csp(*, inline_styles: bool) -> str:
    """The pages' policy with the directives a viewer needs (all same-origin)."""
    base = SECURITY_HEADERS["Content-Security-Policy"]
    directives = {}
    for part in base.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value
    directives["script-src"] = "'self'"
    directives["connect-src"] = "'self'"
    if inline_styles:
        directives["style-src"] = "'self' 'unsafe-inline'"
        directives["worker-src"] = "blob:"
    directives["img-src"] = "'self' data:"
    return "; ".join(f"{k} {v}".strip() for k, v in directives.items())


HEADERS = {**SECURITY_HEADERS, "Content-Security-Policy": _csp(inline_styles=False)}
REDOC_HEADERS = {**SECURITY_HEADERS, "Content-Security-Policy": _csp(inline_styles=True)}

SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>credo API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/docs/swagger-ui-bundle.js"></script>
<script src="/static/docs/swagger-init.js"></script>
</body></html>
"""

REDOC = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>credo API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="/static/docs/redoc.standalone.js"></script>
</body></html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def swagger() -> HTMLResponse:
    """Interactive API documentation (Swagger UI, vendored)."""
    return HTMLResponse(SWAGGER, headers=HEADERS)


@router.get("/redoc", response_class=HTMLResponse)
def redoc() -> HTMLResponse:
    """Reference API documentation (ReDoc, vendored)."""
    return HTMLResponse(REDOC, headers=REDOC_HEADERS)


@router.get("/static/docs/{name}")
def asset(name: str) -> Response:
    """One vendored asset; only the files listed in ASSETS are served."""
    media = ASSETS.get(name)
    if media is None:
        raise NotFound(f"no such file {name[:64]!r}", details=[{"field": "name", "value": name}])
    headers = {**HEADERS, "Cache-Control": "public, max-age=86400"}
    return FileResponse(DOCS / name, media_type=media, headers=headers)
