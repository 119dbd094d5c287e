"""Envelope validation: pure functions, no I/O. One row in, a valid record or its errors out.

Used unchanged by the API (all-or-nothing batches) and by bulk intake (per-row report).
Every error names the field, the value and the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from credo.catalogue import Catalogue, Category, FieldSpec, denied_family
from credo.catalogue.denied import denied_within
from credo.errors import CredoError
from credo.subjects.service import Identity, identify

ENVELOPE_KEYS = frozenset(
    {
        "external_id",
        "category",
        "subject",
        "occurred_on",
        "amount",
        "currency",
        "legal_basis",
        "fields",
    }
)
SUBJECT_KEYS = frozenset({"scheme", "id", "name"})
MAX_AMOUNT = Decimal("1e15")
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,2})?\Z")  # below 10^15, at most 2 decimals
CENT = Decimal("0.01")
#: The earliest date a record (or a date among its fields) may carry: nothing a registry
#: holds happened before 1900 (docs/api.md, "The record envelope").
EARLIEST = dt.date(1900, 1, 1)
#: A decimal string: ASCII digits with an optional sign and fraction; no exponent, no
#: ``_``, no spaces, no other script's digits (all of which Python's Decimal takes).
DECIMAL_STRING = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
NUL_REASON = "holds the NUL character (U+0000), which no text may hold"


@dataclass(slots=True)
class RowError:
    """One reason a row was refused."""

    field: str
    value: Any
    reason: str
    code: str = "invalid_field"

    def to_dict(self) -> dict[str, Any]:
        value = (
            self.value
            if isinstance(self.value, str | int | float | bool | None)
            else str(self.value)
        )
        return {"field": self.field, "value": value, "reason": self.reason, "code": self.code}


@dataclass(slots=True)
class ValidRecord:
    """A validated, normalised record ready to store."""

    external_id: str
    category: str
    identity: Identity
    name: str | None
    occurred_on: dt.date
    amount_minor: int | None
    currency: str | None
    legal_basis: str | None
    fields_json: str
    content_hash: str = field(init=False)
    """What the audit log binds the record's content by (``content_hash``)."""

    def __post_init__(self) -> None:
        self.content_hash = content_hash(
            category=self.category,
            scheme=self.identity.scheme,
            key=self.identity.key,
            occurred_on=self.occurred_on.isoformat(),
            amount_minor=self.amount_minor,
            currency=self.currency,
            legal_basis=self.legal_basis,
            fields_json=self.fields_json,
        )


def canonical_json(data: Any) -> str:
    """The one JSON text of a value that records store and hash: sorted keys, no spaces,
    UTF-8 kept (a record's fields, its snapshot, the content hash's parts)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(
    *,
    category: str,
    scheme: str,
    key: str,
    occurred_on: str,
    amount_minor: int | None,
    currency: str | None,
    legal_basis: str | None,
    fields_json: str,
) -> str:
    """SHA-256 of a record's content: intake computes it, ``records.binding`` recomputes it
    from stored values to check the store against the audit log."""
    parts = (category, scheme, key, occurred_on, str(amount_minor), str(currency))
    content = "\x1f".join((*parts, canonical_json(legal_basis), fields_json))
    return hashlib.sha256(content.encode()).hexdigest()


def _valid_currency(currency: Any) -> bool:
    return (
        isinstance(currency, str)
        and len(currency) == 3
        and currency.isalpha()
        and currency.isupper()
    )


def parse_date(value: Any) -> dt.date:
    """A date from a date or an ISO ``YYYY-MM-DD`` string, not before :data:`EARLIEST`
    (ValueError otherwise)."""
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        day = dt.date.fromisoformat(value)
    elif isinstance(value, dt.datetime):
        raise ValueError("a date, not a date-time")
    elif isinstance(value, dt.date):
        day = value
    else:
        raise ValueError("must be a date YYYY-MM-DD")
    if day < EARLIEST:
        raise ValueError(f"is before {EARLIEST.isoformat()}")
    return day


def parse_decimal(value: Any) -> Decimal:
    """A finite Decimal from an int, a Decimal, a float or a plain decimal string
    (:data:`DECIMAL_STRING`: ASCII digits, optional ``-`` and fraction); ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError("must be a decimal number")
    if isinstance(value, str) and not DECIMAL_STRING.match(value):
        raise ValueError("must be a decimal number such as 1200.50 (ASCII digits, no exponent)")
    try:
        number = Decimal(value) if isinstance(value, str | int | Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError("must be a decimal number") from None
    if not number.is_finite():
        raise ValueError("must be a finite decimal number")
    return number


def _nul_shown(value: str) -> str:
    """``value`` with each NUL written ``\\u0000`` (as an error shows it)."""
    return value.replace("\x00", "\\u0000")


_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+"
)


def valid_email(value: str) -> bool:
    """One plausible e-mail address (ASCII local part, dotted domain, at most 254 characters)."""
    return len(value) <= 254 and _EMAIL.fullmatch(value.strip()) is not None


def check_field(spec: FieldSpec, value: Any) -> tuple[Any, str | None]:
    """The normalised value of one category field and an error reason (None when valid)."""
    kind = spec.type
    if kind == "string":
        if not isinstance(value, str) or not value.strip():
            return value, "must be a non-empty string"
        if spec.max_length is not None and len(value) > spec.max_length:
            return value, f"longer than {spec.max_length} characters"
        if spec.choices is not None and value not in spec.choices:
            return value, f"must be one of {', '.join(spec.choices)}"
        return value, None
    if kind == "email":
        if not isinstance(value, str) or not valid_email(value):
            return value, "must be one e-mail address (name@domain.tld)"
        return value.strip().lower(), None
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return value, "must be an integer"
        number: Any = value
    elif kind == "decimal":
        try:
            number = parse_decimal(value)
        except ValueError as exc:
            return value, str(exc)
        value = str(number)
    elif kind == "date":
        try:
            return parse_date(value).isoformat(), None
        except ValueError as exc:
            return value, str(exc)
    else:  # boolean
        if not isinstance(value, bool):
            return value, "must be true or false"
        return value, None
    if spec.min is not None and number < spec.min:
        return value, f"must be at least {spec.min:g}"
    if spec.max is not None and number > spec.max:
        return value, f"must be at most {spec.max:g}"
    return value, None


#: What an external id may hold (docs/api.md): it is a URL path segment, so no "/", no
#: spaces, no "." or ".." alone; letters, digits and ``. _ - : ~``, starting with one of
#: the first two, 1-128 characters.
EXTERNAL_ID = "[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}"
_EXTERNAL_ID = re.compile(EXTERNAL_ID)


def _unknown_key(field: str, key: str, value: Any, what: str) -> RowError:
    """An unexpected key: never collected if its name (or one nested in it) is in a denied
    family, else unknown."""
    family = denied_family(key)
    if family is not None:
        return RowError(field, value, f"is never collected ({family})", "never_collected")
    nested = denied_within(value, field)
    if nested is not None:
        return RowError(nested[0], key, f"is never collected ({nested[1]})", "never_collected")
    return RowError(field, value, f"is not {what}", "unknown_field")


def _nested_denied(field: str, value: Any, errors: list[RowError]) -> bool:
    """Refuse a never-collected name nested anywhere inside a known field's value."""
    nested = denied_within(value, field) if isinstance(value, dict | list) else None
    if nested is not None:
        errors.append(
            RowError(nested[0], None, f"is never collected ({nested[1]})", "never_collected")
        )
    return nested is not None


class Validator:
    """Validates envelopes for one furnisher; caches identifier checks across rows."""

    def __init__(
        self, *, catalogue: Catalogue, permitted: frozenset[str], secret: bytes, today: dt.date
    ) -> None:
        self.catalogue = catalogue
        self.permitted = permitted
        self.secret = secret
        self.today = today
        self._identities: dict[tuple[str, str], Identity | CredoError] = {}

    def identity(self, scheme: str, value: str) -> Identity:
        """Validated identity (cached: a subject's many records are checked once)."""
        cached = self._identities.get((scheme, value))
        if cached is None:
            try:
                cached = identify(scheme, value, secret=self.secret)
            except CredoError as exc:
                cached = exc
            if len(self._identities) > 200_000:
                self._identities.clear()
            self._identities[(scheme, value)] = cached
        if isinstance(cached, CredoError):
            raise cached
        return cached

    def validate(self, row: Mapping[str, Any]) -> ValidRecord | list[RowError]:
        """The valid record, or every error found in the row."""
        errors: list[RowError] = []
        for key in row:
            if key not in ENVELOPE_KEYS:
                errors.append(_unknown_key(key, key, row[key], "an envelope field"))
        external_id = row.get("external_id")
        if not isinstance(external_id, str) or not _EXTERNAL_ID.fullmatch(external_id):
            errors.append(
                RowError(
                    "external_id",
                    external_id,
                    "must be 1-128 of A-Z a-z 0-9 . _ - : ~, starting with a letter or digit",
                )
            )
        category = self._category(row.get("category"), errors)
        identity, name = self._subject(row.get("subject"), category, errors)
        occurred = self._occurred(row.get("occurred_on"), errors)
        amount_minor, currency = self._amount(
            row.get("amount"), row.get("currency"), category, errors
        )
        legal_basis = row.get("legal_basis")
        if legal_basis is not None and (not isinstance(legal_basis, str) or len(legal_basis) > 256):
            errors.append(
                RowError("legal_basis", legal_basis, "must be a string of at most 256 characters")
            )
        elif legal_basis is not None and "\x00" in legal_basis:
            errors.append(RowError("legal_basis", _nul_shown(legal_basis), NUL_REASON))
        elif (
            category is not None
            and category.legal_basis_required
            and not (legal_basis or "").strip()
        ):
            errors.append(
                RowError(
                    "legal_basis",
                    legal_basis,
                    f"is required for {category.id}",
                    "legal_basis_required",
                )
            )
        fields = self._fields(row.get("fields"), category, errors)
        if errors:
            return errors
        assert category is not None and identity is not None and occurred is not None
        return ValidRecord(
            external_id=str(external_id),
            category=category.id,
            identity=identity,
            name=name,
            occurred_on=occurred,
            amount_minor=amount_minor,
            currency=currency,
            legal_basis=legal_basis,
            fields_json=canonical_json(fields),
        )

    def _category(self, value: Any, errors: list[RowError]) -> Category | None:
        if not isinstance(value, str):
            errors.append(RowError("category", value, "must be a catalogue category id"))
            return None
        try:
            category = self.catalogue.get(value)
        except CredoError as exc:
            errors.append(RowError("category", value, exc.message, exc.code))
            return None
        if value not in self.permitted:
            errors.append(
                RowError(
                    "category", value, "this furnisher may not furnish it", "category_not_permitted"
                )
            )
        return category

    def _subject(
        self, value: Any, category: Category | None, errors: list[RowError]
    ) -> tuple[Identity | None, str | None]:
        if not isinstance(value, dict | Mapping):
            errors.append(RowError("subject", value, "must be an object with scheme and id"))
            return None, None
        for key in value:
            if key not in SUBJECT_KEYS:
                errors.append(_unknown_key(f"subject.{key}", key, value[key], "a subject field"))
        scheme, ident, name = value.get("scheme"), value.get("id"), value.get("name")
        if name is not None and (not isinstance(name, str) or len(name) > 200):
            errors.append(
                RowError("subject.name", name, "must be a string of at most 200 characters")
            )
            name = None
        elif name is not None and "\x00" in name:
            errors.append(RowError("subject.name", _nul_shown(name), NUL_REASON))
            name = None
        if not isinstance(scheme, str) or not isinstance(ident, str):
            errors.append(
                RowError(
                    "subject", {"scheme": scheme, "id": ident}, "scheme and id must be strings"
                )
            )
            return None, name
        try:
            identity = self.identity(scheme, ident)
        except CredoError as exc:
            field = "subject.scheme" if exc.code == "unknown_scheme" else "subject.id"
            errors.append(
                RowError(
                    field, scheme if field == "subject.scheme" else ident, exc.message, exc.code
                )
            )
            return None, name
        if category is not None and identity.kind not in category.subject_kinds:
            errors.append(
                RowError(
                    "subject.scheme",
                    scheme,
                    f"{category.id} is not recorded about a {identity.kind}",
                    "wrong_subject_kind",
                )
            )
        return identity, name

    def _occurred(self, value: Any, errors: list[RowError]) -> dt.date | None:
        try:
            occurred = parse_date(value)
        except ValueError as exc:
            errors.append(RowError("occurred_on", value, str(exc)))
            return None
        if occurred > self.today:
            errors.append(RowError("occurred_on", value, "is in the future", "future_date"))
        return occurred

    def _amount(
        self, value: Any, currency: Any, category: Category | None, errors: list[RowError]
    ) -> tuple[int | None, str | None]:
        rule = category.amount if category is not None else "optional"
        if value is None:
            if rule == "required":
                errors.append(RowError("amount", value, "is required for this category"))
            if currency is not None:
                errors.append(RowError("currency", currency, "given without an amount"))
            return None, None
        if rule == "none":
            errors.append(RowError("amount", value, "this category carries no amount"))
            return None, None
        if isinstance(value, str) and _PLAIN_AMOUNT.match(value):
            whole, _, cents = value.partition(".")
            minor = int(whole) * 100 + int(cents.ljust(2, "0") or 0)
            if _valid_currency(currency):
                return minor, currency
        if (
            isinstance(value, float)
            and len(Decimal(repr(value)).normalize().as_tuple().digits) > 15
        ):
            # a JSON number past a float's 15 exact digits: 99999999999999.99 reads as ...98
            errors.append(
                RowError("amount", value, 'must be a string such as "1200.50" (digits were lost)')
            )
            return None, None
        try:
            amount = parse_decimal(value)
        except ValueError as exc:
            errors.append(RowError("amount", value, str(exc)))
            return None, None
        if amount.is_signed():  # "-0.00" too: an amount has no sign
            errors.append(RowError("amount", value, "must not be negative", "negative_amount"))
        elif amount >= MAX_AMOUNT or amount != amount.quantize(CENT):
            errors.append(RowError("amount", value, "must be below 10^15 with at most 2 decimals"))
        if not _valid_currency(currency):
            errors.append(RowError("currency", currency, "must be a 3-letter ISO 4217 code"))
            return None, None
        return int(amount * 100), currency

    def _fields(
        self, value: Any, category: Category | None, errors: list[RowError]
    ) -> dict[str, Any]:
        if value is None:
            value = {}
        if not isinstance(value, dict | Mapping):
            errors.append(RowError("fields", value, "must be an object"))
            return {}
        out: dict[str, Any] = {}
        specs = category.field_map if category is not None else None
        for key, item in value.items():
            if specs is not None and key in specs:
                _nested_denied(f"fields.{key}", item, errors)
                continue
            if specs is not None or denied_family(key) is not None:
                what = f"a field of {category.id}" if category is not None else "a field"
                errors.append(_unknown_key(f"fields.{key}", key, item, what))
        if specs is None:
            return {}
        for spec in specs.values():
            item = value.get(spec.name)
            if item is None:
                if spec.required:
                    errors.append(
                        RowError(f"fields.{spec.name}", None, "is required", "missing_field")
                    )
                continue
            normal, reason = check_field(spec, item)
            if reason is not None:
                errors.append(RowError(f"fields.{spec.name}", item, reason))
                continue
            if spec.identifier_scheme is not None:
                scheme = value.get(spec.identifier_scheme)
                try:
                    normal = self.identity(str(scheme), normal).key
                except CredoError as exc:
                    errors.append(RowError(f"fields.{spec.name}", item, exc.message, exc.code))
                    continue
            out[spec.name] = normal
        return out
