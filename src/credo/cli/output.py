"""How CLI commands answer: one JSON line on stdout, or text, tables and progress for a person."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

console = Console(stderr=True)


def emit_json(data: Any) -> None:
    """Print one JSON line on stdout (scripts read the last line)."""
    sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def emit(as_json: bool, data: Any, *lines: str) -> None:
    """``data`` as one JSON line on stdout when asked, else ``lines`` for a person (stderr)."""
    if as_json:
        emit_json(data)
        return
    for line in lines:
        console.print(line, markup=False)  # names and values as written, never markup


def emit_registered(as_json: bool, what: str, holder_id: str, name: str, key: str) -> None:
    """A newly registered furnisher or relying party: its id and its API key (shown once)."""
    emit(as_json, {"id": holder_id, "api_key": key}, f"{what} {holder_id} ({name}); API key: {key}")


def print_table(title: str, columns: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    """A Rich table on stdout: a title, a header of ``columns`` and one line per row. Cells
    are text, never Rich markup: furnished values ("[/]", "[link=...]") crashed the table
    or hid words."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row))
    Console().print(table)


def emit_table(
    as_json: bool, data: Any, title: str, columns: Iterable[str], rows: Iterable[Iterable[str]]
) -> None:
    """``data`` as one JSON line on stdout when asked, else ``rows`` as a table for a person."""
    if as_json:
        emit_json(data)
    else:
        print_table(title, columns, rows)


def iso(moment: dt.date | None) -> str | None:
    """A date or time as ISO 8601 text, None kept (for JSON output)."""
    return moment.isoformat() if moment else None


@contextmanager
def counting(
    description: str,
    total: int | None,
    *,
    label: str = "{task.description}",
    transient: bool = False,
) -> Iterator[Callable[[int], None]]:
    """A progress bar of one task, and the ``progress(n)`` callback that advances it by n."""
    with progress(label, transient=transient) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def progress(label: str = "{task.description}", *, transient: bool = False) -> Progress:
    """The progress bar every long command shows (on stderr); ``transient`` bars vanish when
    done (under ``--json``)."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
    )
