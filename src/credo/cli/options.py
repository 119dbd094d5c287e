"""The options and groups every CLI command is built from, and how their values are read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer

from credo.errors import InvalidInput


def group(app: typer.Typer, name: str, help: str) -> typer.Typer:
    """The command group ``credo NAME`` (called bare, it prints its help)."""
    sub = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


def json_option(help: str | None = "Print JSON.") -> Any:
    """The ``--json`` flag: print the result as one JSON line instead of text."""
    return typer.Option(False, "--json", help=help)


def holder_argument() -> Any:
    """A required argument naming a key holder: a furnisher's or relying party's id."""
    return typer.Argument(..., help="The furnisher's or relying party's id.")


def as_of_option(help: str) -> Any:
    """The ``--as-of YYYY-MM-DD`` option (read with :func:`parse_date`)."""
    return typer.Option(None, "--as-of", help=help)


def split_list(text: str) -> list[str]:
    """A comma-separated option's items, stripped, empty ones dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    """A date option's value, or InvalidInput naming the option and the value."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{option} {value!r} is not a date YYYY-MM-DD",
            details=[{"field": option.lstrip("-").replace("-", "_"), "value": value}],
        ) from None


def in_range(value: float, option: str, low: float, high: float | None = None) -> None:
    """InvalidInput naming the option and the value when it is below ``low`` or above
    ``high`` (an id beyond MAX_ID cannot be one credo issued; a limit of 0 shows nothing)."""
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise InvalidInput(
            f"{option} {value} is out of range: it must be {bound}",
            details=[{"field": option.lstrip("-").replace("-", "_"), "value": value}],
        )


def parse_past_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    """A date option for work that writes as of that day (lists, grades, flags, an export):
    as :func:`parse_date`, and InvalidInput naming the option when the day is after today
    (``credo refresh`` refuses one too: terms would end and grades publish ahead of time)."""
    from credo.core import clock

    day = parse_date(value, option)
    if day is not None and day > clock.today():
        raise InvalidInput(
            f"{option} {value!r} is in the future; nothing was written",
            details=[{"field": option.lstrip("-").replace("-", "_"), "value": value}],
        )
    return day
