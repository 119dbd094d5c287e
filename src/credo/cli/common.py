"""What every CLI command shares: the store, JSON output, errors as messages and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session, sessionmaker

from credo.config import get_settings
from credo.core.db import make_engine, session_factory
from credo.errors import CredoError, InvalidInput

console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


def factory() -> sessionmaker[Session]:
    """Sessions on the configured store."""
    return session_factory(make_engine(get_settings().database_url))


@contextmanager
def transaction() -> Iterator[Session]:
    with factory()() as session, session.begin():
        yield session


def emit_json(data: Any) -> None:
    """Print one JSON line on stdout (scripts read the last line)."""
    sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a CredoError into a red message on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CredoError as exc:
            console.print(f"[red]error[/red] ({exc.code}): {exc.message}")
            for detail in exc.details:
                console.print(f"  {detail}")
            raise typer.Exit(1) from None

    return wrapper


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


def progress() -> Progress:
    """The progress bar every long command shows (on stderr)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
