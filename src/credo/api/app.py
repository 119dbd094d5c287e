"""``create_app()``: the FastAPI application over one store."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from credo import __version__, web
from credo.api import admission, errors, fastpath, limits
from credo.api.routers import access, integrity, lists, meta, notices, records, rights
from credo.api.routers import audit as audit_routes
from credo.api.routers import public as public_routes
from credo.config import Settings, get_settings
from credo.core.db import make_engine, session_factory


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The API on the configured store (or on a given engine, as tests do)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="credo",
        version=__version__,
        description="An accountable credit and trust registry.",
        docs_url=None,  # /docs and /redoc are web.apidocs: vendored assets, no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.factory = session_factory(engine)
    errors.install(app)
    app.include_router(meta.router)
    app.include_router(records.router)
    app.include_router(rights.router)
    app.include_router(lists.router)
    app.include_router(access.router)
    app.include_router(integrity.router)
    app.include_router(notices.router)
    app.include_router(audit_routes.router)
    app.include_router(public_routes.router)
    app.include_router(public_routes.me_router)
    app.include_router(public_routes.admin_router)
    # innermost: requests past the pool's connections wait on the loop (api/admission.py)
    admission.install(app, engine, reserved=access.reserved(engine))
    public_routes.install(app)
    fastpath.install(app)  # the checks' fast path, inside the guard that limits
    web.install(app)
    limits.install(app, max_body=settings.max_body, auth_failures=settings.auth_failures)
    return app
