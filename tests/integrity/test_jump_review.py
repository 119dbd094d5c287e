"""A score jump a person cleared stays cleared: the next run's score, a point off, is not held."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from credo.integrity import service
from tests.access.helpers import publish_score
from tests.integrity.helpers import AS_OF, add_subjects


def _candidates(subject_id: int, score: int) -> pa.Table:
    return pa.table(
        {"subject_id": pa.array([subject_id], pa.int64()), "score": pa.array([score], pa.int64())}
    )


def _scan(factory: sessionmaker[Session], candidates: pa.Table) -> list[Any]:
    with factory() as s, s.begin():
        return service.run_detectors(session=s, candidates=candidates, as_of=AS_OF)


def test_a_cleared_jump_is_not_raised_again_by_the_next_runs_candidate(
    factory: sessionmaker[Session],
) -> None:
    clock.freeze(AS_OF)
    with factory() as s, s.begin():
        (sid,) = add_subjects(s, 1)
        publish_score(s, sid, 600)
    (raised,) = _scan(factory, _candidates(sid, 820))  # this run's score: held for review
    assert raised.new and raised.flag.detector == "score_jump"
    assert raised.flag.evidence["previous"] == 600 and raised.flag.evidence["new"] == 820
    with factory() as s:
        assert service.held_subject_ids(session=s) == {sid}
    with factory() as s, s.begin():
        service.decide(
            session=s, flag_id=raised.flag_id, decision="clear", note="verified", actor="op"
        )
    # the next refresh recomputes the score a point higher (a day more of history): the same
    # jump from the same published score, which a person cleared; it is published, not held
    again = _scan(factory, _candidates(sid, 821))
    assert [r.new for r in again] == [False]
    with factory() as s:
        assert service.held_subject_ids(session=s) == set()


def test_a_new_jump_from_a_later_published_score_is_raised(
    factory: sessionmaker[Session],
) -> None:
    clock.freeze(AS_OF)
    with factory() as s, s.begin():
        (sid,) = add_subjects(s, 1)
        publish_score(s, sid, 600)
    (first,) = _scan(factory, _candidates(sid, 820))
    with factory() as s, s.begin():
        service.decide(session=s, flag_id=first.flag_id, decision="clear", note=None, actor="op")
        publish_score(s, sid, 600)  # published again later (it fell back): a new baseline
    (second,) = _scan(factory, _candidates(sid, 820))
    assert second.new and second.flag_id != first.flag_id
    assert second.flag.evidence["previous_run_id"] != first.flag.evidence["previous_run_id"]
