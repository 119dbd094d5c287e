"""credo's web pages: server-rendered Jinja2, server-side SVG, no JavaScript needed."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Mount the web pages (``api/errors.py`` answers their errors as HTML pages)."""
    from credo.web.routes import router

    app.include_router(router)
