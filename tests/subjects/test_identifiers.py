"""Identifier schemes cn_ric (GB 11643) and cn_uscc (GB 32100); where credo closes stdnum's gaps."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from credo.errors import InvalidInput
from credo.subjects.identifiers import (
    PROVINCES,
    get_scheme,
    keyed_hash,
    mask,
    normalise_cn_ric,
    normalise_cn_uscc,
)
from credo.subjects.service import identify
from tests.envelopes import ORG, PERSON


def with_check(body17: str) -> str:
    """A resident number with its GB 11643 check character computed by python-stdnum."""
    assert len(body17) == 17
    return body17 + ric.calc_check_digit(body17 + "0")


def with_uscc_check(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17 + "0")


def stdnum_ric_refuses(number: str) -> bool:
    """python-stdnum's verdict (its region lookup raises KeyError for codes not in its table)."""
    try:
        return not ric.is_valid(number)
    except KeyError:
        return True


def refused(func, value: str, reason: str) -> InvalidInput:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as info:
        func(value)
    exc = info.value
    assert exc.code == "invalid_identifier"
    assert exc.details == [
        {"field": "subject.id", "value": value, "reason": exc.details[0]["reason"]}
    ]
    assert reason in exc.message and value in exc.message
    return exc


# --- cn_ric ---------------------------------------------------------------------------


def test_valid_ric_with_x_check_character() -> None:
    assert PERSON.endswith("X")
    assert normalise_cn_ric(PERSON) == PERSON
    assert normalise_cn_ric(PERSON.lower()) == PERSON
    assert normalise_cn_ric(" 110105 19491231 002x ") == PERSON


def test_valid_ric_with_digit_check_character() -> None:
    number = with_check("11010519800101002")
    assert number[-1].isdigit()
    assert normalise_cn_ric(number) == number
    assert ric.is_valid(number)


@pytest.mark.parametrize("wrong", [c for c in "0123456789X" if c != "X"])
def test_ric_wrong_check_character_is_refused(wrong: str) -> None:
    refused(normalise_cn_ric, PERSON[:-1] + wrong, "check character")


def test_ric_invalid_birth_date_is_refused() -> None:
    refused(normalise_cn_ric, with_check("11010519491331002"), "birth date")  # month 13
    refused(normalise_cn_ric, with_check("11010520230229002"), "birth date")  # no 29 Feb 2023


def test_ric_future_birth_date_is_refused() -> None:
    refused(normalise_cn_ric, with_check("11010520990101002"), "not plausible")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    refused(normalise_cn_ric, with_check(f"110105{tomorrow:%Y%m%d}002"), "not plausible")
    assert normalise_cn_ric(with_check("11010520300101002"), today=dt.date(2031, 1, 1))


def test_ric_implausibly_old_birth_date_is_refused() -> None:
    refused(normalise_cn_ric, with_check("11010518790101002"), "not plausible")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (with_check("99010519491231002"), "province"),
        (with_check("00010519491231002"), "province"),
        ("1101051949123100", "18 characters"),
        ("11010519491231002XX", "18 characters"),
        ("1101051949123100AX", "17 digits"),
        ("11010519491231002Y", "17 digits"),
        ("１１０１０５１９４９１２３１００２Ｘ", "digits 0-9"),  # full-width: int() reads them
        ("\u00b2" * 18, "digits 0-9"),  # superscript twos: isdigit() but not int()
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "digits 0-9"),  # Arabic-Indic
    ],
)
def test_ric_malformed_is_refused(value: str, reason: str) -> None:
    refused(normalise_cn_ric, value, reason)


@pytest.mark.parametrize(
    "body",
    [
        "11012019800101002",  # Beijing + county 0120: not in python-stdnum's region table
        "11011519800101002",  # Daxing district (code from 2001) on a person born 1980
        "11010320150101002",  # Chongwen district (retired 2010) on a number issued later
    ],
)
def test_ric_from_a_region_stdnum_does_not_know_is_accepted(body: str) -> None:
    number = with_check(body)
    assert stdnum_ric_refuses(number)  # the gap credo closes
    assert normalise_cn_ric(number) == number
    assert identify("cn_ric", number, secret=b"k").kind == "person"


def test_ric_mask_form() -> None:
    assert mask(PERSON) == "110105********002X"
    assert identify("cn_ric", PERSON.lower(), secret=b"k").display == "110105********002X"


def test_ric_is_keyed_by_hmac_and_the_key_depends_on_the_secret() -> None:
    one = identify("cn_ric", PERSON, secret=b"one")
    assert one.key == keyed_hash(b"one", "cn_ric", PERSON)
    assert len(one.key) == 64 and PERSON not in one.key
    assert identify("cn_ric", PERSON.lower(), secret=b"one").key == one.key
    assert identify("cn_ric", PERSON, secret=b"two").key != one.key
    assert one.birth_date == dt.date(1949, 12, 31)
    assert get_scheme("cn_ric").hashed


@st.composite
def valid_rics(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(PROVINCES)))
    region = draw(st.integers(0, 9999))
    born = draw(st.dates(dt.date(1880, 1, 1), dt.date.today()))
    order = draw(st.integers(0, 999))
    return with_check(f"{province:02d}{region:04d}{born:%Y%m%d}{order:03d}")


@settings(max_examples=300, deadline=None)
@given(number=valid_rics(), spaced=st.booleans())
def test_any_valid_ric_is_accepted_and_normalises_idempotently(number: str, spaced: bool) -> None:
    written = number.lower()
    if spaced:
        written = f" {written[:6]} {written[6:14]} {written[14:]} "
    normal = normalise_cn_ric(written)
    assert normal == number
    assert normalise_cn_ric(normal) == normal
    first, second = (
        identify("cn_ric", written, secret=b"k"),
        identify("cn_ric", normal, secret=b"k"),
    )
    assert first == second
    assert first.display == normal[:6] + "*" * 8 + normal[-4:]


@settings(max_examples=200, deadline=None)
@given(number=valid_rics(), position=st.integers(0, 16), digit=st.integers(1, 9))
def test_any_single_digit_error_is_caught(number: str, position: int, digit: int) -> None:
    changed = str((int(number[position]) + digit) % 10)
    typo = number[:position] + changed + number[position + 1 :]
    with pytest.raises(InvalidInput):
        normalise_cn_ric(typo)


# --- cn_uscc --------------------------------------------------------------------------


def test_real_uscc_is_accepted() -> None:
    assert uscc.is_valid(ORG)
    assert normalise_cn_uscc(ORG) == ORG
    assert normalise_cn_uscc("9111 0000-6000 3734 1l") == ORG
    identity = identify("cn_uscc", ORG, secret=b"k")
    assert identity.kind == "organisation" and identity.key == ORG and identity.display == ORG
    assert not get_scheme("cn_uscc").hashed


@pytest.mark.parametrize("authority", ["A", "N", "Y"])
def test_uscc_letter_authorities_are_accepted_though_stdnum_refuses_them(authority: str) -> None:
    code = with_uscc_check(authority + ORG[1:17])
    assert not uscc.is_valid(code)  # python-stdnum's gap (documented in identifiers.py)
    assert normalise_cn_uscc(code) == code


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_uscc_forbidden_letters_are_refused(letter: str) -> None:
    code = ORG[:10] + letter + ORG[11:]
    exc = refused(normalise_cn_uscc, code, "not allowed")
    assert letter in exc.message
    refused(normalise_cn_uscc, letter + ORG[1:], "not allowed")


@pytest.mark.parametrize("authority", ["0", "B", "X"])
def test_uscc_unknown_authority_is_refused(authority: str) -> None:
    refused(normalise_cn_uscc, with_uscc_check(authority + ORG[1:17]), "registration authority")


def test_uscc_wrong_check_character_is_refused() -> None:
    for wrong in "0ABM":
        refused(normalise_cn_uscc, ORG[:-1] + wrong, "check character")


def test_uscc_malformed_is_refused() -> None:
    refused(normalise_cn_uscc, ORG[:-1], "18 characters")
    refused(normalise_cn_uscc, with_uscc_check("91A10000600037341"), "division code")


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        identify("xx_passport", "E1", secret=b"k")
    assert info.value.code == "unknown_scheme"
    assert info.value.details == [{"field": "subject.scheme", "value": "xx_passport"}]


def test_another_stdnum_scheme_is_registered() -> None:
    identity = identify("us_ssn", "536-90-4399", secret=b"k")
    assert identity.kind == "person" and identity.key == keyed_hash(b"k", "us_ssn", "536904399")
    with pytest.raises(InvalidInput):
        identify("us_ssn", "000-00-0000", secret=b"k")
