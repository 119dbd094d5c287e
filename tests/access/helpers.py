"""Builders for access tests: subjects with published scores and list entries, parties, tokens,
and a "nothing changed" check that covers the access tables too."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from credo.access import parties
from credo.core import clock
from credo.lists.models import ListEntry
from credo.scores.models import ModelVersion, Score, ScoreRun
from credo.subjects import tokens
from credo.subjects.service import identify, resolve_many
from tests.api.helpers import unchanged

ACCESS_TABLES = {
    "relying_parties": "id, name, activities, purposes, active",
    "credentials": "id, kind, holder, revoked_at",
    "programs": "id, party_id, name, purpose, benefit, conditions, active",
    "consents": "id, subject_id, party_id, scope, expires_on, revoked_at, end_reason",
    "inquiries": "decision_id, party_id, subject_id, answer, reason",
    "scores": "id, subject_id, score",
    "list_entries": "id, subject_id, list_id, state",
}


def access_snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table: [
                tuple(str(v) for v in row)
                for row in conn.execute(text(f"SELECT {cols} FROM {table} ORDER BY 1"))
            ]
            for table, cols in ACCESS_TABLES.items()
        }


@contextmanager
def nothing_changed(engine: Engine) -> Iterator[None]:
    """tests/api/helpers.unchanged (records, audit log, subjects...) plus the access tables."""
    before = access_snapshot(engine)
    with unchanged(engine):
        yield
    assert access_snapshot(engine) == before, "the access tables changed"


def add_subject(s: Session, value: str, scheme: str = "cn_ric") -> int:
    identity = identify(scheme, value)
    found = resolve_many(session=s, identities=[(identity, None)])
    return found[(scheme, identity.key)]


def publish_score(s: Session, subject_id: int, score: int, band: str = "good") -> int:
    """A published score, written straight into the scores tables as a batch run would;
    returns its id."""
    model = s.query(ModelVersion).filter_by(version="test-1").one_or_none()
    if model is None:
        model = ModelVersion(
            version="test-1", model="{}", created_at=clock.now(), active=True, metrics={}
        )
        s.add(model)
        s.flush()
    run = ScoreRun(
        started_at=clock.now(),
        engine="duckdb",
        as_of=clock.today(),
        model_version_id=model.id,
        snapshot="-",
        records=0,
        subjects=1,
        published=1,
        finished_at=clock.now(),
    )
    s.add(run)
    s.flush()
    row = Score(
        subject_id=subject_id,
        model_version_id=model.id,
        run_id=run.id,
        as_of=clock.today(),
        score=score,
        band=band,
        history=score,
        capacity=score,
        compliance=score,
        payments=score,
        identity=score,
        reasons=json.dumps(
            [{"feature": "f", "value": 1, "points_lost": 9, "text": "SECRET-REASON"}]
        ),
    )
    s.add(row)
    s.flush()
    return row.id


def put_on_list(s: Session, subject_id: int, list_id: str) -> None:
    s.add(
        ListEntry(
            list_id=list_id,
            subject_id=subject_id,
            rule_id=f"{list_id}.test",
            ref=f"case-{subject_id}",
            record_ids="[]",
            tier=None,
            starts_on=clock.today() - dt.timedelta(days=30),
            scheduled_end=None,
            ended_on=None,
            removal_reason=None,
            state="active",
            basis="SECRET-BASIS",
            updated_at=clock.now(),
        )
    )


def add_party(s: Session, name: str, activities: list[str], purposes: list[str]) -> dict[str, Any]:
    party, key = parties.add(session=s, name=name, activities=activities, purposes=purposes)
    return {"id": party.id, "key": key, "headers": {"Authorization": f"Bearer {key}"}}


def subject_headers(s: Session, value: str) -> dict[str, str]:
    _, token, _ = tokens.issue(session=s, scheme="cn_ric", value=value, days=30)
    return {"Authorization": f"Bearer {token}"}
