"""The two ways of resolving subjects agree (issue 21): ``resolve_many`` (Python pairs) and
``resolve_columns`` (Arrow columns, used by fast intake) give the same subject ids and
store the same subjects and names for the same input, held subjects and new ones alike.

Each example seeds the held subjects and commits, then runs each way in its own
transaction and rolls it back, so both start from the same store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session
from stdnum.cn import uscc as stdnum_uscc

from credo.core import clock
from credo.subjects.identifiers import ric_check_character
from credo.subjects.models import Subject
from credo.subjects.service import (
    IDENTITY_COLUMNS,
    Identity,
    identify,
    resolve_columns,
    resolve_many,
)

NOW = dt.datetime(2026, 12, 2, 7, 30, tzinfo=dt.UTC)


def _ric(body: str) -> str:
    return body + ric_check_character(body)


def _uscc(body: str) -> str:
    return body + stdnum_uscc.calc_check_digit(body)


IDENTITIES = [
    identify("cn_ric", v)
    for v in (
        _ric("11010519491231002"),
        _ric("44052418800101001"),
        _ric("11010520000229123"),
        _ric("71000019900615456"),
    )
] + [identify("cn_uscc", _uscc(f"9111000070{n:07d}")) for n in (1, 2, 3, 4)]

# names that COPY text and SQLite both must keep as given: None, Unicode, the characters
# COPY escapes (backslash, tab, newline, CR) and the literal text \N
NAMES = [None, "Zhang San", "张三", "O'Brien\\Co", "Tab\there", "Line\nbreak\r", "\\N", ""]

pairs = st.tuples(st.sampled_from(IDENTITIES), st.sampled_from(NAMES))


def _columns(batch: list[tuple[Identity, str | None]]) -> pa.Table:
    return pa.table(
        {
            "scheme": pa.array([i.scheme for i, _ in batch], pa.string()),
            "lookup_key": pa.array([i.key for i, _ in batch], pa.string()),
            "kind": pa.array([i.kind for i, _ in batch], pa.string()),
            "display_id": pa.array([i.display for i, _ in batch], pa.string()),
            "name": pa.array([n for _, n in batch], pa.string()),
            "birth_date": pa.array([i.birth_date for i, _ in batch], pa.date32()),
        }
    ).select(list(IDENTITY_COLUMNS))


def _stored(session: Session) -> dict[int, tuple[Any, ...]]:
    rows = session.execute(
        select(
            Subject.id,
            Subject.kind,
            Subject.scheme,
            Subject.lookup_key,
            Subject.display_id,
            Subject.name,
            Subject.birth_date,
            Subject.created_at,
        )
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def _outcome(
    engine: Engine, batches: list[list[tuple[Identity, str | None]]], columns: bool
) -> tuple[list[list[int]], dict[int, tuple[Any, ...]]]:
    """Ids per input row of each batch (one cache across batches, as one intake run) and
    the stored subjects, read before the transaction is rolled back."""
    with Session(engine) as session:
        cache: dict[tuple[str, str], int] = {}
        ids: list[list[int]] = []
        for batch in batches:
            if columns:
                got = resolve_columns(session=session, rows=_columns(batch), cache=cache)
                ids.append(got.to_pylist())
            else:
                found = resolve_many(session=session, identities=batch, cache=cache)
                ids.append([found[(i.scheme, i.key)] for i, _ in batch])
        stored = _stored(session)
        session.rollback()
    return ids, stored


def _by_identity(
    ids: list[list[int]], stored: dict[int, tuple[Any, ...]]
) -> tuple[list[list[tuple[Any, ...]]], set[tuple[Any, ...]]]:
    """Ids replaced by the subject they name: PostgreSQL sequences do not roll back, so a
    new subject's id differs between the two runs there; what it names must not."""
    return [[stored[i] for i in batch] for batch in ids], set(stored.values())


def _check(
    engine: Engine,
    held: list[tuple[Identity, str | None]],
    batches: list[list[tuple[Identity, str | None]]],
) -> None:
    clock.freeze(NOW)
    with Session(engine) as session, session.begin():
        session.execute(delete(Subject))
        if held:
            resolve_many(session=session, identities=held)
    many = _outcome(engine, batches, columns=False)
    cols = _outcome(engine, batches, columns=True)
    assert _by_identity(*many) == _by_identity(*cols)
    held_ids = set(_stored_now(engine))
    for ids_m, ids_c in zip(many[0], cols[0], strict=True):
        for a, b in zip(ids_m, ids_c, strict=True):  # a held subject: the very same id
            assert (a in held_ids) == (b in held_ids) and (a not in held_ids or a == b)
            assert a == b or engine.dialect.name != "sqlite"  # SQLite reuses the rolled-back ids
    # new subjects are numbered in the same order both ways
    new_m = sorted({i for b in many[0] for i in b} - held_ids)
    new_c = sorted({i for b in cols[0] for i in b} - held_ids)
    assert [many[1][i] for i in new_m] == [cols[1][i] for i in new_c]


def _stored_now(engine: Engine) -> dict[int, tuple[Any, ...]]:
    with Session(engine) as session:
        return _stored(session)


CASES: list[tuple[list[int], list[list[tuple[int, int]]]]] = [
    ([], [[(0, 1)]]),  # one new person
    ([], [[(4, 1)]]),  # one new organisation
    ([0], [[(0, 2)]]),  # held: keeps its first name
    ([], [[(0, 1), (0, 2), (0, 0)]]),  # a repeated pair in one batch: the first name wins
    ([], [[(1, 0), (1, 2)]]),  # first seen without a name: stays without one
    ([0, 4], [[(0, 3), (1, 4), (4, 5), (5, 6), (1, 7)]]),  # held and new, persons and orgs
    ([], [[(2, 1), (6, 2)], [(2, 3), (6, 4), (3, 5)]]),  # a later batch sees the first's
]


def test_resolve_many_and_resolve_columns_agree_on_cases(engine: Engine) -> None:
    for held, batches in CASES:
        _check(
            engine,
            [(IDENTITIES[i], "Held Name") for i in held],
            [[(IDENTITIES[i], NAMES[n]) for i, n in batch] for batch in batches],
        )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    held=st.lists(pairs, max_size=4),
    batches=st.lists(st.lists(pairs, min_size=1, max_size=12), min_size=1, max_size=3),
)
def test_resolve_many_and_resolve_columns_agree(
    engine: Engine,
    held: list[tuple[Identity, str | None]],
    batches: list[list[tuple[Identity, str | None]]],
) -> None:
    _check(engine, held, batches)
