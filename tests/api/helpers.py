"""Helpers for API tests: table snapshots ("nothing changed") and error-body checks."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from stdnum.cn import ric

from credo.furnishers import service as furnishers
from credo.subjects.identifiers import PROVINCES

COUNTED = ("records", "audit_log", "record_versions", "subjects", "furnishers")
ANY = object()


def counts(engine: Engine) -> dict[str, int]:
    """Row counts of the tables intake may touch."""
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COUNTED}


def snapshot(engine: Engine) -> dict[str, Any]:
    """Counts plus the content of records and the audit head: catches in-place changes too."""
    with engine.connect() as conn:
        records = conn.execute(
            text(
                "SELECT furnisher_id, external_id, state, version, content_hash, fields"
                " FROM records ORDER BY furnisher_id, external_id"
            )
        ).all()
        head = conn.execute(text("SELECT max(seq), count(*) FROM audit_log")).one()
    return {"counts": counts(engine), "records": [tuple(r) for r in records], "audit": tuple(head)}


@contextmanager
def unchanged(engine: Engine) -> Iterator[dict[str, Any]]:
    """Assert the store is exactly as before the block (records, audit log, versions...)."""
    before = snapshot(engine)
    yield before
    after = snapshot(engine)
    assert after == before, "the store changed"


def plain_field(detail: dict[str, Any]) -> tuple[int | None, str]:
    """(record index, field) of a detail: the validator's ``record`` key, or a schema error's
    ``records.N.`` path prefix (``records.1.amount`` -> (1, "amount"))."""
    field = str(detail.get("field", ""))
    parts = field.split(".")
    if len(parts) > 2 and parts[0] == "records" and parts[1].isdigit():
        return int(parts[1]), ".".join(parts[2:])
    return detail.get("record"), field


def names(detail: dict[str, Any], field: str) -> bool:
    """Whether a detail names the field (schema errors may add a suffix: ``amount.str``)."""
    _, plain = plain_field(detail)
    return plain == field or plain.startswith(field + ".") or detail.get("field") == field


def assert_error(
    response: Any,
    status: int,
    code: str | None = None,
    *,
    field: str | None = None,
    value: Any = ANY,
    detail_code: str | None = None,
) -> list[dict[str, Any]]:
    """Check status and ``{"error": {"code","message","details"}}``; return matching details.

    With ``field``, some detail must name that field (the validator's ``amount`` or the
    request schema's ``records.1.amount``) and, unless ``value`` is ANY, carry that value.
    """
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    if code is not None:
        assert error["code"] == code, error
    if field is None:
        return error["details"]
    matching = [d for d in error["details"] if names(d, field)]
    assert matching, f"no detail names {field}: {error['details']}"
    if value is not ANY:
        assert any(d.get("value") == value for d in matching), matching
    if detail_code is not None:
        assert any(d.get("code") == detail_code for d in matching), matching
    return matching


def add_furnisher(
    factory: sessionmaker[Session], name: str, kind: str, categories: list[str]
) -> dict[str, Any]:
    """Register a furnisher; returns id, key and headers like tests/conftest.py's fixtures."""
    with factory() as s, s.begin():
        furnisher, key = furnishers.add(session=s, name=name, kind=kind, categories=categories)
        return {"id": furnisher.id, "key": key, "headers": {"Authorization": f"Bearer {key}"}}


def make_ric(rng: random.Random, born: dt.date | None = None) -> str:
    """A valid resident identity number with a random province prefix and birth date."""
    province = rng.choice(sorted(PROVINCES))
    if born is None:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
    body = f"{province:02d}{rng.randrange(10000):04d}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")
