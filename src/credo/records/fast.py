"""Vectorised validation and storage of columnar chunks (Arrow record batches) for bulk intake.

The per-row :class:`~credo.records.validation.Validator` stays the only judge of what is
refused. This module proves rows valid in bulk and may only *accept*: every check is a
conservative, vectorised restatement of the Validator's (generated from the catalogue), and
any row it cannot prove valid goes through ``Validator.validate`` unchanged, so refusals and
their messages are exactly the per-row ones. A row accepted here has the very normalised
values the Validator would give it (fields JSON and content hash byte for byte).

How: low-cardinality columns (subject identifiers, dates, legal bases) are checked once per
distinct value in Python with the Validator's own functions and mapped back with Arrow;
everything else, the per-category ``fields`` JSON included, is one DuckDB query over the
batch that also builds the canonical fields JSON and the SHA-256 content hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.orm import Session

from credo.catalogue import Category, FieldSpec
from credo.core import audit, clock
from credo.core.db import insert_rows
from credo.errors import CredoError
from credo.records import service
from credo.records.models import Record
from credo.records.readers import from_columns
from credo.records.validation import (
    EXTERNAL_ID,
    RowError,
    Validator,
    ValidRecord,
    _dumps,
    parse_date,
)
from credo.subjects import service as subjects
from credo.subjects.identifiers import get_scheme, normalise_cn_ric, ric_valid_many
from credo.subjects.identifiers import mask as masked
from credo.subjects.service import Identity

COLUMNS = frozenset(
    {
        "external_id",
        "category",
        "subject_scheme",
        "subject_id",
        "subject_name",
        "occurred_on",
        "amount",
        "currency",
        "legal_basis",
        "fields",
    }
)
NEEDED = ("external_id", "category", "subject_scheme", "subject_id", "occurred_on")

# One accepted row: what the store needs, in this order.
StoredRow = tuple[
    int,  # row number in the file
    str,  # external_id
    str,  # category
    str,  # subject scheme
    str,  # subject lookup key
    str | None,  # subject name
    str,  # occurred_on, ISO
    int | None,  # amount_minor
    str | None,  # currency
    str | None,  # legal_basis
    str,  # fields_json
    str,  # content_hash
]


def _space_class() -> str:
    """An RE2 class of every character ``str.strip()`` removes (``str.isspace``)."""
    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    return "".join(f"\\x{{{ord(c):x}}}" for c in spaces)


_SPACES = _space_class()
NONBLANK = f"[^{_SPACES}]"  # a string holding this is non-empty after str.strip()
_WS = "[ \\t\\n\\r]*"  # JSON whitespace
_STRING = '"[^"\\\\\\x00-\\x1f]*"'  # a JSON string needing no escape, in or out
NUMBER = "0|-?[1-9][0-9]{0,14}"  # an integer below 2^53, never -0
_VALUE = f"{_STRING}|{NUMBER}|true|false|null"
_MEMBER = f"{_WS}{_STRING}{_WS}:{_WS}(?:{_VALUE}){_WS}"
# A flat object of plain values: Python's json and DuckDB's parser agree on every such text.
FLAT_OBJECT = f"{_WS}\\{{(?:{_MEMBER}(?:,{_MEMBER})*|{_WS})\\}}{_WS}"
KEY = f"{_STRING}{_WS}:"  # in a flat object, every string followed by a colon is a key
DECIMAL_TEXT = "-?(0|[1-9][0-9]{0,14})(\\.[0-9]{1,6})?"  # str(Decimal(s)) == s
_DECIMAL = pa.decimal128(30, 6)
AMOUNT_TEXT = "[0-9]{1,15}(\\.[0-9]{1,2})?"  # the Validator's _PLAIN_AMOUNT


def _bound(value: float | None) -> int | None:
    """A min/max as an exact integer, or ValueError when only Python's rules compare it."""
    if value is None:
        return None
    if float(value) != int(value):
        raise ValueError(value)
    return int(value)


def _full(array: pa.Array, pattern: str) -> pa.Array:
    return pc.match_substring_regex(array, f"^(?:{pattern})$")


def _all(*masks: pa.Array) -> pa.Array:
    out = masks[0]
    for mask in masks[1:]:
        out = pc.and_kleene(out, mask)
    return out


def _field(spec: FieldSpec, token: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(valid, canonical JSON value) of one field's raw JSON tokens (all present, non-null)."""
    low, high = _bound(spec.min), _bound(spec.max)
    is_text = pc.starts_with(token, '"')
    inner = pc.utf8_slice_codeunits(token, 1, -1)
    if spec.type == "string":
        checks = [is_text, pc.match_substring_regex(inner, NONBLANK)]
        if spec.max_length is not None:
            checks.append(pc.less_equal(pc.utf8_length(inner), spec.max_length))
        if spec.choices is not None:
            checks.append(pc.is_in(inner, value_set=pa.array(spec.choices, pa.string())))
        return _all(*checks), token
    if spec.type == "boolean":
        return pc.is_in(token, value_set=pa.array(["true", "false"])), token
    if spec.type == "date":
        parsed = pc.strptime(
            pc.if_else(is_text, inner, "x"), format="%Y-%m-%d", unit="s", error_is_null=True
        )
        again = pc.strftime(parsed, format="%Y-%m-%d")
        ok = _all(
            is_text,
            _full(inner, "[0-9]{4}-[0-9]{2}-[0-9]{2}"),
            pc.greater_equal(inner, "1000-01-01"),
            pc.fill_null(pc.equal(again, inner), False),
        )
        return ok, token
    if spec.type == "integer":
        ok = _full(token, NUMBER)
        text = token
        canon = token
    else:  # decimal: a plain decimal string, or a JSON integer
        ok = pc.or_kleene(pc.and_kleene(is_text, _full(inner, DECIMAL_TEXT)), _full(token, NUMBER))
        text = pc.if_else(is_text, inner, token)
        canon = pc.binary_join_element_wise('"', text, '"', "")
    number = pc.cast(pc.if_else(ok, text, "0"), _DECIMAL)
    if low is not None:
        ok = pc.and_kleene(ok, pc.greater_equal(number, pa.scalar(Decimal(low), _DECIMAL)))
    if high is not None:
        ok = pc.and_kleene(ok, pc.less_equal(number, pa.scalar(Decimal(high), _DECIMAL)))
    return ok, canon


def _fast_category(category: Category) -> bool:
    """Whether this module can prove a category's fields (else its rows go row by row)."""
    if any(s.identifier_scheme is not None for s in category.fields):
        return False
    try:
        for spec in category.fields:
            _bound(spec.min), _bound(spec.max)
    except ValueError:
        return False
    return True


def _fields(category: Category, text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(valid, canonical fields JSON) of one category's flat ``fields`` objects."""
    null = pa.scalar(None, pa.string())
    keys = pc.count_substring_regex(text, KEY)
    counted: pa.Array = pa.array([0] * len(text), pa.int32())
    ok = pa.array([True] * len(text))
    pieces: dict[str, pa.Array] = {}
    for spec in category.fields:
        pattern = f'"{spec.name}"{_WS}:{_WS}(?P<v>{_VALUE})'
        occurs = pc.count_substring_regex(text, f'"{spec.name}"{_WS}:')
        counted = pc.add(counted, occurs)
        found = pc.struct_field(pc.extract_regex(text, pattern), [0])
        present = pc.fill_null(pc.not_equal(found, "null"), False)
        token = pc.if_else(present, found, '""')
        good, canon = _field(spec, token)
        ok = pc.and_kleene(
            ok,
            pc.and_kleene(pc.less_equal(occurs, 1), pc.if_else(present, good, not spec.required)),
        )
        pieces[spec.name] = pc.if_else(
            present, pc.binary_join_element_wise(f'"{spec.name}":', canon, ""), null
        )
    ok = pc.and_kleene(ok, pc.equal(keys, counted))
    joined = pa.nulls(len(text), pa.string())
    for name in sorted(pieces):  # keys in sorted order, absent ones skipped
        piece = pieces[name]
        both = pc.binary_join_element_wise(joined, piece, ",")
        joined = pc.coalesce(both, joined, piece)
    joined = pc.fill_null(joined, "")
    return pc.fill_null(ok, False), pc.binary_join_element_wise("{", joined, "}", "")


def _amounts(amount: pa.Array, currency: pa.Array) -> pa.Array:
    """amount_minor where the amount is a plain decimal with a valid currency, else null."""
    ok = pc.fill_null(pc.and_kleene(_full(amount, AMOUNT_TEXT), _full(currency, "[A-Z]{3}")), False)
    text = pc.if_else(ok, amount, "0")
    text = pc.replace_substring_regex(text, "^([0-9]+)$", "\\1.00")
    text = pc.replace_substring_regex(text, "^([0-9]+\\.[0-9])$", "\\10")
    minor = pc.cast(pc.replace_substring(text, ".", ""), pa.int64())
    return pc.if_else(ok, minor, pa.scalar(None, pa.int64()))


def _column(batch: pa.RecordBatch, name: str) -> pa.Array:
    """A column with the empty string as null (as ``from_columns`` drops it), or all nulls."""
    index = batch.schema.get_field_index(name)
    if index < 0:
        return pa.nulls(batch.num_rows, pa.string())
    array = batch.column(index)
    if pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
    if pa.types.is_string(array.type):
        return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    return array


def _fits(batch: pa.RecordBatch) -> bool:
    """Whether the batch has the layout the fast path understands (else every row goes slow)."""
    names = batch.schema.names
    if len(set(names)) != len(names) or not set(names) <= COLUMNS:
        return False
    if not all(n in names for n in NEEDED):
        return False
    for f in batch.schema:
        text = pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        if not (text or (f.name == "occurred_on" and pa.types.is_date32(f.type))):
            return False
    return True


def _lookup(column: pa.Array, judge: Any) -> tuple[pa.Array, list[Any]]:
    """Judge each distinct value once in Python; (index of each row's value, judgements)."""
    distinct = pc.unique(column)
    judged = [judge(v) for v in distinct.to_pylist()]
    return pc.index_in(column, value_set=distinct), judged


def _take(judged: list[Any], index: pa.Array, pick: int, kind: pa.DataType) -> pa.Array:
    values = pa.array([j[pick] for j in judged], kind)
    return values.take(index)


@dataclass
class Chunk:
    """A chunk's valid rows in file order, the identities they name, and its refusals."""

    rows: list[StoredRow] = field(default_factory=list)
    identities: dict[tuple[str, str], Identity] = field(default_factory=dict)
    refused: list[tuple[int, Any, list[RowError]]] = field(default_factory=list)
    fast: int = 0

    def add(self, number: int, record: ValidRecord) -> None:
        identity = record.identity
        self.identities.setdefault((identity.scheme, identity.key), identity)
        self.rows.append(
            (
                number,
                record.external_id,
                record.category,
                identity.scheme,
                identity.key,
                record.name,
                record.occurred_on.isoformat(),
                record.amount_minor,
                record.currency,
                record.legal_basis,
                record.fields_json,
                record.content_hash,
            )
        )


def _slow(validator: Validator, number: int, envelope: dict[str, Any] | str, chunk: Chunk) -> None:
    result = (
        validator.validate(envelope)
        if isinstance(envelope, dict)
        else [RowError("row", None, envelope, "unreadable_row")]
    )
    if isinstance(result, list):
        external = envelope.get("external_id") if isinstance(envelope, dict) else None
        chunk.refused.append((number, external, result))
    else:
        chunk.add(number, result)


class FastValidator:
    """Validates whole chunks: Arrow batches in bulk where it can, rows one by one otherwise."""

    def __init__(self, validator: Validator) -> None:
        self.validator = validator
        catalogue = validator.catalogue
        self.categories = {
            c: catalogue.categories[c]
            for c in sorted(validator.permitted & set(catalogue.categories))
            if _fast_category(catalogue.categories[c])
        }
        self._subjects: dict[str, tuple[Any, ...]] = {}  # valid identifiers seen, by pair

    def rows(self, rows: Sequence[tuple[int, dict[str, Any] | str]]) -> Chunk:
        """A chunk of envelopes (JSONL), validated row by row."""
        chunk = Chunk()
        for number, envelope in rows:
            _slow(self.validator, number, envelope, chunk)
        return chunk

    def batch(self, batch: pa.RecordBatch, first: int) -> Chunk:
        """A columnar chunk whose first row is row number ``first`` of the file."""
        ok: list[bool] = [False] * batch.num_rows
        fast: dict[int, StoredRow] = {}
        chunk = Chunk()
        if self.categories and batch.num_rows and _fits(batch):
            fast = self._judge(batch, first, chunk)
        for index in range(batch.num_rows):
            ok[index] = index in fast
        slow = [i for i, good in enumerate(ok) if not good]
        envelopes = iter(batch.take(pa.array(slow, pa.int64())).to_pylist()) if slow else iter(())
        rows = chunk.rows
        for index, good in enumerate(ok):
            if good:
                rows.append(fast[index])
            else:
                _slow(self.validator, first + index, from_columns(next(envelopes)), chunk)
        chunk.fast = len(fast)
        return chunk

    def _prove_ric(self, pairs: pa.Array) -> None:
        """Prove a chunk's new ``cn_ric`` identifiers in one vectorised pass (check digits,
        province, birth date), the HMAC once per distinct number; the rest stay for
        ``Validator.identity`` (which alone refuses)."""
        scheme = get_scheme("cn_ric")
        if scheme.normalise is not normalise_cn_ric or scheme.kind != "person":
            return
        seen = self._subjects
        prefix = "cn_ric\x1f"
        new = [
            p[len(prefix) :]
            for p in pc.unique(pairs).to_pylist()
            if p is not None and p.startswith(prefix) and p not in seen
        ]
        if len(seen) + len(new) > 200_000:
            seen.clear()
        secret, digest = self.validator.secret, hmac.digest
        for number, born in zip(new, ric_valid_many(new, today=self.validator.today), strict=True):
            if born is not None:
                key = digest(secret, b"cn_ric:" + number.encode(), "sha256").hex()
                identity = Identity("cn_ric", "person", key, masked(number), born)
                seen[prefix + number] = (True, "person", "cn_ric", key, identity)

    def _judge(self, batch: pa.RecordBatch, first: int, chunk: Chunk) -> dict[int, StoredRow]:
        """Rows proven valid, by index in the batch, with their stored values."""
        validator = self.validator
        external = _column(batch, "external_id")
        name = _column(batch, "subject_name")
        scheme, ident = _column(batch, "subject_scheme"), _column(batch, "subject_id")

        identities = chunk.identities

        seen = self._subjects

        def subject(pair: str | None) -> tuple[Any, ...]:
            known = seen.get(pair) if pair is not None else None
            if known is not None:
                identities.setdefault((known[2], known[3]), known[4])
                return known
            if pair is None or pair.count("\x1f") != 1:
                return False, None, None, None
            try:
                identity = validator.identity(*pair.split("\x1f"))
            except CredoError:
                return False, None, None, None
            identities.setdefault((identity.scheme, identity.key), identity)
            if len(seen) > 200_000:
                seen.clear()
            seen[pair] = (True, identity.kind, identity.scheme, identity.key, identity)
            return seen[pair]

        pairs = pc.binary_join_element_wise(scheme, ident, "\x1f")
        self._prove_ric(pairs)
        index, judged = _lookup(pairs, subject)
        subject_ok = _take(judged, index, 0, pa.bool_())

        def occurred(value: Any) -> tuple[bool, str | None]:
            try:
                day = parse_date(value)
            except (ValueError, TypeError):
                return False, None
            return day <= validator.today, day.isoformat()

        days, judged_days = _lookup(_column(batch, "occurred_on"), occurred)

        def basis(value: str | None) -> tuple[bool, bool, str]:
            if value is None:
                return True, False, _dumps(None)
            return len(value) <= 256, bool(value.strip()), _dumps(value)

        bases, judged_bases = _lookup(_column(batch, "legal_basis"), basis)
        pre = pc.and_kleene(
            pc.and_kleene(
                pc.and_kleene(
                    pc.less_equal(pc.utf8_length(external), 128),
                    _full(external, EXTERNAL_ID),
                ),
                pc.or_kleene(pc.is_null(name), pc.less_equal(pc.utf8_length(name), 200)),
            ),
            pc.and_kleene(
                pc.and_kleene(subject_ok, _take(judged_days, days, 0, pa.bool_())),
                _take(judged_bases, bases, 0, pa.bool_()),
            ),
        )
        pre = pc.fill_null(pre, False)
        category = _column(batch, "category")
        fields = pc.fill_null(_column(batch, "fields"), "{}")
        amount, currency = _column(batch, "amount"), _column(batch, "currency")
        minor = _amounts(amount, currency)
        kind = _take(judged, index, 1, pa.string())
        nonblank = _take(judged_bases, bases, 1, pa.bool_())
        parts: list[tuple[pa.Array, pa.Array]] = []
        for value in pc.unique(category).to_pylist():
            spec = self.categories.get(value)
            if spec is None:
                continue
            at = pc.indices_nonzero(
                pc.and_kleene(pre, pc.fill_null(pc.equal(category, value), False))
            )
            if not len(at):
                continue
            text = fields.take(at)
            flat = _full(text, FLAT_OBJECT)
            good, canon = _fields(spec, pc.if_else(flat, text, "{}"))
            checks = [flat, good, pc.is_in(kind.take(at), value_set=pa.array(spec.subject_kinds))]
            sub_minor, sub_amount, sub_currency = minor.take(at), amount.take(at), currency.take(at)
            if spec.amount == "required":
                checks.append(pc.is_valid(sub_minor))
            else:
                bare = pc.and_kleene(pc.is_null(sub_amount), pc.is_null(sub_currency))
                checks.append(
                    bare if spec.amount == "none" else pc.or_kleene(pc.is_valid(sub_minor), bare)
                )
            if spec.legal_basis_required:
                checks.append(nonblank.take(at))
            ok = pc.fill_null(_all(*checks), False)
            parts.append((pc.filter(at, ok), pc.filter(canon, ok)))
        if not parts:
            return {}
        picked = pa.chunked_array([p[0] for p in parts], pa.uint64()).combine_chunks()
        fields_json = pa.chunked_array([p[1] for p in parts], pa.string()).combine_chunks()
        cats = category.take(picked)
        schemes = _take(judged, index, 2, pa.string()).take(picked)
        keys = _take(judged, index, 3, pa.string()).take(picked)
        isos = _take(judged_days, days, 1, pa.string()).take(picked)
        minors = minor.take(picked)
        currencies = pc.if_else(
            pc.is_valid(minors), currency.take(picked), pa.scalar(None, pa.string())
        )
        content = pc.binary_join_element_wise(
            cats,
            schemes,
            keys,
            isos,
            pc.fill_null(pc.cast(minors, pa.string()), "None"),
            pc.fill_null(currencies, "None"),
            _take(judged_bases, bases, 2, pa.string()).take(picked),
            fields_json,
            "\x1f",
        )
        sha = hashlib.sha256
        hashes = [sha(c).hexdigest() for c in content.cast(pa.binary()).to_pylist()]
        values = zip(
            (first + i for i in picked.to_pylist()),
            external.take(picked).to_pylist(),
            cats.to_pylist(),
            schemes.to_pylist(),
            keys.to_pylist(),
            name.take(picked).to_pylist(),
            isos.to_pylist(),
            minors.to_pylist(),
            currencies.to_pylist(),
            _column(batch, "legal_basis").take(picked).to_pylist(),
            fields_json.to_pylist(),
            hashes,
            strict=True,
        )
        return {row[0] - first: row for row in values}


def _held(session: Session, furnisher_id: str, external_ids: list[str]) -> dict[str, str]:
    """``records.service._existing``: content hash of each held external id, in one
    statement over an array of the ids (JSON on SQLite; no per-id parameters to compile)."""
    session.flush()
    connection = session.connection()
    raw = connection.connection.driver_connection
    assert raw is not None
    if connection.dialect.name == "postgresql":
        # a join with the unnested array: an index look-up per id (a 1000-value IN list on
        # a freshly loaded, unanalysed table is planned as a scan)
        with raw.cursor() as pg:
            pg.execute(
                "SELECT r.external_id, r.content_hash FROM unnest(%s::text[]) AS u(id)"
                " JOIN records r ON r.furnisher_id = %s AND r.external_id = u.id",
                (external_ids, furnisher_id),
            )
            return dict(pg.fetchall())
    if connection.dialect.name != "sqlite":
        return service._existing(session, furnisher_id, external_ids)
    cursor = raw.cursor()
    try:
        rows = cursor.execute(
            "SELECT external_id, content_hash FROM records WHERE furnisher_id = ?"
            " AND external_id IN (SELECT value FROM json_each(?))",
            (furnisher_id, json.dumps(external_ids)),
        )
        return dict(rows.fetchall())
    finally:
        cursor.close()


def store_chunk(
    *,
    session: Session,
    furnisher_id: str,
    chunk: Chunk,
    actor: str,
    cache: dict[tuple[str, str], int],
) -> tuple[int, int, list[tuple[int, str]]]:
    """Store a chunk's new rows as ``records.service`` does: (accepted, duplicates, conflicts).

    Same idempotency (a held external id with the same content hash is a duplicate, other
    content a conflict; a repeat within the chunk counts against its first occurrence), same
    subject resolution, same row values and the same one ``records.accepted`` audit event.
    """
    rows = chunk.rows
    if not rows:
        return 0, 0, []
    known = _held(session, furnisher_id, [r[1] for r in rows])
    new: list[StoredRow] = []
    duplicates = 0
    conflicts: list[tuple[int, str]] = []
    for row in rows:
        held = known.get(row[1])
        if held is None:
            new.append(row)
            known[row[1]] = row[11]
        elif held == row[11]:
            duplicates += 1
        else:
            conflicts.append((row[0], row[1]))
    if not new:
        return 0, duplicates, conflicts
    identities = chunk.identities
    ids = subjects.resolve_many(
        session=session,
        identities=((identities[(r[3], r[4])], r[5]) for r in new),
        cache=cache,
    )
    _insert(session, furnisher_id, new, ids)
    digest = hashlib.sha256("".join(f"{r[1]}\t{r[11]}\n" for r in new).encode()).hexdigest()
    audit.append(
        session,
        service.RecordsAccepted(furnisher_id, len(new), new[0][1], new[-1][1], digest),
        actor=actor,
    )
    return len(new), duplicates, conflicts


_ISO_PROBE = dt.date(2024, 1, 2)


def _insert(
    session: Session,
    furnisher_id: str,
    new: list[StoredRow],
    ids: Mapping[tuple[str, str], int],
) -> None:
    table = Record.__table__
    now = clock.now()
    connection = session.connection()
    dialect = connection.dialect
    day = table.c.occurred_on.type.bind_processor(dialect)
    when = table.c.received_at.type.bind_processor(dialect)
    others = [
        table.c[name].type.bind_processor(dialect)
        for name in ("external_id", "category", "currency", "legal_basis", "fields")
    ]
    plain = (
        dialect.name == "sqlite"
        and (day is None or day(_ISO_PROBE) == _ISO_PROBE.isoformat())
        and all(p is None for p in others)
    )
    if not plain:  # other stores: the shared driver-speed insert with the usual values
        insert_rows(
            session,
            table,
            [
                {
                    "furnisher_id": furnisher_id,
                    "external_id": r[1],
                    "category": r[2],
                    "subject_id": ids[(r[3], r[4])],
                    "occurred_on": dt.date.fromisoformat(r[6]),
                    "amount_minor": r[7],
                    "currency": r[8],
                    "legal_basis": r[9],
                    "fields": r[10],
                    "state": "active",
                    "version": 1,
                    "content_hash": r[11],
                    "received_at": now,
                }
                for r in new
            ],
        )
        return
    # SQLite: what insert_rows would bind (ISO text is what the Date type or the driver's
    # date adapter makes of a date).
    received = when(now) if when is not None else now
    if isinstance(received, dt.datetime):  # as sqlite3's datetime adapter would, once
        received = received.isoformat(" ")
    params = [
        (
            furnisher_id,
            r[1],
            r[2],
            ids[(r[3], r[4])],
            r[6],
            r[7],
            r[8],
            r[9],
            r[10],
            r[11],
            received,
        )
        for r in new
    ]
    raw = connection.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.executemany(
            "INSERT INTO records (furnisher_id, external_id, category, subject_id, occurred_on,"
            " amount_minor, currency, legal_basis, fields, state, version, content_hash,"
            " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, ?)",
            params,
        )
    finally:
        cursor.close()
