"""Records bound to the audit log: every stored record version is recomputed and checked
against the content hash its audit entry carries.

Each version's content hash is in the log: version 1 in its batch's ``records.accepted``
digest, each correction in ``record.corrected``, each deletion in ``record.deleted``.
``verify`` recomputes the hash of every current row (``records``) and every superseded one
(``record_versions``) from its stored content, and compares it with the stored hash and
with the hash the log holds for that version; each difference names the row.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credo.core import audit
from credo.records.models import Record, RecordVersion
from credo.records.validation import canonical_json, content_hash
from credo.subjects.models import Subject


def _logged(session: Session) -> tuple[dict[tuple[str, str], list[tuple[int, str]]], list[Any]]:
    """Hashes the log holds per (furnisher, external id) by version, and the batch events."""
    by_record: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    batches: list[Any] = []
    for entry in audit.iter_entries(session):
        if entry.event_type in ("record.corrected", "record.deleted"):
            p = json.loads(entry.payload)
            if p.get("content_hash"):
                by_record[(p["furnisher_id"], p["external_id"])].append(
                    (int(p["version"]), p["content_hash"])
                )
        elif entry.event_type == "records.accepted":
            batches.append((entry.seq, json.loads(entry.payload)))
    return by_record, batches


def _expected(logged: list[tuple[int, str]], version: int) -> str | None:
    """The hash the log holds for a version: the latest logged change at or before it."""
    best: tuple[int, str] | None = None
    for v, h in logged:
        if v <= version and (best is None or v >= best[0]):
            best = (v, h)
    return best[1] if best else None


def _rows(session: Session) -> Iterator[tuple[Record, str, str]]:
    query = (
        select(Record, Subject.scheme, Subject.lookup_key)
        .join(Subject, Subject.id == Record.subject_id)
        .order_by(Record.id)
    )
    for row in session.execute(query):
        yield row[0], row[1], row[2]


def verify(session: Session) -> list[str]:
    """Every record version recomputed against its stored hash and the log; the problems."""
    problems: list[str] = []
    logged, batches = _logged(session)
    subjects: Mapping[int, tuple[str, str]] = {
        i: (s, k)
        for i, s, k in session.execute(select(Subject.id, Subject.scheme, Subject.lookup_key))
    }
    versions: dict[int, list[RecordVersion]] = defaultdict(list)
    for v in session.execute(select(RecordVersion).order_by(RecordVersion.version)).scalars():
        versions[v.record_id].append(v)
    originals: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record, scheme, key in _rows(session):
        label = f"records row {record.id} ({record.furnisher_id}/{record.external_id})"
        found = content_hash(
            category=record.category,
            scheme=scheme,
            key=key,
            occurred_on=record.occurred_on.isoformat(),
            amount_minor=record.amount_minor,
            currency=record.currency,
            legal_basis=record.legal_basis,
            fields_json=record.fields,
        )
        history = logged.get((record.furnisher_id, record.external_id), [])
        if found != record.content_hash:
            problems.append(f"{label} version {record.version}: content does not match its hash")
        expected = _expected(history, record.version)
        if expected is not None and expected != found:
            problems.append(f"{label} version {record.version}: differs from the audit log")
        first_hash = found
        for old in versions.get(record.id, []):
            vlabel = f"record_versions row {old.id} (record {record.id} version {old.version})"
            c = json.loads(old.content)
            scheme_key = subjects.get(int(c["subject_id"]), ("", ""))
            got = content_hash(
                category=c["category"],
                scheme=scheme_key[0],
                key=scheme_key[1],
                occurred_on=c["occurred_on"],
                amount_minor=c["amount_minor"],
                currency=c["currency"],
                legal_basis=c["legal_basis"],
                fields_json=canonical_json(c["fields"]),
            )
            if got != old.content_hash:
                problems.append(f"{vlabel}: content does not match its hash")
            want = _expected(history, old.version)
            if want is not None and want != got:
                problems.append(f"{vlabel}: differs from the audit log")
            if old is versions[record.id][0]:
                first_hash = got
        originals[record.furnisher_id].append((record.external_id, first_hash))
    problems.extend(_check_batches(batches, originals))
    return problems


def _check_batches(
    batches: list[tuple[int, dict[str, Any]]], originals: Mapping[str, list[tuple[str, str]]]
) -> list[str]:
    """Each ``records.accepted`` digest against the original versions of its records."""
    problems: list[str] = []
    cursor: dict[str, int] = defaultdict(int)
    for seq, p in batches:
        furnisher, count = p["furnisher_id"], int(p["count"])
        start = cursor[furnisher]
        rows = originals.get(furnisher, [])[start : start + count]
        cursor[furnisher] = start + count
        digest = hashlib.sha256("".join(f"{e}\t{h}\n" for e, h in rows).encode()).hexdigest()
        if digest != p["digest"]:
            ids = ", ".join(e for e, _ in rows[:5]) + (" …" if len(rows) > 5 else "")
            problems.append(
                f"audit entry {seq} (records.accepted {p['first_external_id']}.."
                f"{p['last_external_id']} from {furnisher}): the stored first versions "
                f"of its {count} records ({ids}) differ from the logged digest"
            )
    return problems
