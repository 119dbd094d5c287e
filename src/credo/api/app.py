"""``create_app()``: the FastAPI application over one store."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator

from fastapi import FastAPI
from sqlalchemy import Engine

from credo import __version__, web
from credo.api import admission, errors, fastpath, limits
from credo.api.routers import access, integrity, lists, meta, notices, records, rights
from credo.api.routers import audit as audit_routes
from credo.api.routers import public as public_routes
from credo.config import Settings, get_settings
from credo.core.db import make_engine, session_factory


@contextlib.asynccontextmanager
async def _served(_app: FastAPI) -> AsyncIterator[None]:
    """A serving process's start, once per process: what exists by now (the modules, the
    app) lives as long as the process, so it is frozen out of the garbage collector's scans
    (``gc.freeze``). A full collection then scans only what requests made since; over
    everything the imports made, one took 150 ms in a served check process, and every
    request in flight waited for it (bench_checks: p99 120-140 ms at half rate on
    PostgreSQL, 3 ms without; docs/access.md)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()  # what is garbage already goes now, not into the frozen set
        gc.freeze()
    yield


_frozen = False


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
        lifespan=_served,
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
