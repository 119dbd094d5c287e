"""Identifier schemes: validation, normal form, keyed hash and masked form.

``cn_ric`` and ``cn_uscc`` use python-stdnum's check-character arithmetic but close two of
its gaps (docs/identifiers.md):

* python-stdnum's ``cn.ric`` refuses valid resident numbers whose region code has since
  been retired (its region table holds current codes only). People keep their numbers
  when a county is merged, so credo accepts any region under a real province prefix and
  checks the check character, the birth date and that it is not in the future.
* python-stdnum's ``cn.uscc`` refuses codes whose first character (the registration
  authority) is a letter, yet GB 32100 assigns ``A`` (military), ``N`` (trade unions and
  other authorities) and ``Y`` (others). credo accepts authorities 1–9, A, N, Y, forbids
  I, O, Z, S, V anywhere, and checks the MOD 31-3 check character.

The registry is open: :func:`register_scheme` adds any other python-stdnum module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np
from stdnum.cn import uscc as _uscc
from stdnum.exceptions import ValidationError

from credo.core import clock
from credo.errors import InvalidInput

# GB/T 2260 province-level prefixes (including Taiwan 71, Hong Kong 81, Macao 82).
PROVINCES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
    }
)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_AUTHORITIES = frozenset("123456789ANY")


@dataclass(frozen=True)
class Scheme:
    """An identifier scheme: its subject kind and a function returning the normal form."""

    name: str
    kind: str  # "person" or "organisation"
    normalise: Callable[[str], str]

    @property
    def hashed(self) -> bool:
        """Person identifiers are stored only as a keyed hash and a masked form."""
        return self.kind == "person"


def _bad(scheme: str, value: str, why: str) -> InvalidInput:
    return InvalidInput(
        f"{scheme} identifier {value!r} is not valid: {why}",
        code="invalid_identifier",
        details=[{"field": "subject.id", "value": value, "reason": why}],
    )


RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ric_check_character(number: str) -> str:
    """GB 11643 ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(number[:17], RIC_WEIGHTS, strict=False))
    return "10X98765432"[total % 11]


def normalise_cn_ric(value: str, *, today: dt.date | None = None) -> str:
    """A valid 18-character resident identity number (GB 11643), or InvalidInput."""
    number = value.strip().upper().replace(" ", "")
    if len(number) != 18:
        raise _bad("cn_ric", value, "must be 18 characters")
    # ASCII only: str.isdigit() takes full-width and other Unicode digits, which int()
    # reads too, so "１１０…" would pass as another key than "110…" (a second subject)
    if not (number.isascii() and number[:17].isdigit() and number[17] in "0123456789X"):
        raise _bad("cn_ric", value, "must be 17 digits 0-9 and a digit or X")
    if int(number[:2]) not in PROVINCES:
        raise _bad("cn_ric", value, f"unknown province code {number[:2]}")
    if ric_check_character(number) != number[17]:
        raise _bad("cn_ric", value, "check character does not match")
    try:
        born = ric_birth_date(number)
    except ValueError:
        raise _bad("cn_ric", value, "birth date is not a date") from None
    if born > (today or clock.today()) or born.year < 1880:
        raise _bad("cn_ric", value, f"birth date {born.isoformat()} is not plausible")
    return number


def normalise_cn_uscc(value: str) -> str:
    """A valid 18-character unified social credit code (GB 32100), or InvalidInput."""
    number = value.strip().upper().replace(" ", "").replace("-", "")
    if len(number) != 18:
        raise _bad("cn_uscc", value, "must be 18 characters")
    bad = sorted({c for c in number if c not in USCC_ALPHABET})
    if bad:
        raise _bad("cn_uscc", value, f"characters {''.join(bad)} are not allowed")
    if number[0] not in USCC_AUTHORITIES:
        raise _bad("cn_uscc", value, f"registration authority {number[0]} is not 1-9, A, N or Y")
    if not number[2:8].isdigit():
        raise _bad("cn_uscc", value, "administrative division code must be 6 digits")
    if _uscc.calc_check_digit(number) != number[17]:
        raise _bad("cn_uscc", value, "check character does not match")
    return number


_RIC_CHECK = np.frombuffer(b"10X98765432", np.uint8)
_PROVINCE_CODES = np.array(sorted(PROVINCES))


def ric_valid_many(numbers: list[str], *, today: dt.date) -> list[dt.date | None]:
    """Vectorised :func:`normalise_cn_ric` for numbers already in normal form.

    For each number, its birth date when it is a valid resident number written exactly in
    normal form (17 digits and a digit or ``X``, nothing else), else None. Conservative: a
    None only means "not proven here" (the caller asks :func:`normalise_cn_ric`, which
    judges); a date means :func:`normalise_cn_ric` returns the number unchanged.
    """
    if not numbers:
        return []
    shaped = [n if len(n) == 18 and n.isascii() else "?" * 18 for n in numbers]
    raw = np.frombuffer("".join(shaped).encode("ascii"), np.uint8).reshape(-1, 18)
    digits = raw[:, :17].astype(np.int64) - 48
    last = raw[:, 17]
    ok = ((digits >= 0) & (digits <= 9)).all(axis=1)
    ok &= ((last >= 48) & (last <= 57)) | (last == ord("X"))
    digits = np.where(ok[:, None], digits, 0)
    ok &= _RIC_CHECK[(digits @ np.array(RIC_WEIGHTS)) % 11] == last
    ok &= np.isin(digits[:, 0] * 10 + digits[:, 1], _PROVINCE_CODES)
    year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    month = digits[:, 10] * 10 + digits[:, 11]
    day = digits[:, 12] * 10 + digits[:, 13]
    ok &= (year >= 1880) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    year, month, day = np.where(ok, year, 2000), np.where(ok, month, 1), np.where(ok, day, 1)
    first = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    born = first.astype("datetime64[D]") + (day - 1)
    ok &= born.astype("datetime64[M]") == first  # the day exists in its month
    ok &= born <= np.datetime64(today, "D")
    return [b if good else None for b, good in zip(born.tolist(), ok.tolist(), strict=True)]


def ric_birth_date(number: str) -> dt.date:
    """The birth date written in a (valid) resident identity number."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _stdnum_normaliser(name: str, module: ModuleType) -> Callable[[str], str]:
    def normalise(value: str) -> str:
        try:
            return str(module.validate(value))
        except ValidationError as exc:
            raise _bad(name, value, str(exc) or type(exc).__name__) from None

    return normalise


SCHEMES: dict[str, Scheme] = {
    "cn_ric": Scheme("cn_ric", "person", normalise_cn_ric),
    "cn_uscc": Scheme("cn_uscc", "organisation", normalise_cn_uscc),
}


def register_scheme(name: str, kind: str, module: ModuleType | None = None) -> Scheme:
    """Open the registry to a python-stdnum scheme, e.g. ``register_scheme("us_ssn", "person")``."""
    if kind not in ("person", "organisation"):
        raise InvalidInput(f"subject kind {kind!r} is not person or organisation")
    if module is None:
        from stdnum.util import get_cc_module

        country, _, short = name.partition("_")
        found = get_cc_module(country, short)
        if found is None:
            raise InvalidInput(f"python-stdnum has no scheme {name!r}")
        module = found  # type: ignore[assignment]
    assert module is not None
    scheme = Scheme(name, kind, _stdnum_normaliser(name, module))
    SCHEMES[name] = scheme
    return scheme


def get_scheme(name: str) -> Scheme:
    """The scheme, or InvalidInput naming it."""
    scheme = SCHEMES.get(name)
    if scheme is None:
        raise InvalidInput(
            f"identifier scheme {name!r} is not registered (known: {', '.join(sorted(SCHEMES))})",
            code="unknown_scheme",
            details=[{"field": "subject.scheme", "value": name}],
        )
    return scheme


def keyed_hash(secret: bytes, scheme: str, value: str) -> str:
    """HMAC-SHA256 of a normalised identifier: what the store keeps for persons."""
    return hmac.new(secret, f"{scheme}:{value}".encode(), hashlib.sha256).hexdigest()


def mask(value: str) -> str:
    """The masked form shown to people: first six and last four characters."""
    if len(value) <= 10:
        return value[:2] + "*" * (len(value) - 2)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def lookup_key(scheme: Scheme, value: str, secret: bytes) -> str:
    """The key a subject is stored under: keyed hash for persons, the code for organisations."""
    return keyed_hash(secret, scheme.name, value) if scheme.hashed else value


register_scheme("us_ssn", "person")
