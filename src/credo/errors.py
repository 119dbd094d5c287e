"""Domain errors: a code, a message naming the bad value, and details; no HTTP here.

``api/errors.py`` maps each class to a status once; the CLI prints them.
"""

from __future__ import annotations

from typing import Any


class CredoError(Exception):
    """Base of every error credo raises on purpose."""

    code = "error"

    def __init_subclass__(cls, *, code: str | None = None, **kwargs: Any) -> None:
        """``class NotFound(CredoError, code="not_found")``: the code every instance carries."""
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code

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


class InvalidInput(CredoError, code="invalid_input"):
    """The input is malformed or breaks a rule; nothing was changed."""


class NotFound(CredoError, code="not_found"):
    """The object does not exist, or the caller may not know that it does."""


class Conflict(CredoError, code="conflict"):
    """The request contradicts what is already held (same id, other content)."""


class Unauthenticated(CredoError, code="unauthenticated"):
    """No credential, or one credo does not know."""


class Forbidden(CredoError, code="forbidden"):
    """A known caller asked for something outside its scope."""


class TooLarge(CredoError, code="too_large"):
    """A batch over the size limit."""
