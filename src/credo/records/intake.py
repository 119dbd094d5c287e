"""Validation of API batches: every envelope checked, all refused together with their errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from credo.catalogue import get_catalogue
from credo.core import clock
from credo.errors import Forbidden, InvalidInput
from credo.records.validation import Validator, ValidRecord


def validator_for(*, categories: Iterable[str], secret: bytes) -> Validator:
    """A validator for a furnisher permitted these categories, dated today."""
    return Validator(
        catalogue=get_catalogue(),
        permitted=frozenset(categories),
        secret=secret,
        today=clock.today(),
    )


def validate_all(validator: Validator, envelopes: list[dict[str, Any]]) -> list[ValidRecord]:
    """Every envelope valid, or one error naming each bad record, field and value.

    Forbidden when any refusal is a category the furnisher may not furnish, else InvalidInput.
    """
    valid: list[ValidRecord] = []
    details = []
    forbidden = False
    for index, envelope in enumerate(envelopes):
        result = validator.validate(envelope)
        if isinstance(result, list):
            for error in result:
                forbidden |= error.code == "category_not_permitted"
                details.append(
                    {"record": index, "external_id": envelope.get("external_id"), **error.to_dict()}
                )
        else:
            valid.append(result)
    if details:
        cls = Forbidden if forbidden else InvalidInput
        refused = len({d["record"] for d in details})
        raise cls(
            f"{refused} of {len(envelopes)} records refused; nothing was stored",
            code="records_refused",
            details=details,
        )
    return valid
