"""Bulk identity work (issue 21): the vectorised GB 11643 check and subject resolution."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credo.errors import InvalidInput
from credo.subjects.identifiers import (
    normalise_cn_ric,
    ric_birth_date,
    ric_check_character,
    ric_valid_many,
)
from credo.subjects.models import Subject
from credo.subjects.service import identify, resolve_many

TODAY = dt.date(2026, 12, 2)


@st.composite
def numbers(draw: st.DrawFn) -> str:
    """Resident numbers near the edges: provinces, dates, check characters, shape."""
    province = draw(st.sampled_from(["11", "44", "71", "82", "00", "99", "10"]))
    region = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    year = draw(st.sampled_from([1879, 1880, 1900, 2000, 2024, 2026, 2027, 9999]))
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    body = f"{province}{region}{year:04d}{month:02d}{day:02d}{serial}"
    check = draw(st.one_of(st.just(ric_check_character(body)), st.sampled_from("0123456789Xx")))
    number = body + check
    return draw(
        st.sampled_from([number, number, number[:-1], " " + number, number[:9] + "é" + number[10:]])
    )


@settings(max_examples=400, deadline=None)
@given(st.lists(numbers(), min_size=1, max_size=20))
def test_vectorised_check_proves_only_what_the_normaliser_accepts(values: list[str]) -> None:
    for value, born in zip(values, ric_valid_many(values, today=TODAY), strict=True):
        try:
            normal: str | None = normalise_cn_ric(value, today=TODAY)
        except InvalidInput:
            normal = None
        if born is not None:
            assert normal == value and ric_birth_date(value) == born
        else:  # not proven: refused, or valid only after normalising
            assert normal != value


def test_vectorised_check_takes_valid_numbers_with_either_check_character() -> None:
    valid = ["11010519491231002X", "440524188001010014"]
    assert ric_valid_many(valid, today=TODAY) == [dt.date(1949, 12, 31), dt.date(1880, 1, 1)]


def test_resolve_many_keeps_held_subjects_and_adds_new_ones(session: Session) -> None:
    held = identify("cn_ric", "11010519491231002X")
    first = resolve_many(session=session, identities=[(held, "First Name")])
    new = identify("cn_ric", "440524188001010014")
    # a fresh cache: the held subject goes through INSERT ... ON CONFLICT DO NOTHING again
    pairs = [(held, "Other Name"), (new, None), (new, None)]
    both = resolve_many(session=session, identities=pairs)
    assert both[("cn_ric", held.key)] == first[("cn_ric", held.key)]
    assert both[("cn_ric", new.key)] != both[("cn_ric", held.key)]
    assert session.scalar(select(func.count()).select_from(Subject)) == 2
    stored = session.scalars(select(Subject).where(Subject.lookup_key == held.key)).one()
    assert stored.name == "First Name"
    assert stored.birth_date == dt.date(1949, 12, 31)
    assert stored.display_id == held.display
