"""One router per audience: its path prefix, its OpenAPI tags and the documented errors.

The audience (subject, furnisher, operator, relying party) decides an endpoint's tag and its
credential, so routers declare it once instead of on every endpoint.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from credo.api.schemas import ERROR_RESPONSES


def audience(
    prefix: str, *tags: str, responses: dict[int | str, dict[str, Any]] | None = None
) -> APIRouter:
    """A router under ``prefix`` whose endpoints carry ``tags`` and the error envelope."""
    return APIRouter(
        prefix=prefix, tags=list(tags), responses={**ERROR_RESPONSES, **(responses or {})}
    )


def joined(*routers: APIRouter) -> APIRouter:
    """One router that mounts each audience's router (what ``create_app`` includes)."""
    router = APIRouter()
    for each in routers:
        router.include_router(each)
    return router
