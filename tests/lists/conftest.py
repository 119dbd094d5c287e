"""Lists fixtures: settings with an operator key, furnishers, envelopes, tokens, a refresh."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from stdnum.cn import uscc

from credo.config import Settings, get_settings
from credo.core import clock
from credo.lists.service import refresh_lists
from credo.subjects import tokens
from tests.api.helpers import add_furnisher, make_ric
from tests.envelopes import ORG, PERSON

OPERATOR_KEY = "op-test-key-0123456789"
OPERATOR = {"Authorization": f"Bearer {OPERATOR_KEY}"}
OTHER_ORG_BODY = "91310000132200821"
OTHER_ORG = OTHER_ORG_BODY + uscc.calc_check_digit(OTHER_ORG_BODY)
MINOR = make_ric(random.Random(7), dt.date(2010, 5, 1))
OTHER_PERSON = make_ric(random.Random(8), dt.date(1980, 2, 2))


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings with an operator key."""
    monkeypatch.setenv("CREDO_OPERATOR_KEY", OPERATOR_KEY)
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    clock.freeze(dt.date(2025, 1, 10))
    yield
    clock.freeze(None)


@pytest.fixture
def honours(factory: sessionmaker[Session]) -> dict[str, Any]:
    return add_furnisher(factory, "City Honours", "regulator", ["commendation"])


def at(day: str) -> dt.date:
    """Move the frozen clock to a day (midday UTC) and return the date."""
    date = dt.date.fromisoformat(day)
    clock.freeze(dt.datetime(date.year, date.month, date.day, 12, tzinfo=dt.UTC))
    return date


def _subject(who: str) -> dict[str, Any]:
    scheme = "cn_uscc" if who in (ORG, OTHER_ORG) else "cn_ric"
    return {"scheme": scheme, "id": who, "name": "Test Subject"}


def court_record(
    category: str, ext: str, case: str, on: str, who: str = PERSON, **fields: Any
) -> dict[str, Any]:
    """A court.* envelope about ``who`` for case ``case``."""
    return {
        "external_id": ext,
        "category": category,
        "subject": _subject(who),
        "occurred_on": on,
        "legal_basis": "Civil Procedure Law art. 255",
        "fields": {"case_number": case, **fields},
    }


def judgment(ext: str, case: str, on: str, due: str, who: str = PERSON) -> dict[str, Any]:
    return court_record(
        "court.judgment",
        ext,
        case,
        on,
        who,
        court_name="Chaoyang Court",
        judgment_type="monetary",
        due_on=due,
    )


def listing(
    ext: str,
    case: str,
    on: str,
    ground: str = "false_asset_report",
    who: str = PERSON,
    term_months: int | None = None,
) -> dict[str, Any]:
    extra: dict[str, Any] = {"court_name": "Chaoyang Court", "ground": ground}
    if term_months is not None:
        extra["term_months"] = term_months
    return court_record("court.listing", ext, case, on, who, **extra)


def penalty(
    ext: str, on: str, severity: str, domain: str = "food_safety", who: str = ORG
) -> dict[str, Any]:
    return {
        "external_id": ext,
        "category": "penalty.imposed",
        "subject": _subject(who),
        "occurred_on": on,
        "legal_basis": "Food Safety Law art. 124",
        "fields": {
            "decision_number": f"D-{ext}",
            "authority": "City Market Regulator",
            "domain": domain,
            "severity": severity,
        },
    }


def post(client: Any, furnisher: dict[str, Any], *envelopes: dict[str, Any]) -> None:
    response = client.post(
        "/v1/records", json={"records": list(envelopes)}, headers=furnisher["headers"]
    )
    assert response.status_code == 200, response.text


def token(factory: sessionmaker[Session], who: str = PERSON) -> dict[str, str]:
    with factory() as s, s.begin():
        scheme = "cn_uscc" if who in (ORG, OTHER_ORG) else "cn_ric"
        _, text, _ = tokens.issue(session=s, scheme=scheme, value=who, days=3650)
    return {"Authorization": f"Bearer {text}"}


def refresh(factory: sessionmaker[Session], as_of: str | dt.date | None = None) -> dict[str, Any]:
    """The daily refresh as of a day; a day after the clock's has come (the clock moves to
    it: lists are never derived as of a future day)."""
    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    if day is not None and day > clock.today():
        at(day.isoformat())
    with factory() as s, s.begin():
        return refresh_lists(session=s, as_of=day)
