"""Domain errors: a code, a message naming the bad value, and details; no HTTP here.

``api/errors.py`` maps each class to a status once; the CLI prints them.
"""

from __future__ import annotations

from typing import Any


class CredoError(Exception):
    """Base of every error credo raises on purpose."""

    code = "error"

    def __init__(
        self, message: str, *, code: str | None = None, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or []

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class InvalidInput(CredoError):
    """The input is malformed or breaks a rule; nothing was changed."""

    code = "invalid_input"


class NotFound(CredoError):
    """The object does not exist, or the caller may not know that it does."""

    code = "not_found"


class Conflict(CredoError):
    """The request contradicts what is already held (same id, other content)."""

    code = "conflict"


class Unauthenticated(CredoError):
    """No credential, or one credo does not know."""

    code = "unauthenticated"


class Forbidden(CredoError):
    """A known caller asked for something outside its scope."""

    code = "forbidden"


class TooLarge(CredoError):
    """A batch over the size limit."""

    code = "too_large"
