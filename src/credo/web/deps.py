"""The request's unit of work, settings and client address, shared by pages and API routers.

Defined here because web sits below api in the layers (``credo.api.deps`` imports them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.types import Scope

from credo.config import Settings


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: one commit after the handler succeeds, a rollback on error.

    Used with ``scope="function"`` (see ``SessionDep``), FastAPI runs the code after
    ``yield`` when the handler returns and before the response is sent, so a write the
    client sees acknowledged is already committed (and fsynced on SQLite); a failing commit
    becomes an error response instead of a lost write. Routers and pages never commit.
    """
    with unit_of_work(request.app.state.factory) as session:
        yield session


@contextmanager
def unit_of_work(factory: Callable[[], Session]) -> Iterator[Session]:
    """One unit of work: a session from ``factory``, committed once when the block succeeds
    and rolled back on error. The one place a request's writes are committed: ``get_session``
    for routes and pages, and the eligibility checks, which take and give back their
    connection within one call (``api/routers/access._decide``)."""
    with factory() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def client_address(scope: Scope) -> str:
    """The throttle key of the caller's address (``addr:<ip>``)."""
    client = scope.get("client")
    return f"addr:{client[0]}" if client else "addr:?"


def retry_after(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds, at least one."""
    return str(max(1, math.ceil(seconds)))


def bearer_key(authorization: str | None, path: str) -> str | None:
    """The throttle key of a presented credential: its public id (``fk_…``), the operator
    key for ``/v1/admin``, or None when the header names nothing."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    if path.startswith("/v1/admin"):
        return "key:operator"
    head, dot, _ = token.partition(".")
    return f"key:{head[:64]}" if dot and head else None
