"""Bulk intake: stream a file in chunks, validate every row, store the valid ones.

Each chunk commits in its own transaction together with its audit event, so a crash
loses only the chunk in flight and a re-run accepts it then (the rest are duplicates).
Refused rows go to a CSV report beside the file: row, external_id, field, value, reason.
With ``all_or_nothing`` the whole file is one transaction and any refusal rolls it back.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from credo.catalogue import get_catalogue
from credo.config import get_settings
from credo.core import clock
from credo.furnishers import service as furnishers
from credo.records.fast import Chunk, FastValidator, store_chunk
from credo.records.readers import iter_batches
from credo.records.validation import RowError, Validator

AfterStore = Callable[[Session, str, list[str]], object]
REPORT_COLUMNS = ["row", "external_id", "field", "value", "reason", "code"]


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

    def write(self, row: int, external_id: Any, errors: list[RowError]) -> None:
        if self._writer is None:
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(REPORT_COLUMNS)
        for error in errors:
            value = (
                error.value
                if isinstance(error.value, str)
                else json.dumps(error.value, default=str)
            )
            self._writer.writerow(
                [
                    row,
                    external_id if isinstance(external_id, str) else "",
                    error.field,
                    value,
                    error.reason,
                    error.code,
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

    ``after_store(session, furnisher_id, external_ids)`` runs inside each chunk's
    transaction; later domains use it to apply what must happen at once (list removals).
    """
    settings = get_settings()
    chunk = chunk or settings.ingest_chunk
    with factory() as session:
        furnisher = furnishers.get(session=session, furnisher_id=furnisher_id)
        permitted = frozenset(furnisher.categories)
    validator = Validator(
        catalogue=get_catalogue(),
        permitted=permitted,
        secret=settings.secret.get_secret_value().encode(),
        today=clock.today(),
    )
    actor = f"furnisher:{furnisher_id}"
    report = _Report(report_path(path))
    stale = report.path.exists()
    summary = IngestSummary()
    cache: dict[tuple[str, str], int] = {}
    session = factory()
    try:
        transaction = session.begin() if all_or_nothing else None
        fast = FastValidator(validator)
        for first, data in iter_batches(path, chunk):
            if isinstance(data, list):
                result, size = fast.rows(data), len(data)
            else:
                result, size = fast.batch(data, first), data.num_rows
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
        summary.report = report.close()
        if summary.report is None and stale:
            report.path.unlink()
    return summary


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
    if after_store is not None and accepted:
        after_store(session, furnisher_id, [row[1] for row in chunk.rows])
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
