"""A restriction check's reason says what the restriction rests on, per list: a court order
(the defaulter list) or an administrative penalty (the serious-violator list, serious tier
only), with the list's title and nothing of the entry."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from credo.lists import rules as R
from credo.lists.service import refresh_lists
from tests.access.conftest import World
from tests.access.test_checks import assert_no_leak
from tests.envelopes import ORG
from tests.lists.conftest import OTHER_ORG, penalty, post

COURT = "restricted by a court order: Judgment-defaulter list"
PENALTY = (
    "restricted by an administrative penalty: "
    "Serious-violator list (food, drug and construction safety)"
)
NONE = "no restriction in force for this activity"


@pytest.fixture
def _penalties(
    client: TestClient, regulator: dict[str, Any], factory: sessionmaker[Session]
) -> None:
    """ORG has a serious food-safety penalty, OTHER_ORG a general one (published only);
    the lists are derived before the world's hand-made entries exist."""
    post(
        client,
        regulator,
        penalty("p-1", "2026-11-02", "serious", "food_safety"),
        penalty("p-2", "2026-11-02", "general", "drug_safety", who=OTHER_ORG),
    )
    with factory() as s, s.begin():
        summary = refresh_lists(session=s)
    assert summary["entries"] == {"serious_violator.active": 2}


@pytest.fixture
def penalised(_penalties: None, world: World) -> World:
    return world


@pytest.mark.parametrize(
    ("subject", "restricted", "reason"),
    [
        ({"scheme": "cn_uscc", "id": ORG}, True, PENALTY),
        ({"scheme": "cn_uscc", "id": OTHER_ORG}, False, NONE),
        ("defaulter", True, COURT),
        ("good", False, NONE),
    ],
)
def test_the_reason_names_what_the_restriction_rests_on(
    client: TestClient, penalised: World, subject: Any, restricted: bool, reason: str
) -> None:
    ref = penalised.ref(subject) if isinstance(subject, str) else subject
    body = {"subject": ref, "activity": "star_hotel"}  # party B enforces star-rated hotels
    response = client.post("/v1/checks/restriction", json=body, headers=penalised.b["headers"])
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["restricted"], answer["reason"]) == (restricted, reason)
    assert_no_leak(response)
    shown = answer["reason"]
    for secret in ("D-p-", "serious tier", "general", "food_safety", "Regulator", "2026"):
        assert secret not in shown, (secret, shown)


def test_every_list_that_restricts_says_what_it_rests_on() -> None:
    for rule in R.LISTS.values():
        assert bool(rule.restricts) is bool(rule.restricted_by), rule.id
    assert R.restriction_reason(R.DEFAULTER) == COURT
    assert R.restriction_reason(R.SERIOUS_VIOLATOR) == PENALTY
    assert "court" not in R.restriction_reason(R.SERIOUS_VIOLATOR)
    assert R.restriction_reason("some_list") == "restricted by a list: some_list"
