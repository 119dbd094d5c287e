"""Shared API schemas (error envelope)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel

from credo.core.types import MAX_ID

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="An id credo issued")]


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]]


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        400: "Malformed request",
        401: "Missing or unknown credential",
        403: "Outside the caller's scope",
        404: "Not found",
        409: "Conflicts with what is held",
        413: "Batch or request body too large",
        422: "Invalid input",
        429: "Too many failed credentials from this address or for this key; see Retry-After",
    }.items()
}
