"""Every change to a list entry that affects an organisation reaches it as a notice (inbox and
e-mail through a real SMTP server on loopback), each transition once:

- an entry that ends on a dispute, comes back after the dispute is verified and is disputed
  again is told each time (the notice's key names the transition's audit entry), while a
  refresh that changes nothing tells nothing;
- a serious-violator entry of a tier that restricts nothing is still published on the public
  register: the organisation is told so (``listing.published``: what, since when, until when,
  credit repair, dispute) and told when the publication ends (``publication.ended``);
- a tier change on an active entry says what the entry restricts now
  (``listing.tier_changed``): a correction down to minor lifts the restrictions at once, a
  correction back up to serious restricts again from the refresh.

Everything goes through the HTTP interface, except one check that announcing the same
transition twice writes one notice.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from credo.core import audit
from credo.lists import notify
from credo.lists import rules as R
from credo.lists.models import ListEntry
from credo.notices.delivery import Worker
from credo.notices.models import Notice
from credo.records.models import Record
from tests.envelopes import ORG
from tests.lists.conftest import at, penalty, refresh, token
from tests.notices.conftest import SmtpServer
from tests.notices.helpers import idp, post

ADDRESS = "compliance@example.org"
SERIOUS = R.LISTS[R.SERIOUS_VIOLATOR].restricts
_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b(?!\.)")  # test_texts_words


def _org_email() -> dict[str, Any]:
    return {
        "external_id": "idv-org",
        "category": "identity.verification",
        "subject": {"scheme": "cn_uscc", "id": ORG, "name": "Test Kitchen Ltd"},
        "occurred_on": "2025-01-02",
        "fields": {"method": "document", "level": 2, "contact_email": ADDRESS},
    }


def _notices(client: TestClient, me: dict[str, str], *kinds: str) -> list[dict[str, Any]]:
    """The organisation's notices of these kinds (all when none), newest first."""
    found = client.get("/v1/me/notices", headers=me).json()["notices"]
    return [n for n in found if not kinds or n["kind"] in kinds]


def _body(notice: dict[str, Any]) -> str:
    return " ".join(notice[k] for k in ("title", "what", "why", "means", "can_do"))


def _record_id(factory: sessionmaker[Session], external_id: str) -> int:
    with factory() as s:
        return s.execute(select(Record.id).where(Record.external_id == external_id)).scalar_one()


def _dispute(client: TestClient, me: dict[str, str], record_id: int) -> int:
    response = client.post(
        "/v1/me/disputes", headers=me, json={"record_id": record_id, "reason": "not ours"}
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _verify(client: TestClient, regulator: dict[str, Any], dispute_id: int) -> None:
    response = client.post(
        f"/v1/furnisher/disputes/{dispute_id}",
        headers=regulator["headers"],
        json={"outcome": "verified"},
    )
    assert response.status_code == 200, response.text


def _correct(client: TestClient, regulator: dict[str, Any], envelope: dict[str, Any]) -> None:
    response = client.put(
        f"/v1/records/{envelope['external_id']}", json=envelope, headers=regulator["headers"]
    )
    assert response.status_code == 200, response.text


def _audit(factory: sessionmaker[Session], kind: str) -> int:
    with factory() as s:
        return sum(e.event_type == kind for e in audit.iter_entries(s))


def _mailed(smtp: SmtpServer, worker: Worker) -> list[str]:
    """Send what is due; every body the SMTP server has accepted, each Message-ID once."""
    worker.run_once()
    assert len(smtp.sink.unique()) == len(smtp.sink.messages)
    return [smtp.sink.body(m) for m in smtp.sink.messages]


def test_an_entry_disputed_restored_and_disputed_again_is_told_every_time(
    client: TestClient,
    factory: sessionmaker[Session],
    regulator: dict[str, Any],
    smtp: SmtpServer,
    worker: Worker,
) -> None:
    at("2025-01-10")
    post(client, idp(factory), _org_email())
    post(client, regulator, penalty("p-1", "2025-01-02", "serious"))
    refresh(factory)
    me = token(factory, ORG)
    record = _record_id(factory, "p-1")
    kinds = ("listing.entered", "restriction.lifted")
    assert [n["kind"] for n in _notices(client, me, *kinds)] == ["listing.entered"]

    at("2025-02-03")
    first = _dispute(client, me, record)  # ends the entry at once
    at("2025-02-10")
    _verify(client, regulator, first)
    assert refresh(factory)["entered"] == 1  # back at the refresh
    at("2025-03-03")
    second = _dispute(client, me, record)  # the same entry, disputed again
    at("2025-03-10")
    _verify(client, regulator, second)
    assert refresh(factory)["entered"] == 1
    again = refresh(factory)  # nothing changes: nothing more to tell
    assert (again["entered"], again["removed"], again["changed"]) == (0, 0, 0)

    told = [n["kind"] for n in _notices(client, me, *kinds)]
    assert told == ["listing.entered", "restriction.lifted"] * 2 + ["listing.entered"]
    # one notice per transition the audit log records, no more (repeated refreshes add none)
    assert _audit(factory, "list.entered") == 3 and _audit(factory, "list.removed") == 2
    lifted = _notices(client, me, "restriction.lifted")
    assert [n["what"] for n in lifted] == [
        "Your entry on the list of serious violators ended on 2025-03-03.",
        "Your entry on the list of serious violators ended on 2025-02-03.",
    ]
    assert all("you disputed the record" in n["why"] for n in lifted)
    assert all("buying property" in n["means"] and "verifies" in n["means"] for n in lifted)
    entered = _notices(client, me, "listing.entered")
    assert all("buying property" in n["means"] and "public register" in n["means"] for n in entered)

    bodies = _mailed(smtp, worker)
    assert sum("You are no longer on the list of serious violators" in b for b in bodies) == 2
    assert sum("You have been put on the list of serious violators" in b for b in bodies) == 3
    with factory() as s:
        keys = s.scalars(
            select(Notice.idempotency_key).where(Notice.kind.in_(kinds), Notice.channel == "email")
        ).all()
    assert len(keys) == len(set(keys)) == 5


def test_announcing_the_same_transition_twice_writes_one_notice(
    client: TestClient, factory: sessionmaker[Session], regulator: dict[str, Any]
) -> None:
    at("2025-01-10")
    post(client, regulator, penalty("p-1", "2025-01-02", "minor"))
    refresh(factory)
    with factory() as s, s.begin():
        entry = s.execute(select(ListEntry)).scalar_one()
        (seq,) = [e.seq for e in audit.iter_entries(s) if e.event_type == "list.entered"]
        again = notify.Transition(entry, None, None, seq)
        assert notify.announce(s, [again]) == 0  # the refresh told it already
        other = notify.Transition(entry, None, None, seq + 1000)
        assert notify.announce(s, [other, other]) == 1  # another transition: told once
        s.rollback()


def test_a_tier_that_restricts_nothing_is_told_it_is_published_and_when_that_ends(
    client: TestClient,
    factory: sessionmaker[Session],
    regulator: dict[str, Any],
    smtp: SmtpServer,
    worker: Worker,
) -> None:
    at("2025-01-10")
    post(client, idp(factory), _org_email())
    post(
        client,
        regulator,
        penalty("p-1", "2025-01-02", "minor"),
        penalty("p-2", "2025-01-03", "general", "drug_safety"),
    )
    refresh(factory)
    me = token(factory, ORG)
    assert client.get("/v1/me/lists", headers=me).json()["restrictions"] == []
    told = _notices(client, me)
    assert len(told) == 2
    (minor,) = [n for n in told if "decision D-p-1 " in n["why"]]
    (general,) = [n for n in told if "decision D-p-2 " in n["why"]]
    for notice in (minor, general):
        assert notice["kind"] == "listing.published"
        assert notice["title"] == (
            "Your organisation has been published on the list of serious violators"
        )
        assert (
            "anyone can see it on your organisation's page in the public register"
            in (notice["what"])
        )
        assert notice["means"].startswith("It restricts nothing")
        assert "refuse you" not in _body(notice) and "You may again use" not in _body(notice)
        assert "apply for credit repair" in notice["can_do"]
        assert "dispute it in your file" in notice["can_do"]
        assert not _CODE.search(_body(notice)), _body(notice)
    assert minor["what"].startswith(
        "Your organisation is on the list of serious violators from 2025-01-02 until 2025-04-02."
    )
    assert (
        "a penalty of the minor tier (decision D-p-1 of City Market Regulator, in food safety; "
        in (minor["why"])
    )
    assert "You may apply from 2025-01-02." in minor["can_do"]
    assert "until 2026-01-03" in general["what"] and "in drug safety" in general["why"]
    assert "You may apply from 2025-04-03." in general["can_do"]
    bodies = _mailed(smtp, worker)
    assert len(bodies) == 2 and all(m["To"] == ADDRESS for m in smtp.sink.messages)
    assert all("restricts nothing" in b for b in bodies)

    # a dispute ends the general entry at once: its publication ends, told with the caveat
    at("2025-02-03")
    _dispute(client, me, _record_id(factory, "p-2"))
    (ended,) = _notices(client, me, "publication.ended")
    assert (
        ended["title"]
        == "Your organisation is no longer published on the list of serious violators"
    )
    assert ended["what"] == "Your entry on the list of serious violators ended on 2025-02-03."
    assert "you disputed the record it rested on" in ended["why"]
    assert "no longer shows it" in ended["means"] and "verifies" in ended["means"]
    assert "You may again use" not in ended["means"]
    assert not _CODE.search(_body(ended)), _body(ended)

    # the minor entry's term ends at the refresh
    refresh(factory, "2025-04-02")
    ended_minor, _ = _notices(client, me, "publication.ended")
    assert ended_minor["what"] == "Your entry on the list of serious violators ended on 2025-04-02."
    assert "its term ended" in ended_minor["why"]
    refresh(factory, "2025-04-02")  # nothing changes: nothing more to tell
    kinds = [n["kind"] for n in _notices(client, me) if n["kind"] != "dispute.changed"]
    assert kinds == ["publication.ended"] * 2 + ["listing.published"] * 2
    bodies = _mailed(smtp, worker)
    assert sum("is no longer published" in b for b in bodies) == 2


def test_a_tier_change_tells_what_the_entry_restricts_now(
    client: TestClient,
    factory: sessionmaker[Session],
    regulator: dict[str, Any],
    smtp: SmtpServer,
    worker: Worker,
) -> None:
    at("2025-01-10")
    post(client, idp(factory), _org_email())
    post(client, regulator, penalty("p-1", "2025-01-02", "serious"))
    refresh(factory)
    me = token(factory, ORG)

    at("2025-02-01")
    _correct(client, regulator, penalty("p-1", "2025-01-02", "minor"))  # lifted at once
    assert client.get("/v1/me/lists", headers=me).json()["restrictions"] == []
    (down,) = _notices(client, me, "listing.tier_changed")
    assert down["title"] == "Your entry on the list of serious violators has changed"
    assert down["what"] == (
        "On 2025-02-01 your entry on the list of serious violators moved from the serious tier "
        "to the minor tier; it lasts until 2025-04-02."
    )
    assert down["means"] == (
        "It restricts nothing any more: you may again use buying property, buying luxury cars, "
        "star-rated hotels, nightclubs and golf courses and high-premium insurance, and "
        "relying parties asking from now on are told you are not restricted by it. It stays on "
        "the public register until 2025-04-02."
    )
    assert "now has the minor severity" in down["why"]
    assert "You may apply from 2025-01-02." in down["can_do"]
    assert not _CODE.search(_body(down)), _body(down)
    assert _notices(client, me, "record.changed")  # the correction's own notice too

    at("2025-02-05")
    _correct(client, regulator, penalty("p-1", "2025-01-02", "serious"))  # waits for the refresh
    assert len(_notices(client, me, "listing.tier_changed")) == 1
    refresh(factory)
    restricted = client.get("/v1/me/lists", headers=me).json()["restrictions"]
    assert sorted(r["activity"] for r in restricted) == sorted(SERIOUS)
    up, _ = _notices(client, me, "listing.tier_changed")
    assert up["what"] == (
        "On 2025-02-05 your entry on the list of serious violators moved from the minor tier "
        "to the serious tier; it lasts until 2028-01-02."
    )
    assert up["means"] == (
        "From now until 2028-01-02, relying parties will refuse you buying property, buying "
        "luxury cars, star-rated hotels, nightclubs and golf courses and high-premium "
        "insurance. It stays on the public register until 2028-01-02."
    )
    assert "You may apply from 2026-01-02." in up["can_do"]
    refresh(factory)  # nothing changes: nothing more to tell
    assert len(_notices(client, me, "listing.tier_changed")) == 2
    kinds = [n["kind"] for n in _notices(client, me, "listing.entered", "restriction.lifted")]
    assert kinds == ["listing.entered"]  # a tier change is neither an entry nor a lifting
    bodies = _mailed(smtp, worker)
    assert sum("has changed" in b and "From now until 2028-01-02" in b for b in bodies) == 1
    assert sum("It restricts nothing any more" in b for b in bodies) == 1
