"""Organisation search: names and codes by prefix; persons never indexed or answered."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from credo.records import service as records
from credo.records.intake import validate_all, validator_for
from credo.register import search
from tests.conftest import TEST_SECRET
from tests.envelopes import licence
from tests.web.seed import FOODS, PERSON_ID, PERSON_NAME, Seeded


def _find(factory: sessionmaker[Session], q: str) -> list[search.Hit]:
    with factory() as s:
        return search.search(session=s, query=q)


def test_by_name_prefix_and_code(factory: sessionmaker[Session], seeded: Seeded) -> None:
    assert [h.uscc for h in _find(factory, "beij")] == [FOODS]
    assert [h.name for h in _find(factory, "Beijing Foods")] == ["Beijing Foods Ltd"]
    assert [h.uscc for h in _find(factory, FOODS)] == [FOODS]
    assert [h.uscc for h in _find(factory, FOODS[:10])] == [FOODS]
    assert len(_find(factory, "co")) == 1  # "Construction Co"
    assert _find(factory, "nothing-like-this") == []


def test_persons_are_never_found(factory: sessionmaker[Session], seeded: Seeded) -> None:
    for q in (PERSON_NAME, "Wang", "Fang", PERSON_ID, PERSON_ID[:6], "11010519491231002x"):
        assert _find(factory, q) == [], q


def test_query_syntax_is_inert(factory: sessionmaker[Session], seeded: Seeded) -> None:
    for q in ('"', "*", "NEAR(a b)", "beijing OR wang", "name:wang", "a AND", "(((", "-", "'"):
        hits = _find(factory, q)
        assert all(h.uscc != PERSON_ID for h in hits)
    assert search.tokens("  Beijing, foods!! ") == ["beijing", "foods"]
    assert search.sqlite_match(["a", "b"]) == '"a"* "b"*'


def test_new_organisations_are_indexed_incrementally(
    factory: sessionmaker[Session], seeded: Seeded, regulator: dict[str, Any]
) -> None:
    assert _find(factory, "Tianjin") == []
    envelope = licence("l-new", subject={"scheme": "cn_uscc", "id": "914403007084611308",
                                         "name": "Tianjin Steel Works"})
    with factory() as s, s.begin():
        valid = validate_all(
            validator_for(categories=["licence.granted"], secret=TEST_SECRET.encode()),
            [envelope],
        )
        statuses = records.classify(session=s, furnisher_id=regulator["id"], records=valid)
        records.store(session=s, furnisher_id=regulator["id"], records=valid,
                      statuses=statuses, actor="test")
    assert [h.name for h in _find(factory, "tianjin steel")] == ["Tianjin Steel Works"]
    with factory() as s:
        assert search.sync(s.get_bind()) == 0  # type: ignore[arg-type]
