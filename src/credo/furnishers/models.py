"""Furnisher table."""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from credo.core.credentials import KeyHolder
from credo.core.db import Base


class Furnisher(KeyHolder, Base):
    """A data source with its kind and permitted categories (its keys: core.credentials)."""

    __tablename__ = "furnishers"
    id_prefix = "fur"
    label = "furnisher"
    id_field = "furnisher"

    kind: Mapped[str] = mapped_column(String(32))
    categories: Mapped[list[str]] = mapped_column(JSON)
