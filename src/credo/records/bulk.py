"""Bulk intake: stream a file in chunks, validate every row, store the valid ones.

Each chunk commits in its own transaction together with its audit event, so a crash
loses only the chunk in flight and a re-run accepts it then (the rest are duplicates).
Refused rows go to a CSV report beside the file: row, external_id, field, value, reason.
With ``all_or_nothing`` the whole file is one transaction and any refusal rolls it back.

Hostile files (issue 18): the input may not be a symbolic link; a columnar file is read
through once before anything is stored, so an unreadable one stores nothing; the report
is created new (``O_EXCL | O_NOFOLLOW``, mode 0600: never written through a planted
link), each cell is cut to :data:`MAX_CELL` characters and formula-escaped (a leading
``= + - @`` tab or CR gets a ``'``, plain numbers such as ``-5.00`` excepted), and it
holds only what the refused row held.
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from credo.catalogue import get_catalogue
from credo.config import get_settings
from credo.core import clock, credentials
from credo.errors import Forbidden, InvalidInput
from credo.furnishers import service as furnishers
from credo.records import hooks
from credo.records.fast import Chunk, FastValidator, store_chunk
from credo.records.readers import Chunk as FileChunk
from credo.records.readers import check_file, iter_batches
from credo.records.validation import RowError, Validator
from credo.subjects.service import SubjectIds

AfterStore = Callable[[Session, str, list[str]], object]
REPORT_COLUMNS = ["row", "external_id", "field", "value", "reason", "code"]
MAX_CELL = 200
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")  # a plain number is no formula: kept as is


def cell(value: Any) -> str:
    """A report cell: text, at most MAX_CELL characters, never read as a spreadsheet formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates as '?'
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL] + f"... ({len(text)} characters)"
    if text.startswith(_FORMULA) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _create_new(path: Path) -> Any:
    """Open ``path`` for writing only if it does not exist, never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise InvalidInput(
            f"cannot create the error report {path.name!r}: {exc.strerror}",
            code="report_refused",
            details=[{"field": "report", "value": str(path)}],
        ) from None
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def clear_stale_report(path: Path) -> None:
    """Remove an earlier run's report; refuse anything but a plain file (e.g. a planted link)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a plain file"
        raise InvalidInput(
            f"the error report path {path.name!r} is {kind}; credo will not write through "
            "it: remove it and run again",
            code="report_refused",
            details=[{"field": "report", "value": str(path)}],
        )
    path.unlink()


@dataclass
class IngestSummary:
    """What one bulk intake did."""

    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    report: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "report": self.report,
        }


class _Report:
    """The per-row error report, opened only when the first error arrives."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: Any = None
        self._writer: Any = None

    def write(self, row: int | str, external_id: Any, errors: list[RowError]) -> None:
        if self._writer is None:
            self._handle = _create_new(self.path)
            self._writer = csv.writer(self._handle)
            self._writer.writerow(REPORT_COLUMNS)
        for error in errors:
            self._writer.writerow(
                [
                    cell(row),
                    cell(external_id if isinstance(external_id, str) else ""),
                    cell(error.field),
                    cell(error.value),
                    cell(error.reason),
                    cell(error.code),
                ]
            )

    def close(self) -> str | None:
        if self._handle is None:
            return None
        self._handle.close()
        return str(self.path)


def report_path(path: Path) -> Path:
    return path.with_name(path.name + ".errors.csv")


def ingest_file(
    *,
    factory: sessionmaker[Session],
    path: Path,
    furnisher_id: str,
    all_or_nothing: bool = False,
    chunk: int | None = None,
    progress: Callable[[int], None] | None = None,
    after_store: AfterStore | None = None,
) -> IngestSummary:
    """Ingest a CSV, JSONL or Parquet file for a furnisher; see the module docstring.

    The record hooks later domains registered (``records.hooks``: list removals) run inside
    each chunk's transaction, as for every other way records are stored; ``after_store``
    (``after_store(session, furnisher_id, external_ids)``) is an extra one for this call.
    """
    settings = get_settings()
    chunk = chunk or settings.ingest_chunk
    with factory() as session:
        furnisher = furnishers.get(session=session, furnisher_id=furnisher_id)
        permitted = frozenset(furnisher.categories)
        now = clock.now()
        live = any(
            credentials.is_live(c, now)
            for c in credentials.of_holder(session=session, kind="furnisher", holder=furnisher_id)
        )
        if not furnisher.active or not live:
            raise Forbidden(
                f"furnisher {furnisher_id!r} is inactive or every key of it is revoked or "
                "expired; it may not furnish records (issue it a key with `credo keys issue`)",
                code="furnisher_inactive",
                details=[{"field": "furnisher", "value": furnisher_id}],
            )
    if path.is_symlink():
        raise InvalidInput(
            f"{path.name!r} is a symbolic link; give the file itself",
            code="unreadable_file",
            details=[{"field": "file", "value": str(path)}],
        )
    validator = Validator(
        catalogue=get_catalogue(),
        permitted=permitted,
        secret=settings.secret.get_secret_value().encode(),
        today=clock.today(),
    )
    actor = f"furnisher:{furnisher_id}"
    report = _Report(report_path(path))
    clear_stale_report(report.path)
    try:
        kept = check_file(path, chunk)
    except InvalidInput as exc:  # unreadable: a one-line report, nothing stored
        where = exc.details[0].get("row", "file") if exc.details else "file"
        report.write(where, None, [RowError("file", path.name, exc.message, exc.code)])
        report.close()
        raise
    summary = IngestSummary()
    cache = SubjectIds()  # subject ids across the run's chunks
    with factory() as probe:
        bind = probe.get_bind()
    # one connection for the whole run: no pool check-out (and PostgreSQL ping) per chunk
    connection = bind.connect() if isinstance(bind, Engine) else None
    session = factory(bind=connection) if connection is not None else factory()
    try:
        transaction = session.begin() if all_or_nothing else None
        fast = FastValidator(validator)
        batches = iter_batches(path, chunk) if kept is None else _handed(kept)
        for result, size in _validated(fast, batches):
            for number, external, errors in result.refused:
                summary.rejected += 1
                report.write(number, external, errors)
            if all_or_nothing:
                _store(session, furnisher_id, result, summary, report, actor, cache, after_store)
            else:
                with session.begin():
                    _store(
                        session, furnisher_id, result, summary, report, actor, cache, after_store
                    )
            if progress is not None:
                progress(size)
        if transaction is not None:
            if summary.rejected:
                transaction.rollback()
                summary.accepted = 0
            else:
                transaction.commit()
    finally:
        session.close()
        if connection is not None:
            connection.close()
        summary.report = report.close()
    return summary


GROUP_ROWS = 20_000
"""Columnar rows validated at once: Arrow's cost per call is shared by that many rows."""

GROUP_BYTES = 256 * 2**20
"""A group also ends at this many bytes of Arrow data, far below the 2 GiB a string column's
offsets can address in one array."""


def _validated(fast: FastValidator, batches: Iterable[FileChunk]) -> Iterator[tuple[Chunk, int]]:
    """Each chunk of the file validated, in file order: (what it holds, its number of rows).

    Consecutive columnar chunks of one layout are validated together, up to
    :data:`GROUP_ROWS` rows or :data:`GROUP_BYTES` bytes, then split back into the chunks (each
    is stored in its own transaction as before); JSONL chunks row by row, one at a time. A
    group whose columns do not fit one Arrow array each (a string column past 2 GiB) is judged
    chunk by chunk: every row is judged, whatever the file holds.
    """
    group: list[tuple[int, pa.RecordBatch]] = []

    def judged() -> Iterator[tuple[Chunk, int]]:
        if not group:
            return
        if len(group) == 1 or any(b.schema != group[0][1].schema for _, b in group):
            for first, data in group:
                yield fast.batch(data, first), data.num_rows
            return
        whole = pa.Table.from_batches([data for _, data in group]).combine_chunks().to_batches()
        if len(whole) != 1:
            for first, data in group:
                yield fast.batch(data, first), data.num_rows
            return
        result = fast.batch(whole[0], group[0][0])
        for first, data in group:
            yield result.part(first, first + data.num_rows), data.num_rows

    for first, data in batches:
        if isinstance(data, list):
            yield from judged()
            group.clear()
            yield fast.rows(data), len(data)
            continue
        group.append((first, data))
        if (
            sum(d.num_rows for _, d in group) >= GROUP_ROWS
            or sum(d.nbytes for _, d in group) >= GROUP_BYTES
        ):
            yield from judged()
            group.clear()
    yield from judged()


def _handed(kept: list[FileChunk]) -> Iterator[FileChunk]:
    """The chunks ``check_file`` kept, each let go once handed on."""
    kept.reverse()
    while kept:
        yield kept.pop()


def _store(
    session: Session,
    furnisher_id: str,
    chunk: Chunk,
    summary: IngestSummary,
    report: _Report,
    actor: str,
    cache: dict[tuple[str, str], int],
    after_store: AfterStore | None,
) -> None:
    accepted, duplicates, conflicts = store_chunk(
        session=session, furnisher_id=furnisher_id, chunk=chunk, actor=actor, cache=cache
    )
    if accepted:
        table = chunk.table()
        external_ids = table["external_id"].to_pylist()
        # every category the chunk's records have; a conflict's held record may have another
        categories = None if conflicts else pc.unique(table["category"]).to_pylist()
        hooks.records_changed(
            session=session,
            furnisher_id=furnisher_id,
            external_ids=external_ids,
            categories=categories,
        )
        if after_store is not None:
            after_store(session, furnisher_id, external_ids)
    for number, external_id in conflicts:
        summary.rejected += 1
        report.write(
            number,
            external_id,
            [
                RowError(
                    "external_id",
                    external_id,
                    "already held with other content; correct it with PUT",
                    "conflict",
                )
            ],
        )
    summary.duplicates += duplicates
    summary.accepted += accepted
