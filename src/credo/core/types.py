"""Shared field types: ids as the store can hold them (a 64-bit signed integer, from 1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ID, description="An id credo issued")]
