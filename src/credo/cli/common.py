"""What every CLI command shares: the store it opens, and errors as messages and exit codes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from rich.markup import escape
from sqlalchemy import Engine, inspect, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from credo.cli.output import console
from credo.config import get_settings
from credo.core.db import make_engine, session_factory
from credo.errors import CredoError

P = ParamSpec("P")
R = TypeVar("R")


class StoreNotReady(CredoError, code="store_not_initialised"):
    """The configured store was never initialised (or cannot be reached)."""


def store_url(url: str) -> list[dict[str, str]]:
    """The detail naming CREDO_DATABASE_URL (password hidden), or StoreNotReady when the
    URL is not one SQLAlchemy can read or names a database credo has no driver for."""
    try:
        shown = make_url(url)
        shown.get_dialect()
    except (ArgumentError, ImportError) as exc:
        raise StoreNotReady(
            f"CREDO_DATABASE_URL is not a store URL credo can open ({exc}); use "
            "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DB",
            details=[{"field": "CREDO_DATABASE_URL", "value": _hidden(url)}],
        ) from None
    return [{"field": "CREDO_DATABASE_URL", "value": shown.render_as_string()}]


def _hidden(url: str) -> str:
    """An unreadable URL as shown: without what may be a password (``user:secret@``)."""
    scheme, sep, rest = url.partition("://")
    return scheme + sep + rest.rpartition("@")[2] if sep else url


def require_store(url: str) -> Engine:
    """An engine on a store that exists and has credo's tables, or StoreNotReady saying
    to run ``credo init`` (checked before anything is created: no empty file is left)."""
    hint = "run `credo init` first (it creates the store at CREDO_DATABASE_URL)"
    detail = store_url(url)
    if url.startswith("sqlite") and "///" in url:
        path = url.split("///", 1)[1].split("?", 1)[0]
        if path not in ("", ":memory:") and "mode=memory" not in url and not Path(path).exists():
            raise StoreNotReady(f"there is no store at {path}; {hint}", details=detail)
    try:
        engine = make_engine(url)
        ready = inspect(engine).has_table("records")
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreNotReady(
            f"cannot open the store ({type(exc).__name__}); {hint}, or check the URL",
            details=detail,
        ) from None
    if not ready:
        raise StoreNotReady(f"the store has no credo tables; {hint}", details=detail)
    return engine


def factory() -> sessionmaker[Session]:
    """Sessions on the configured store (StoreNotReady when it was never initialised)."""
    return session_factory(require_store(get_settings().database_url))


@contextmanager
def transaction() -> Iterator[Session]:
    with factory()() as session, session.begin():
        yield session


def command(
    app: typer.Typer, name: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a command on ``app`` (named after the function unless ``name``) whose
    CredoErrors become a message and exit code 1 (``handle_errors``).

    Every credo command is registered this way, never with a bare ``app.command``: a command
    that raises no CredoError today loses nothing by it, and one that does later gets the
    same message and exit code as the others.
    """

    def register(func: Callable[P, R]) -> Callable[P, R]:
        wrapped = handle_errors(func)
        app.command(name)(wrapped)
        return wrapped

    return register


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a CredoError into a red message on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CredoError as exc:
            # the message and details quote the bad value: text, never markup ("[/]" in a
            # value made the error itself a MarkupError traceback)
            console.print(f"[red]error[/red] ({exc.code}): {escape(exc.message)}")
            for detail in exc.details:
                console.print(f"  {detail}", markup=False)
            raise typer.Exit(1) from None

    return wrapper
