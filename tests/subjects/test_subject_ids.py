"""``SubjectIds`` (issue 21): the cache bulk intake carries across chunks, whose known pairs
``resolve_columns`` finds as Arrow columns, gives the ids a plain dict cache gives, also
when it has forgotten its columns (``MAX_KNOWN``) and when ``resolve_many`` shares it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from credo.core import clock
from credo.subjects import service
from credo.subjects.models import Subject
from credo.subjects.service import Identity, SubjectIds, resolve_columns, resolve_many
from tests.subjects.test_resolve_equivalence import NOW, _columns, _stored, pairs


def _ids(
    engine: Engine, batches: list[list[tuple[Identity, str | None]]], cache: dict[Any, int]
) -> tuple[list[list[tuple[Any, ...]]], dict[tuple[str, str], int]]:
    """What each row's id names, per batch (ids differ between runs on PostgreSQL)."""
    with Session(engine) as session:
        ids = []
        for n, batch in enumerate(batches):
            if n == 1:  # resolve_many on the same cache between two column batches
                resolve_many(session=session, identities=batch, cache=cache)
            ids.append(resolve_columns(session=session, rows=_columns(batch), cache=cache))
        stored = _stored(session)
        named = [[stored[i] for i in got.to_pylist()] for got in ids]
        keys = {k: stored[v][2] == k[1] for k, v in cache.items()}
        session.rollback()
    assert all(keys.values()), "a cached id names another subject"
    return named, dict(cache)


@pytest.mark.parametrize("limit", [service.MAX_KNOWN, 3])
def test_subject_ids_cache_gives_the_ids_a_dict_gives(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(service, "MAX_KNOWN", limit)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(batches=st.lists(st.lists(pairs, min_size=1, max_size=10), min_size=1, max_size=4))
    def check(batches: list[list[tuple[Identity, str | None]]]) -> None:
        clock.freeze(NOW)
        with Session(engine) as session, session.begin():
            session.execute(delete(Subject))
        plain, _ = _ids(engine, batches, {})
        columns, cache = _ids(engine, batches, SubjectIds())
        assert columns == plain
        assert set(cache) == {(i.scheme, i.key) for batch in batches for i, _ in batch}

    check()
