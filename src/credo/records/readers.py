"""Streaming readers for bulk files (CSV, JSONL, Parquet) yielding envelopes in chunks.

Memory stays constant: Parquet and CSV are read in Arrow record batches, JSONL line by
line. Columnar files use the envelope's names with ``subject_scheme``, ``subject_id``,
``subject_name``, and ``fields`` as JSON text (DESIGN.md).
"""

from __future__ import annotations

import csv
import json
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
            try:
                out["fields"] = json.loads(value)
            except json.JSONDecodeError as exc:
                return f"fields: not valid JSON ({exc.msg})"
        else:
            out[key] = value
    if subject:
        out["subject"] = subject
    return out


def _jsonl(path: Path, chunk: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    with path.open("r", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                batch.append((number, f"line is not valid JSON ({exc.msg})"))
            else:
                batch.append(
                    (number, value if isinstance(value, dict) else "line is not a JSON object")
                )
            if len(batch) >= chunk:
                yield batch
                batch = []
    if batch:
        yield batch


def _csv(path: Path, chunk: int) -> Iterator[list[Row]]:
    with path.open("r", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        return
    options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    reader = pacsv.open_csv(
        path, read_options=pacsv.ReadOptions(block_size=4 << 20), convert_options=options
    )
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


def _parquet(path: Path, chunk: int) -> Iterator[list[Row]]:
    number = 0
    for record_batch in pq.ParquetFile(path).iter_batches(batch_size=chunk):
        rows: list[Row] = []
        names = record_batch.schema.names
        for values in zip(*(column.to_pylist() for column in record_batch.columns), strict=True):
            number += 1
            rows.append((number, from_columns(dict(zip(names, values, strict=True)))))
        yield rows


def _csv_batches(path: Path, chunk: int) -> Iterator[pa.RecordBatch]:
    """A CSV file's rows as string columns, in batches of ``chunk`` rows (the last fewer)."""
    with path.open("r", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        return
    options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    reader = pacsv.open_csv(
        path, read_options=pacsv.ReadOptions(block_size=4 << 20), convert_options=options
    )
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
        else pq.ParquetFile(path).iter_batches(batch_size=chunk)
    )
    number = 1
    for record_batch in batches:
        if record_batch.num_rows:
            yield number, record_batch
            number += record_batch.num_rows


def iter_chunks(path: Path, chunk: int) -> Iterator[list[Row]]:
    """Chunks of (row number, envelope or parse error) from a bulk file."""
    fmt = detect_format(path)
    reader = {"jsonl": _jsonl, "csv": _csv, "parquet": _parquet}[fmt]
    yield from reader(path, chunk)


def count_rows(path: Path) -> int | None:
    """Rows in the file when cheap to know (Parquet metadata), for the progress bar."""
    if detect_format(path) == "parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    return None
