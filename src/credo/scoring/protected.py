"""Protected attributes are never features: spot them by the words of a column's name.

A column is protected when one of its words (split on ``_``, ``-``, spaces, dots and
camelCase) is a protected word such as ``age``, ``sex`` or ``nationality``, or when it contains
a protected phrase such as ``personal status`` or ``foreign worker``. Such columns may only be
used as audit-only attributes (fairness metrics in the model card), never to score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from credo.scoring.validation import ScoringInputError

#: Single words that mark a protected attribute.
PROTECTED_WORDS: frozenset[str] = frozenset(
    {
        "age",
        "ages",
        "sex",
        "gender",
        "marital",
        "nationality",
        "national",
        "citizenship",
        "religion",
        "religious",
        "ethnicity",
        "ethnic",
        "race",
        "racial",
    }
)
#: Word sequences that mark a protected attribute.
PROTECTED_PHRASES: tuple[tuple[str, ...], ...] = (
    ("personal", "status"),
    ("foreign", "worker"),
)


def name_words(column: str) -> list[str]:
    """Lower-case words of a column name: ``age_in_years`` -> ``["age", "in", "years"]``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(column))
    return [w for w in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if w]


def protected_reason(column: str) -> str | None:
    """The protected word or phrase in a column's name, or None when it has none."""
    words = name_words(column)
    for w in words:
        if w in PROTECTED_WORDS:
            return w
    for phrase in PROTECTED_PHRASES:
        k = len(phrase)
        if any(tuple(words[i : i + k]) == phrase for i in range(len(words) - k + 1)):
            return " ".join(phrase)
    return None


def protected_columns(columns: Iterable[str]) -> list[str]:
    """The columns whose names mark them as protected attributes, in the given order."""
    return [c for c in columns if protected_reason(c) is not None]


def check_features(features: Iterable[str], audit_only: Iterable[str] = ()) -> None:
    """Refuse a protected attribute among the features (audit-only columns are not features).

    Raises ``ScoringInputError`` naming the first offending column and telling to pass it in
    ``--audit-only``; also refuses an audit-only column that is still a feature.
    """
    feats = list(features)
    audit = set(audit_only)
    overlap = [c for c in feats if c in audit]
    if overlap:
        raise ScoringInputError(
            f"column {overlap[0]!r} is audit-only and must not be a feature",
            details=[{"field": overlap[0]}],
        )
    for col in feats:
        why = protected_reason(col)
        if why is not None:
            raise ScoringInputError(
                f"column {col!r} looks like a protected attribute ({why!r}) and cannot be a "
                f"feature; pass it in --audit-only to keep it out of the model and use it only "
                f"for fairness metrics",
                details=[{"field": col, "protected": why}],
            )
