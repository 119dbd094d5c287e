"""Streaming readers for bulk files (CSV, JSONL, Parquet) yielding envelopes in chunks.

Memory stays bounded: Parquet and CSV are read in Arrow record batches (a file of at most
:data:`MAX_KEPT` bytes as Arrow is kept whole between the read-through and the intake), JSONL
line by line. Columnar files use the envelope's names with ``subject_scheme``, ``subject_id``,
``subject_name``, and ``fields`` as JSON text (DESIGN.md).

Hostile files (issue 18): a file that cannot be read as a whole (empty, truncated or
random bytes, invalid UTF-8 in a CSV, a header over :data:`MAX_COLUMNS` columns or with a
name twice) is one :class:`~credo.errors.InvalidInput` naming the file, the row or line
where known, and the reason, raised by :func:`check_file` before anything is stored. A
JSONL line that is not strict JSON (invalid UTF-8, ``NaN``, nested over
:data:`MAX_DEPTH`, a lone surrogate) is an unreadable row, like the ``fields`` text of a
columnar row. A CSV's UTF-8 byte-order mark is skipped.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from credo.errors import InvalidInput

Row = tuple[int, dict[str, Any] | str]  # (1-based row number, envelope or a parse error)
# A chunk: (number of its first row, an Arrow batch of columns) or envelopes (JSONL).
Chunk = tuple[int, pa.RecordBatch | list[Row]]
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
MAX_COLUMNS = 64  # the envelope has 10 columns; a wider header is refused, not parsed
MAX_HEADER = 64 * 1024  # bytes of a CSV header line
MAX_LINE = 1 << 20  # bytes of one JSONL line (longer: an unreadable row, not read whole)
MAX_DEPTH = 32  # nesting of a JSON value in a row
FILE_SCHEMA = pa.schema(
    [
        ("external_id", pa.string()),
        ("category", pa.string()),
        ("subject_scheme", pa.string()),
        ("subject_id", pa.string()),
        ("subject_name", pa.string()),
        ("occurred_on", pa.date32()),  # or ISO text
        ("amount", pa.string()),
        ("currency", pa.string()),
        ("legal_basis", pa.string()),
        ("fields", pa.string()),
    ]
)
"""The columns of a columnar file (DESIGN.md), as ``credo synth`` writes them; a file may
leave out the optional ones, and give every column (``occurred_on`` too) as text."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def unreadable(path: Path, reason: str, where: str | None = None) -> InvalidInput:
    """The error for a file that cannot be read: file, row or line, reason."""
    place = f" ({where})" if where else ""
    detail: dict[str, Any] = {"field": "file", "value": path.name, "reason": reason}
    if where:
        detail["row"] = where
    return InvalidInput(
        f"cannot read {path.name!r}{place}: {reason}", code="unreadable_file", details=[detail]
    )


class _NotStrict(ValueError):
    pass


def _no_constant(text: str) -> Any:
    raise _NotStrict(f"{text} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotStrict(f"{text[:20]} overflows")
    return value


def _strict_problem(value: Any) -> str | None:
    """Why a parsed JSON value is refused (a lone surrogate, too deep), or None."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} levels deep"
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return "a lone UTF-16 surrogate is not a character"
        elif isinstance(item, dict):
            for key, child in item.items():
                if _SURROGATE.search(key):
                    return "a lone UTF-16 surrogate in a name"
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return None


def strict_json(text: str) -> tuple[Any, str | None]:
    """(value, None) for strict JSON text, else (None, the reason it is refused)."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except _NotStrict as exc:
        return None, f"not strict JSON ({exc})"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg})"
    except RecursionError:
        return None, "not valid JSON (nested too deeply)"
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        return None, f"not valid JSON ({str(exc)[:80]})"
    problem = _strict_problem(value)
    return (None, problem) if problem else (value, None)


def detect_format(path: Path) -> str:
    """The file's format from its extension, or InvalidInput naming it."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(
            f"cannot read {path.name!r}: expected .csv, .jsonl or .parquet",
            details=[{"field": "file", "value": str(path)}],
        )
    return fmt


def from_columns(row: dict[str, Any]) -> dict[str, Any] | str:
    """A columnar row as an envelope: subject_* columns nested, ``fields`` JSON parsed."""
    out: dict[str, Any] = {}
    subject: dict[str, Any] = {}
    for key, value in row.items():
        if value == "" or value is None:
            continue
        if key.startswith("subject_"):
            subject[key[8:]] = value
        elif key == "fields" and isinstance(value, str):
            parsed, problem = strict_json(value)
            if problem:
                return f"fields: {problem}"
            out["fields"] = parsed
        else:
            out[key] = value
    if subject:
        out["subject"] = subject
    return out


def _jsonl_row(raw: bytes) -> dict[str, Any] | str | None:
    """One JSONL line as an envelope, a reason it is unreadable, or None when blank."""
    if len(raw) > MAX_LINE:
        return f"line is longer than {MAX_LINE} bytes"
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"line is not UTF-8 (byte {exc.start})"
    if not line.strip():
        return None
    value, problem = strict_json(line.lstrip("\ufeff"))
    if problem:
        return f"line is {problem}"
    return value if isinstance(value, dict) else "line is not a JSON object"


def _jsonl(path: Path, chunk: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    with path.open("rb") as handle:
        number = 0
        while raw := handle.readline(MAX_LINE + 1):
            number += 1
            if len(raw) > MAX_LINE:  # skip the rest of an over-long line unread
                while raw and not raw.endswith(b"\n"):
                    raw = handle.readline(MAX_LINE)
                batch.append((number, f"line is longer than {MAX_LINE} bytes"))
            else:
                row = _jsonl_row(raw)
                if row is None:
                    continue
                batch.append((number, row))
            if len(batch) >= chunk:
                yield batch
                batch = []
    if batch:
        yield batch


def csv_header(path: Path) -> list[str]:
    """A CSV file's column names (a UTF-8 BOM skipped), or InvalidInput saying why not."""
    with path.open("rb") as handle:
        raw = handle.readline(MAX_HEADER + 1)
    if not raw.strip():
        raise unreadable(path, "the file is empty (no header row)", "line 1")
    if len(raw) > MAX_HEADER:
        raise unreadable(path, f"the header is longer than {MAX_HEADER} bytes", "line 1")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise unreadable(path, f"the header is not UTF-8 (byte {exc.start})", "line 1") from None
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as exc:
        raise unreadable(path, f"the header is not CSV ({exc})", "line 1") from None
    return check_columns(path, header)


def check_columns(path: Path, names: list[str]) -> list[str]:
    """Column names, refused when too many, blank or repeated (the last would win)."""
    if len(names) > MAX_COLUMNS:
        raise unreadable(path, f"{len(names)} columns; at most {MAX_COLUMNS}", "header")
    seen: set[str] = set()
    for name in names:
        if not name.strip():
            raise unreadable(path, "a column has no name", "header")
        if name in seen:
            raise unreadable(path, f"column {name[:64]!r} appears twice", "header")
        seen.add(name)
    return names


def _csv_reader(path: Path) -> pacsv.CSVStreamingReader:
    """A streaming reader of a CSV file with checked column names, every value a string."""
    header = csv_header(path)
    options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    return pacsv.open_csv(
        path, read_options=pacsv.ReadOptions(block_size=4 << 20), convert_options=options
    )


def _csv(path: Path, chunk: int) -> Iterator[list[Row]]:
    reader = _csv_reader(path)
    number = 0
    pending: list[Row] = []
    for record_batch in reader:
        for row in record_batch.to_pylist():
            number += 1
            pending.append((number, from_columns(row)))
            if len(pending) >= chunk:
                yield pending
                pending = []
    if pending:
        yield pending


def parquet_file(path: Path) -> pq.ParquetFile:
    """An opened Parquet file with checked column names, or InvalidInput saying why not."""
    try:
        handle = pq.ParquetFile(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise unreadable(path, f"not a readable Parquet file ({str(exc)[:200]})") from None
    check_columns(path, list(handle.schema_arrow.names))
    return handle


def _parquet(path: Path, chunk: int) -> Iterator[list[Row]]:
    number = 0
    for record_batch in parquet_file(path).iter_batches(batch_size=chunk):
        rows: list[Row] = []
        names = record_batch.schema.names
        for values in zip(*(column.to_pylist() for column in record_batch.columns), strict=True):
            number += 1
            rows.append((number, from_columns(dict(zip(names, values, strict=True)))))
        yield rows


def _csv_batches(path: Path, chunk: int) -> Iterator[pa.RecordBatch]:
    """A CSV file's rows as string columns, in batches of ``chunk`` rows (the last fewer)."""
    reader = _csv_reader(path)
    pending: list[pa.RecordBatch] = []
    size = 0
    for record_batch in reader:
        pending.append(record_batch)
        size += record_batch.num_rows
        while size >= chunk:
            table = pa.Table.from_batches(pending).combine_chunks()
            yield from table.slice(0, chunk).to_batches()
            rest = table.slice(chunk)
            pending, size = rest.to_batches(), rest.num_rows
    if size:
        yield from pa.Table.from_batches(pending).combine_chunks().to_batches()


def iter_batches(path: Path, chunk: int) -> Iterator[Chunk]:
    """Chunks of a bulk file: Arrow batches for CSV and Parquet, envelopes for JSONL."""
    fmt = detect_format(path)
    if fmt == "jsonl":
        for rows in _jsonl(path, chunk):
            yield rows[0][0], rows
        return
    batches = (
        _csv_batches(path, chunk)
        if fmt == "csv"
        else parquet_file(path).iter_batches(batch_size=chunk)
    )
    number = 1
    while True:
        try:
            record_batch = next(batches)
        except StopIteration:
            return
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise _read_error(path, fmt, number, exc) from None
        if record_batch.num_rows:
            yield number, record_batch
            number += record_batch.num_rows


def _read_error(path: Path, fmt: str, number: int, exc: BaseException) -> InvalidInput:
    """A reader's failure as InvalidInput, with the first bad line found for invalid UTF-8."""
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    if fmt == "csv" and "UTF8" in reason:
        with path.open("rb") as handle:
            for line_number, raw in enumerate(handle, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as bad:
                    return unreadable(
                        path, f"not UTF-8 (byte {bad.start} of the line)", f"line {line_number}"
                    )
    return unreadable(path, reason, f"from row {number}")


MAX_KEPT = 256 << 20  # bytes of Arrow batches check_file keeps for the intake after it


def check_file(path: Path, chunk: int = 65536) -> list[Chunk] | None:
    """Read a columnar file once without storing anything: InvalidInput if any of it is
    unreadable, so a bad file stores nothing (JSONL is judged line by line instead).

    What it read is returned as :func:`iter_batches` would give it in ``chunk`` rows, so
    the intake need not read the file again, when it holds at most :data:`MAX_KEPT` bytes
    as Arrow; else (and for JSONL) None.
    """
    fmt = detect_format(path)
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise unreadable(path, exc.strerror or type(exc).__name__) from None
    if fmt == "jsonl":
        return None
    kept: list[Chunk] | None = []
    size = 0
    for first, batch in iter_batches(path, chunk):
        if isinstance(batch, pa.RecordBatch):
            try:  # string columns must hold UTF-8 (Parquet may carry any bytes)
                batch.validate(full=True)
            except (pa.ArrowException, ValueError) as exc:
                reason = str(exc).splitlines()[0][:200]
                index = re.search(r"string index (\d+)", reason)
                where = (
                    f"row {first + int(index.group(1))}"
                    if index
                    else f"rows {first}-{first + batch.num_rows - 1}"
                )
                raise unreadable(path, reason, where) from None
            size += batch.nbytes
        if size > MAX_KEPT:  # only grows: stays None
            kept = None
        elif kept is not None:
            kept.append((first, batch))
    return kept


def iter_chunks(path: Path, chunk: int) -> Iterator[list[Row]]:
    """Chunks of (row number, envelope or parse error) from a bulk file."""
    fmt = detect_format(path)
    reader = {"jsonl": _jsonl, "csv": _csv, "parquet": _parquet}[fmt]
    yield from reader(path, chunk)


def count_rows(path: Path) -> int | None:
    """Rows in the file when cheap to know (Parquet metadata), for the progress bar."""
    if detect_format(path) == "parquet":
        return int(parquet_file(path).metadata.num_rows)
    return None
