"""Furnisher services: registration checked against the catalogue, keys issued and verified."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit, credentials
from credo.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from credo.furnishers import service
from credo.furnishers.models import Furnisher


def test_add_returns_a_key_shown_once_and_stored_hashed(factory: sessionmaker[Session]) -> None:
    with factory() as s, s.begin():
        furnisher, key = service.add(
            session=s, name="  Bank Nine ", kind="bank", categories=["loan.opened", "loan.opened"]
        )
    assert furnisher.name == "Bank Nine" and furnisher.categories == ["loan.opened"]
    assert key.startswith("fk_")
    with factory() as s:
        assert service.authenticate(session=s, token=key).id == furnisher.id
        [stored] = credentials.of_holder(session=s, kind="furnisher", holder=furnisher.id)
        assert key.split(".", 1)[1] not in (stored.secret_hash, stored.id)
        kinds = [e.event_type for e in audit.iter_entries(s)]
    assert kinds == ["furnisher.added", "key.issued"]


@pytest.mark.parametrize(
    ("kind", "categories", "named"),
    [
        ("bakery", ["loan.opened"], "'bakery'"),
        ("bank", [], "at least one category"),
        ("bank", ["court.judgment"], "'court.judgment'"),
    ],
)
def test_bad_registrations_name_the_value(
    factory: sessionmaker[Session], kind: str, categories: list[str], named: str
) -> None:
    with factory() as s, pytest.raises(InvalidInput, match=named):
        service.add(session=s, name="X", kind=kind, categories=categories)


def test_the_same_name_twice_is_a_conflict(factory: sessionmaker[Session]) -> None:
    with factory() as s, s.begin():
        service.add(session=s, name="Bank", kind="bank", categories=["loan.opened"])
    with factory() as s, pytest.raises(Conflict, match="'Bank'"):
        service.add(session=s, name="Bank", kind="bank", categories=["loan.opened"])


def test_an_inactive_furnisher_is_refused_with_a_live_key(factory: sessionmaker[Session]) -> None:
    with factory() as s, s.begin():
        furnisher, key = service.add(session=s, name="B", kind="bank", categories=["loan.opened"])
        second = service.issue_key(session=s, furnisher_id=furnisher.id)
    with factory() as s:
        assert service.authenticate(session=s, token=second).id == furnisher.id
    with factory() as s, s.begin():
        s.execute(select(Furnisher).where(Furnisher.id == furnisher.id)).scalar_one().active = False
    with factory() as s:
        for token in (key, second):
            with pytest.raises(Unauthenticated):
                service.authenticate(session=s, token=token)


def test_issuing_a_key_for_an_unknown_furnisher_is_not_found(
    factory: sessionmaker[Session],
) -> None:
    with factory() as s, pytest.raises(NotFound, match="'fur_nothing'"):
        service.issue_key(session=s, furnisher_id="fur_nothing")
