"""The closed catalogue of record categories, loaded from ``categories.toml`` in the package."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from credo.catalogue.denied import denied_family
from credo.catalogue.models import (
    AMOUNT_RULES,
    DIMENSIONS,
    FIELD_TYPES,
    POLARITIES,
    Category,
    FieldSpec,
)
from credo.errors import InvalidInput

__all__ = ["Catalogue", "Category", "FieldSpec", "denied_family", "get_catalogue"]


class Catalogue:
    """The categories by id, and the furnisher kinds that may exist."""

    def __init__(self, categories: list[Category], furnisher_kinds: dict[str, str]) -> None:
        self.categories = {c.id: c for c in categories}
        self.furnisher_kinds = furnisher_kinds

    def get(self, category_id: str) -> Category:
        """The category, or InvalidInput saying it is never collected or not catalogued."""
        category = self.categories.get(category_id)
        if category is not None:
            return category
        family = denied_family(category_id)
        if family is not None:
            raise InvalidInput(
                f"category {category_id!r} is never collected ({family})",
                code="never_collected",
                details=[{"field": "category", "value": category_id}],
            )
        raise InvalidInput(
            f"category {category_id!r} is not in the catalogue",
            code="unknown_category",
            details=[{"field": "category", "value": category_id}],
        )

    def to_dict(self) -> dict[str, Any]:
        from credo.subjects.identifiers import SCHEMES

        return {
            "furnisher_kinds": self.furnisher_kinds,
            "identifier_schemes": {name: s.kind for name, s in sorted(SCHEMES.items())},
            "categories": [c.to_dict() for c in self.categories.values()],
        }


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    """Build and check a catalogue from its TOML data; a broken one fails loudly."""
    kinds: dict[str, str] = data["furnisher_kinds"]
    categories = []
    for raw in data["category"]:
        fields = tuple(
            FieldSpec(
                name=f["name"],
                type=f["type"],
                required=f["required"],
                choices=tuple(f["choices"]) if "choices" in f else None,
                min=f.get("min"),
                max=f.get("max"),
                max_length=f.get("max_length"),
                identifier_scheme=f.get("identifier_scheme"),
            )
            for f in raw["fields"]
        )
        category = Category(
            id=raw["id"],
            description=raw["description"],
            furnisher_kinds=tuple(raw["furnisher_kinds"]),
            subject_kinds=tuple(raw["subject_kinds"]),
            dimension=raw["dimension"],
            polarity=raw["polarity"],
            amount=raw["amount"],
            retention_years=raw["retention_years"],
            public=raw["public"],
            legal_basis_required=raw["legal_basis_required"],
            fields=fields,
        )
        _check(category, kinds)
        categories.append(category)
    return Catalogue(categories, kinds)


def _check(category: Category, kinds: dict[str, str]) -> None:
    problems = []
    if category.dimension not in DIMENSIONS:
        problems.append(f"dimension {category.dimension!r}")
    if category.polarity not in POLARITIES:
        problems.append(f"polarity {category.polarity!r}")
    if category.amount not in AMOUNT_RULES:
        problems.append(f"amount {category.amount!r}")
    problems += [f"furnisher kind {k!r}" for k in category.furnisher_kinds if k not in kinds]
    for f in category.fields:
        if f.type not in FIELD_TYPES:
            problems.append(f"field {f.name!r} type {f.type!r}")
        if denied_family(f.name):
            problems.append(f"field {f.name!r} is a never-collected name")
    if problems:
        raise ValueError(f"catalogue category {category.id!r}: bad " + ", ".join(problems))


@lru_cache(maxsize=1)
def get_catalogue() -> Catalogue:
    """The packaged catalogue (parsed once)."""
    text = resources.files("credo.catalogue").joinpath("categories.toml").read_text("utf-8")
    return parse_catalogue(tomllib.loads(text))
