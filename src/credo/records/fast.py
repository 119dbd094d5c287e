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

import binascii
import datetime as dt
import hashlib
import hmac
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.orm import Session

from credo.catalogue import Category, FieldSpec
from credo.core import audit, clock
from credo.core.copy import bound_once, copy_block, copy_literal, copy_text, executemany
from credo.core.db import insert_rows
from credo.errors import CredoError
from credo.records import service
from credo.records.models import Record
from credo.records.readers import FILE_SCHEMA, from_columns
from credo.records.validation import (
    EARLIEST,
    EXTERNAL_ID,
    RowError,
    Validator,
    ValidRecord,
    canonical_json,
    parse_date,
)
from credo.subjects import service as subjects
from credo.subjects.identifiers import get_scheme, normalise_cn_ric, ric_valid_many
from credo.subjects.identifiers import mask as masked

COLUMNS = frozenset(FILE_SCHEMA.names)
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
_CENTS = pa.decimal128(17, 2)  # every AMOUNT_TEXT, exactly
_HUNDRED = pa.scalar(100, pa.decimal128(3, 0))


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
            pc.greater_equal(inner, EARLIEST.isoformat()),
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


def _general(names: Sequence[str], text: pa.Array) -> tuple[pa.Array, list[pa.Array]]:
    """(well formed, each field's raw JSON token or null) of ``fields`` texts, for any key
    order: a flat object (:data:`FLAT_OBJECT`) whose every key is one of ``names``, each at
    most once. A regex pass for the shape and the key count, two for each field."""
    flat = _full(text, FLAT_OBJECT)
    text = pc.if_else(flat, text, "{}")
    ok = flat
    counted: pa.Array = pa.array([0] * len(text), pa.int32())
    found = []
    for name in names:
        occurs = pc.count_substring_regex(text, f'"{name}"{_WS}:')
        counted = pc.add(counted, occurs)
        ok = pc.and_kleene(ok, pc.less_equal(occurs, 1))
        pattern = f'"{name}"{_WS}:{_WS}(?P<v>{_VALUE})'
        found.append(pc.struct_field(pc.extract_regex(text, pattern), [0]))
    ok = pc.and_kleene(ok, pc.equal(pc.count_substring_regex(text, KEY), counted))
    return ok, found


_NAME = re.compile("[A-Za-z0-9_]+")


def _signature(names: Sequence[str], text: pa.Array) -> tuple[str, ...] | None:
    """The key order of the first ``fields`` text when it is a flat object of distinct
    ``names`` (the order a file's writer most likely keeps), else None."""
    first = text[0].as_py() if len(text) else None
    try:  # an object as the tuple of its keys, in order (arrays stay lists)
        keys = (
            json.loads(first, object_pairs_hook=lambda p: tuple(k for k, _ in p)) if first else None
        )
    except (ValueError, RecursionError):
        return None
    if not isinstance(keys, tuple) or not keys:
        return None
    if len(set(keys)) != len(keys) or not set(keys) <= set(names):
        return None
    return keys if all(_NAME.fullmatch(k) for k in keys) else None


def _members(names: Sequence[str], text: pa.Array) -> tuple[pa.Array, list[pa.Array]]:
    """:func:`_general` in one regex pass for the rows whose keys come in one order.

    The rows that hold exactly the first row's keys in its order are matched by one
    anchored pattern: :data:`FLAT_OBJECT` with those key strings in place of any string, so
    such a row is flat, holds each of those keys once and no other, and each group is the
    token :func:`_general`'s extraction finds. Every other row goes through
    :func:`_general` (the matched ones given ``{}``, which it passes at no cost).
    """
    order = _signature(names, text)
    if order is None:
        return _general(names, text)
    members = ",".join(
        f'{_WS}"{key}"{_WS}:{_WS}(?P<f{i}>{_VALUE}){_WS}' for i, key in enumerate(order)
    )
    parts = pc.extract_regex(text, f"^{_WS}\\{{{members}\\}}{_WS}$")
    null = pa.nulls(len(text), pa.string())
    found = [pc.struct_field(parts, [order.index(n)]) if n in order else null for n in names]
    if not parts.null_count:
        return pa.array([True] * len(text)), found
    matched = pc.is_valid(parts)
    ok, other = _general(names, pc.if_else(matched, "{}", text))
    return (
        pc.or_kleene(matched, ok),
        [pc.if_else(matched, f, g) for f, g in zip(found, other, strict=True)],
    )


def _fields(category: Category, text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(valid, canonical fields JSON) of one category's ``fields`` texts."""
    null = pa.scalar(None, pa.string())
    ok, found = _members([spec.name for spec in category.fields], text)
    pieces: dict[str, pa.Array] = {}
    for spec, token in zip(category.fields, found, strict=True):
        present = pc.fill_null(pc.not_equal(token, "null"), False)
        token = pc.if_else(present, token, '""')
        good, canon = _field(spec, token)
        ok = pc.and_kleene(ok, pc.if_else(present, good, not spec.required))
        pieces[spec.name] = pc.if_else(
            present, pc.binary_join_element_wise(f'"{spec.name}":', canon, ""), null
        )
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
    cents = pc.multiply(pc.cast(pc.if_else(ok, amount, "0"), _CENTS), _HUNDRED)  # exact
    return pc.if_else(ok, pc.cast(cents, pa.int64()), pa.scalar(None, pa.int64()))


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


class _Memo:
    """Judgements of a column's distinct values kept across a run's chunks: each value is
    judged once in Python (``judge`` gives a tuple, one item per kind), each row finds its
    judgement by Arrow's hash look-up (:meth:`index`, then :meth:`take`)."""

    def __init__(self, judge: Callable[[Any], tuple[Any, ...]], *kinds: pa.DataType) -> None:
        self.judge, self.kinds = judge, kinds
        self.values: pa.Array = pa.array([], pa.null())
        self.judged: list[pa.Array] = []

    def index(self, column: pa.Array) -> pa.Array:
        """Each row's place in the judgements (null included: it is judged as a value)."""
        if self.values.type != column.type or len(self.values) > MAX_PROVEN:
            self.values = pa.array([], column.type)
            self.judged = [pa.array([], kind) for kind in self.kinds]
        at = pc.index_in(column, value_set=self.values, skip_nulls=False)
        if not at.null_count:
            return at
        new = pc.unique(column.filter(pc.is_null(at)))
        judged = [self.judge(value) for value in new.to_pylist()]
        self.values = pa.concat_arrays([self.values, new])
        self.judged = [
            pa.concat_arrays([old, pa.array([j[i] for j in judged], kind)])
            for i, (old, kind) in enumerate(zip(self.judged, self.kinds, strict=True))
        ]
        return pc.index_in(column, value_set=self.values, skip_nulls=False)

    def take(self, pick: int, at: pa.Array) -> pa.Array:
        return self.judged[pick].take(at)


IDENTITY_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        ("scheme", pa.string()),
        ("lookup_key", pa.string()),
        ("display_id", pa.string()),
        ("birth_date", pa.date32()),
    ]
)
"""A proven identity (``subjects.Identity``) as columns."""
_IDENTITY = {f.name: f for f in IDENTITY_SCHEMA}

ROW_SCHEMA = pa.schema(
    [
        ("number", pa.int64()),
        ("external_id", pa.string()),
        ("category", pa.string()),
        _IDENTITY["scheme"],
        _IDENTITY["lookup_key"],
        ("name", pa.string()),
        ("occurred_on", pa.string()),
        ("amount_minor", pa.int64()),
        ("currency", pa.string()),
        ("legal_basis", pa.string()),
        ("fields", pa.string()),
        ("content_hash", pa.string()),
        *(_IDENTITY[name] for name in ("kind", "display_id", "birth_date")),
    ]
)
"""A chunk's accepted rows as columns: a :data:`StoredRow`, then the rest of the subject's
identity."""


@dataclass
class Chunk:
    """A chunk's valid rows in file order (columns), and its refusals.

    Rows proven valid in bulk arrive as one Arrow table; rows the per-row Validator accepted
    are added one by one; :meth:`table` gives both in file order.
    """

    accepted: pa.Table | None = None
    slow: list[tuple[Any, ...]] = field(default_factory=list)
    refused: list[tuple[int, Any, list[RowError]]] = field(default_factory=list)
    fast: int = 0
    _table: pa.Table | None = None

    def add(self, number: int, record: ValidRecord) -> None:
        identity = record.identity
        self._table = None
        self.slow.append(
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
                identity.kind,
                identity.display,
                identity.birth_date,
            )
        )

    def table(self) -> pa.Table:
        """Every accepted row, in file order (:data:`ROW_SCHEMA`)."""
        if self._table is None:
            parts = [] if self.accepted is None else [self.accepted]
            if self.slow:
                columns = list(zip(*self.slow, strict=True))
                parts.append(_table(ROW_SCHEMA, columns))
            if not parts:
                self._table = _empty(ROW_SCHEMA)
            else:
                both = pa.concat_tables(parts)
                if len(parts) > 1:
                    both = both.take(pc.sort_indices(both["number"]))
                self._table = both.combine_chunks()
        return self._table

    def part(self, low: int, high: int) -> Chunk:
        """The rows numbered ``low`` to ``high - 1``, accepted and refused, in file order."""
        accepted = self.accepted
        if accepted is not None:
            number = accepted["number"]
            accepted = accepted.filter(
                pc.and_(pc.greater_equal(number, low), pc.less(number, high))
            )
        return Chunk(
            accepted=accepted,
            slow=[r for r in self.slow if low <= r[0] < high],
            refused=[r for r in self.refused if low <= r[0] < high],
            fast=0 if accepted is None else accepted.num_rows,
        )

    @property
    def rows(self) -> list[StoredRow]:
        """The accepted rows as tuples, in file order."""
        table = self.table()
        return list(zip(*(table.column(i).to_pylist() for i in range(12)), strict=True))


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


def _table(schema: pa.Schema, columns: Sequence[Sequence[Any]]) -> pa.Table:
    """Python column values as a table of ``schema``, one sequence per field in its order."""
    arrays = [pa.array(c, f.type) for c, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def _empty(schema: pa.Schema) -> pa.Table:
    """An empty table (``Schema.empty_table`` imports pandas: seconds on a cold start)."""
    return _table(schema, [[] for _ in schema])


def _basis(value: str | None) -> tuple[bool, bool, str]:
    """(valid legal_basis, non-blank, its JSON) as the Validator judges it."""
    if value is None:
        return True, False, canonical_json(None)
    return len(value) <= 256 and "\x00" not in value, bool(value.strip()), canonical_json(value)


_RIC = "cn_ric\x1f"
MAX_PROVEN = 200_000  # identities kept proven across chunks (then forgotten, and proven again)


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
        # identities proven valid: row i of self._proven is the "scheme\x1fvalue" self._pairs[i]
        self._pairs = pa.array([], pa.string())
        self._proven = _empty(IDENTITY_SCHEMA)
        self._days = _Memo(self._occurred, pa.bool_(), pa.string())
        self._bases = _Memo(_basis, pa.bool_(), pa.bool_(), pa.string())

    def _occurred(self, value: Any) -> tuple[bool, str | None]:
        """(valid occurred_on, ISO date) as the Validator judges it."""
        try:
            day = parse_date(value)
        except (ValueError, TypeError):
            return False, None
        return day <= self.validator.today, day.isoformat()

    def rows(self, rows: Sequence[tuple[int, dict[str, Any] | str]]) -> Chunk:
        """A chunk of envelopes (JSONL), validated row by row."""
        chunk = Chunk()
        for number, envelope in rows:
            _slow(self.validator, number, envelope, chunk)
        return chunk

    def batch(self, batch: pa.RecordBatch, first: int) -> Chunk:
        """A columnar chunk whose first row is row number ``first`` of the file."""
        chunk = Chunk()
        size = batch.num_rows
        if self.categories and size and _fits(batch):
            chunk.accepted = self._judge(batch, first)
            chunk.fast = chunk.accepted.num_rows
        taken = np.zeros(size, np.bool_)
        if chunk.accepted is not None:
            taken[np.asarray(chunk.accepted["number"]) - first] = True
        slow = np.flatnonzero(~taken)
        if len(slow):
            envelopes = batch.take(pa.array(slow, pa.int64())).to_pylist()
            for index, envelope in zip(slow.tolist(), envelopes, strict=True):
                _slow(self.validator, first + index, from_columns(envelope), chunk)
        return chunk

    def _subjects(self, pairs: pa.Array) -> pa.Array:
        """Each row's identity as a row of ``self._proven`` (null: not proven here).

        Each distinct "scheme\\x1fvalue" pair is looked up once; new ``cn_ric`` numbers
        are proven in one vectorised pass (check digits, province, birth date) with the HMAC
        once per number, other pairs by ``Validator.identity``; a pair neither proves stays
        null and its rows go to the Validator (which alone refuses).
        """
        if len(self._pairs) > MAX_PROVEN:
            self._pairs = pa.array([], pa.string())
            self._proven = _empty(IDENTITY_SCHEMA)
        at = pc.index_in(pairs, value_set=self._pairs)
        if at.null_count > pairs.null_count:  # pairs not proven yet (or not provable)
            new = pc.unique(pairs.filter(pc.and_(pc.is_null(at), pc.is_valid(pairs))))
            if self._prove(new.to_pylist()):
                at = pc.index_in(pairs, value_set=self._pairs)
        return at

    def _prove(self, pairs: list[str]) -> bool:
        """Prove these pairs' identities, keeping those proven; whether any was."""
        validator = self.validator
        scheme = get_scheme("cn_ric")
        fast_ric = scheme.normalise is normalise_cn_ric and scheme.kind == "person"
        numbers = [p[len(_RIC) :] for p in pairs if fast_ric and p.startswith(_RIC)]
        born = ric_valid_many(numbers, today=validator.today)
        proven = [(n, b) for n, b in zip(numbers, born, strict=True) if b is not None]
        rics = {_RIC + n for n, _ in proven}
        secret, digest = validator.secret, hmac.digest
        columns: list[list[Any]] = [
            ["person"] * len(proven),
            ["cn_ric"] * len(proven),
            [digest(secret, b"cn_ric:" + n.encode(), "sha256").hex() for n, _ in proven],
            [masked(n) for n, _ in proven],
            [b for _, b in proven],
        ]
        names = [_RIC + n for n, _ in proven]
        for pair in pairs:
            if pair in rics or pair.count("\x1f") != 1:
                continue
            try:
                identity = validator.identity(*pair.split("\x1f"))
            except CredoError:
                continue
            for column, value in zip(
                columns,
                (
                    identity.kind,
                    identity.scheme,
                    identity.key,
                    identity.display,
                    identity.birth_date,
                ),
                strict=True,
            ):
                column.append(value)
            names.append(pair)
        if not names:
            return False
        self._pairs = pa.concat_arrays([self._pairs, pa.array(names, pa.string())])
        added = _table(IDENTITY_SCHEMA, columns)
        self._proven = pa.concat_tables([self._proven, added]).combine_chunks()
        return True

    def _judge(self, batch: pa.RecordBatch, first: int) -> pa.Table:
        """Rows proven valid, in file order, with their stored values (:data:`ROW_SCHEMA`)."""
        external = _column(batch, "external_id")
        name = _column(batch, "subject_name")
        scheme, ident = _column(batch, "subject_scheme"), _column(batch, "subject_id")
        at = self._subjects(pc.binary_join_element_wise(scheme, ident, "\x1f"))
        proven = self._proven
        subject_ok = pc.is_valid(at)

        days = self._days.index(_column(batch, "occurred_on"))
        bases = self._bases.index(_column(batch, "legal_basis"))
        pre = pc.and_kleene(
            pc.and_kleene(
                pc.and_kleene(
                    pc.less_equal(pc.utf8_length(external), 128),
                    _full(external, EXTERNAL_ID),
                ),
                pc.or_kleene(
                    pc.is_null(name),
                    pc.and_kleene(
                        pc.less_equal(pc.utf8_length(name), 200),
                        pc.invert(pc.match_substring(name, "\x00")),
                    ),
                ),
            ),
            pc.and_kleene(
                pc.and_kleene(subject_ok, self._days.take(0, days)),
                self._bases.take(0, bases),
            ),
        )
        pre = pc.fill_null(pre, False)
        category = _column(batch, "category")
        fields = pc.fill_null(_column(batch, "fields"), "{}")
        amount, currency = _column(batch, "amount"), _column(batch, "currency")
        minor = _amounts(amount, currency)
        kind = proven["kind"].combine_chunks().take(at)  # an Array: so are the masks below
        nonblank = self._bases.take(1, bases)
        parts: list[tuple[pa.Array, pa.Array]] = []
        for value in pc.unique(category).to_pylist():
            spec = self.categories.get(value)
            if spec is None:
                continue
            where = pc.indices_nonzero(
                pc.and_kleene(pre, pc.fill_null(pc.equal(category, value), False))
            )
            if not len(where):
                continue
            good, canon = _fields(spec, fields.take(where))
            checks = [
                good,
                pc.is_in(kind.take(where), value_set=pa.array(spec.subject_kinds)),
            ]
            sub_minor = minor.take(where)
            sub_amount, sub_currency = amount.take(where), currency.take(where)
            if spec.amount == "required":
                checks.append(pc.is_valid(sub_minor))
            else:
                bare = pc.and_kleene(pc.is_null(sub_amount), pc.is_null(sub_currency))
                checks.append(
                    bare if spec.amount == "none" else pc.or_kleene(pc.is_valid(sub_minor), bare)
                )
            if spec.legal_basis_required:
                checks.append(nonblank.take(where))
            ok = pc.fill_null(_all(*checks), False)
            parts.append((pc.filter(where, ok), pc.filter(canon, ok)))
        if not parts:
            return _empty(ROW_SCHEMA)
        picked = pa.concat_arrays([p[0] for p in parts])
        fields_json = pa.concat_arrays([p[1] for p in parts])
        if len(parts) > 1:  # categories were judged apart: back to file order
            order = pc.sort_indices(picked)
            picked, fields_json = picked.take(order), fields_json.take(order)
        who = proven.take(at.take(picked))
        cats = category.take(picked)
        isos = self._days.take(1, days.take(picked))
        minors = minor.take(picked)
        currencies = pc.if_else(
            pc.is_valid(minors), currency.take(picked), pa.scalar(None, pa.string())
        )
        content = pc.binary_join_element_wise(
            cats,
            who["scheme"],
            who["lookup_key"],
            isos,
            pc.fill_null(pc.cast(minors, pa.string()), "None"),
            pc.fill_null(currencies, "None"),
            self._bases.take(2, bases.take(picked)),
            fields_json,
            "\x1f",
        )
        sha = hashlib.sha256
        digests = b"".join([sha(c).digest() for c in content.cast(pa.binary()).to_pylist()])
        hashes = pa.StringArray.from_buffers(  # hex, 64 characters each, one Arrow buffer
            len(content),
            pa.py_buffer(np.arange(0, 64 * (len(content) + 1), 64, dtype=np.int32)),
            pa.py_buffer(binascii.hexlify(digests)),
        )
        return pa.Table.from_arrays(
            [
                pc.add(pc.cast(picked, pa.int64()), first),
                external.take(picked),
                cats,
                who["scheme"],
                who["lookup_key"],
                name.take(picked),
                isos,
                minors,
                currencies,
                _column(batch, "legal_basis").take(picked),
                fields_json,
                hashes,
                who["kind"],
                who["display_id"],
                who["birth_date"],
            ],
            schema=ROW_SCHEMA,
        )


def _held(session: Session, furnisher_id: str, external_ids: list[str]) -> dict[str, str]:
    """``records.service._existing``: content hash of each held external id, in one
    statement over an array of the ids (JSON on SQLite; no per-id parameters to compile).

    The ids are accepted ones (``EXTERNAL_ID``: letters, digits and ``._:~-``), so they are
    joined as text: no JSON encoder or array adapter per id.
    """
    session.flush()
    connection = session.connection()
    raw = connection.connection.driver_connection
    assert raw is not None
    if connection.dialect.name == "postgresql":
        # a join with the unnested ids: an index look-up per id (a 1000-value IN list on a
        # freshly loaded, unanalysed table is planned as a scan); the ids as one text, split
        # by the server (accepted external ids hold no space), not a Python-adapted array
        with raw.cursor() as pg:
            pg.execute(
                "SELECT r.external_id, r.content_hash FROM unnest(string_to_array(%s, ' '))"
                " AS u(id) JOIN records r ON r.furnisher_id = %s AND r.external_id = u.id",
                (" ".join(external_ids), furnisher_id),
            )
            return dict(pg.fetchall())
    if connection.dialect.name != "sqlite":
        return service._existing(session, furnisher_id, external_ids)
    cursor = raw.cursor()
    try:
        rows = cursor.execute(
            "SELECT external_id, content_hash FROM records WHERE furnisher_id = ?"
            " AND external_id IN (SELECT value FROM json_each(?))",
            (furnisher_id, '["' + '","'.join(external_ids) + '"]' if external_ids else "[]"),
        )
        return dict(rows.fetchall())
    finally:
        cursor.close()


def _new_rows(
    table: pa.Table, known: dict[str, str]
) -> tuple[pa.Table, int, list[tuple[int, str]]]:
    """(rows to store, duplicates, conflicts): a held external id with the same content hash
    is a duplicate, with other content a conflict; a repeat within the chunk counts against
    its first occurrence."""
    external = table["external_id"]
    if not known and pc.count_distinct(external).as_py() == table.num_rows:
        return table, 0, []
    keep: list[bool] = []
    duplicates = 0
    conflicts: list[tuple[int, str]] = []
    for number, external_id, digest in zip(
        table["number"].to_pylist(),
        external.to_pylist(),
        table["content_hash"].to_pylist(),
        strict=True,
    ):
        held = known.get(external_id)
        keep.append(held is None)
        if held is None:
            known[external_id] = digest
        elif held == digest:
            duplicates += 1
        else:
            conflicts.append((number, external_id))
    return table.filter(pa.array(keep, pa.bool_())), duplicates, conflicts


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
    table = chunk.table()
    if not table.num_rows:
        return 0, 0, []
    known = _held(session, furnisher_id, table["external_id"].to_pylist())
    new, duplicates, conflicts = _new_rows(table, known)
    if not new.num_rows:
        return 0, duplicates, conflicts
    ids = subjects.resolve_columns(
        session=session, rows=new.select(list(subjects.IDENTITY_COLUMNS)), cache=cache
    )
    _insert(session, furnisher_id, new, ids)
    lines = pc.binary_join_element_wise(
        new["external_id"].combine_chunks(), new["content_hash"].combine_chunks(), "\t"
    )
    listed = pa.ListArray.from_arrays(pa.array([0, new.num_rows], pa.int32()), lines)
    text = pc.binary_join(listed, "\n")[0].as_py() + "\n"
    digest = hashlib.sha256(text.encode()).hexdigest()
    external = new["external_id"]
    audit.append(
        session,
        service.RecordsAccepted(
            furnisher_id, new.num_rows, external[0].as_py(), external[-1].as_py(), digest
        ),
        actor=actor,
    )
    return new.num_rows, duplicates, conflicts


_ISO_PROBE = dt.date(2024, 1, 2)
_COLUMNS = (
    "furnisher_id, external_id, category, subject_id, occurred_on, amount_minor, currency,"
    " legal_basis, fields, state, version, content_hash, received_at"
)


def _values(column: pa.ChunkedArray) -> Iterable[Any]:
    """A column's values for the driver: one Python object repeated when every row holds the
    same (a chunk's category or currency, often), else one per row."""
    if not len(column):
        return []
    first = column[0].as_py()
    if first is None:
        same = column.null_count == len(column)
    else:
        same = column.null_count == 0 and pc.all(pc.equal(column, first)).as_py()
    return repeat(first) if same else column.to_pylist()


def _insert(session: Session, furnisher_id: str, new: pa.Table, ids: pa.Array) -> None:
    """Insert the new rows: SQLite one ``executemany`` of tuples zipped from the columns,
    PostgreSQL one ``COPY`` of a block formatted in Arrow (no Python object per row)."""
    table = Record.__table__
    now = clock.now()
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        block = copy_text(
            [
                copy_literal(furnisher_id),
                new["external_id"].combine_chunks(),
                new["category"].combine_chunks(),
                ids,
                new["occurred_on"].combine_chunks(),
                new["amount_minor"].combine_chunks(),
                new["currency"].combine_chunks(),
                new["legal_basis"].combine_chunks(),
                new["fields"].combine_chunks(),
                "active",
                "1",
                new["content_hash"].combine_chunks(),
                copy_literal(now.isoformat()),
            ]
        )
        copy_block(session, f"COPY records ({_COLUMNS}) FROM STDIN", block, new.num_rows)
        return
    day = table.c.occurred_on.type.bind_processor(dialect)
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
                    "external_id": r["external_id"],
                    "category": r["category"],
                    "subject_id": i,
                    "occurred_on": dt.date.fromisoformat(r["occurred_on"]),
                    "amount_minor": r["amount_minor"],
                    "currency": r["currency"],
                    "legal_basis": r["legal_basis"],
                    "fields": r["fields"],
                    "state": "active",
                    "version": 1,
                    "content_hash": r["content_hash"],
                    "received_at": now,
                }
                for r, i in zip(new.to_pylist(), ids.to_pylist(), strict=True)
            ],
        )
        return
    # SQLite: what insert_rows would bind (ISO text is what the Date type or the driver's
    # date adapter makes of a date), zipped from the columns.
    received = bound_once(table.c.received_at, dialect, now)
    params = zip(
        repeat(furnisher_id),
        *(_values(new[c]) for c in ("external_id", "category")),
        ids.to_pylist(),
        *(
            _values(new[c])
            for c in ("occurred_on", "amount_minor", "currency", "legal_basis", "fields")
        ),
        new["content_hash"].to_pylist(),
        repeat(received),
        strict=False,
    )
    executemany(
        session,
        f"INSERT INTO records ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, ?)",
        params,
    )
