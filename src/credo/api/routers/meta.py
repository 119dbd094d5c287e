"""Unauthenticated facts about the registry: health and the catalogue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from credo import __version__
from credo.catalogue import get_catalogue

router = APIRouter(prefix="/v1", tags=["meta"])


@router.get("/health", summary="Liveness")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/catalogue", summary="The closed catalogue of record categories")
def catalogue() -> dict[str, Any]:
    return get_catalogue().to_dict()
