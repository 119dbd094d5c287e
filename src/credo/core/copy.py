"""Bulk writes for intake and score publishing: Arrow columns as one ``COPY`` text block
(PostgreSQL), ready tuples through one driver ``executemany`` (SQLite), and values bound
once per batch.

Kept apart from :mod:`credo.core.db` so that importing the store (every CLI command and the
API do) does not load NumPy and PyArrow; only intake (records, subjects) imports this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import FromClause, Table
from sqlalchemy.orm import Session

_COPY_ESCAPES = (("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))


def copy_literal(value: str) -> str:
    """One text value in ``COPY ... FROM STDIN`` text format (backslash, newline, CR, tab
    escaped)."""
    for plain, escaped in _COPY_ESCAPES:
        value = value.replace(plain, escaped)
    return value


def copy_text(columns: Sequence[pa.Array | pa.ChunkedArray | str]) -> memoryview:
    """Rows of Arrow columns (or one constant text for every row) as one block of
    PostgreSQL ``COPY`` text format: built column-wise in Arrow, no Python object per row.

    Text is escaped as :func:`copy_literal`, null is ``\\N``; integers and dates are
    written as PostgreSQL reads them (decimal digits, ISO ``YYYY-MM-DD``).
    """
    parts: list[pa.Array | str] = []
    for column in columns:
        if isinstance(column, str):
            parts.append(copy_literal(column))
            continue
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if pa.types.is_integer(column.type) or pa.types.is_date32(column.type):
            text = pc.cast(column, pa.string())
        elif pa.types.is_null(column.type):  # a column of nulls only (from Python rows)
            text = column.cast(pa.string())
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            text = column.cast(pa.string())
            if pc.any(pc.match_substring_regex(text, "[\\\\\n\r\t]")).as_py():
                for plain, escaped in _COPY_ESCAPES:  # rare: one pass to find, then these
                    text = pc.replace_substring(text, plain, escaped)
        else:
            raise TypeError(f"copy_text: no COPY text for Arrow type {column.type}")
        parts.append(pc.fill_null(text, "\\N"))
    if all(isinstance(p, str) for p in parts):
        raise ValueError("copy_text needs at least one column of values")
    line = pc.binary_join_element_wise(*parts, "\t")
    assert isinstance(line, pa.Array), type(line)
    line = pc.binary_join_element_wise(line, "\n", "").cast(pa.string())  # rows end in \n
    return text_bytes(line)


def hash_lines(h: Any, table: pa.Table, columns: Sequence[str], sep: str) -> None:
    """Feed ``h`` one line per row: ``columns`` as text joined by ``sep``, ending in a
    newline (``f"{a}{sep}{b}\n"`` in Python), built column-wise."""
    if table.num_rows == 0:
        return
    texts = [pc.cast(table.column(c), pa.string()) for c in columns]
    line = pc.binary_join_element_wise(*texts, sep)
    for chunk in pc.binary_join_element_wise(line, "\n", "").chunks:
        h.update(text_bytes(chunk))


def text_bytes(text: pa.Array) -> memoryview:
    """The bytes of a string array's values one after another (no copy): its data buffer
    between the first and last offset."""
    offsets = np.frombuffer(text.buffers()[1], np.int32)
    start, end = int(offsets[text.offset]), int(offsets[text.offset + len(text)])
    data = text.buffers()[2]
    return memoryview(data)[start:end] if data is not None else memoryview(b"")


def insert_arrow(
    session: Session, table: FromClause, data: pa.Table, constants: Mapping[str, Any]
) -> None:
    """Insert an Arrow table's rows into ``table`` in the session's transaction, column-wise,
    with ``constants`` (column name to one value) the same on every row: SQLite one driver
    ``executemany`` straight from the columns (each constant bound once, as ``bound_once``),
    PostgreSQL one ``COPY`` text block (``copy_text``). ``data``'s column names are
    ``table``'s; integers, text and dates as ``copy_text`` takes them."""
    assert isinstance(table, Table), table
    if data.num_rows == 0:
        return
    names = [*data.column_names, *constants]
    columns = ", ".join(names)
    dialect = session.connection().dialect
    if dialect.name == "postgresql":
        fixed = [v.isoformat() if isinstance(v, dt.date) else str(v) for v in constants.values()]
        block = copy_text([*(data.column(n) for n in data.column_names), *fixed])
        copy_block(session, f"COPY {table.name} ({columns}) FROM STDIN", block, data.num_rows)
        return
    bound = [bound_once(table.c[n], dialect, v) for n, v in constants.items()]
    values = [data.column(n).to_pylist() for n in data.column_names]
    marks = ", ".join("?" for _ in names)
    statement = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"
    executemany(session, statement, zip(*values, *(repeat(b) for b in bound), strict=False))


def bound_once(column: Any, dialect: Any, value: Any) -> Any:
    """``value`` as ``column``'s type and then sqlite3's adapter bind it (a datetime as ISO
    text with a space, a date as ISO text), computed once for a whole batch of rows."""
    processor = column.type.bind_processor(dialect)
    out = processor(value) if processor is not None else value
    if isinstance(out, dt.datetime):
        return out.isoformat(" ")
    return out.isoformat() if isinstance(out, dt.date) else out  # not adapted once per row


def executemany(session: Session, statement: str, params: Iterable[Sequence[Any]]) -> None:
    """One driver ``executemany`` of ready parameter tuples in the session's transaction
    (SQLite: values already as its column types would bind them)."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.executemany(statement, params)
    finally:
        cursor.close()


def copy_block(session: Session, statement: str, block: memoryview, rows: int) -> None:
    """Send one pre-formatted block of ``rows`` rows (:func:`copy_text`) through
    ``COPY ... FROM STDIN`` in the session's transaction (PostgreSQL); a server that took
    another number of rows is an error, never a silent loss."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        with cursor.copy(statement) as copy:
            copy.write(block)
        if cursor.rowcount != rows:
            raise RuntimeError(f"COPY stored {cursor.rowcount} rows of {rows}: {statement}")
