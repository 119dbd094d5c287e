"""API fixtures: a second bank (for other-furnisher tests), a payment platform, a frozen clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from credo.core import clock
from tests.api.helpers import add_furnisher
from tests.envelopes import TODAY


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.freeze(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


@pytest.fixture
def bank2(factory: sessionmaker[Session]) -> dict[str, Any]:
    return add_furnisher(factory, "Bank Eight", "bank", ["loan.repayment", "loan.opened"])


@pytest.fixture
def platform(factory: sessionmaker[Session]) -> dict[str, Any]:
    return add_furnisher(
        factory, "Pay Platform", "payment_platform", ["payment.transfer", "loan.repayment"]
    )
