"""A Hypothesis state machine drives the registry (API and services) against a small model.

Covered: records (submit, resubmit, correct, delete), disputes (open, answer verified, let
lapse past the deadline and sweep, answered by the furnisher's PUT or DELETE), re-pointing
a record to another person with statements attached, court listings extended by further
listings on the same case, and the audit trail. Invariants after every step: each record's
state and version match the model, an open dispute is open exactly while the model says,
a statement shows only for its author while the record is the author's, the listing's
scheduled end is the model's (2 years, plus 12-36 months per further listing), a
disputed court listing stays in force, every change added audit events, the log verifies
and every record version is bound to it. Consents and checks have their own suites.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credo.api.app import create_app
from credo.config import get_settings
from credo.core import audit, clock
from credo.core.db import make_engine
from credo.furnishers import service as furnishers
from credo.lists import rules as list_rules
from credo.lists import service as lists
from credo.lists.models import ListEntry
from credo.models import metadata
from credo.records import binding
from credo.records.models import Record
from credo.rights import disputes, statements
from credo.subjects import tokens
from tests.api.helpers import make_ric
from tests.reliability.settings import pick

pytestmark = pytest.mark.slow
START = dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)
PEOPLE = [make_ric(random.Random(i)) for i in range(3)]
CASE = "(2026)京0105执1号"
COURT_FIELDS = {"case_number": CASE, "court_name": "Chaoyang Court"}


class _Fixed:
    """A stand-in for ``st.data()`` that always draws one value."""

    def __init__(self, value: str) -> None:
        self.value = value

    def draw(self, _strategy: Any) -> str:
        return self.value


class Registry(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        clock.freeze(START)
        self.engine = make_engine("sqlite://")
        metadata.create_all(self.engine)
        self.client = TestClient(create_app(get_settings(), engine=self.engine))
        with Session(self.engine) as s, s.begin():
            _, key = furnishers.add(session=s, name="Bank", kind="bank",
                                    categories=["loan.repayment"])  # fmt: skip
            _, court_key = furnishers.add(
                session=s, name="Court", kind="court",
                categories=["court.judgment", "court.listing"],
            )  # fmt: skip
        self.tokens: dict[int, dict[str, str]] = {}
        self.headers = {"Authorization": f"Bearer {key}"}
        self.court = {"Authorization": f"Bearer {court_key}"}
        judgment = {"external_id": "cj-1", "category": "court.judgment",
                    "subject": {"scheme": "cn_ric", "id": PEOPLE[0]}, "occurred_on": "2026-10-01",
                    "legal_basis": "Civil Procedure Law art. 255",
                    "fields": {**COURT_FIELDS, "judgment_type": "monetary",
                               "due_on": "2026-11-01"}}  # fmt: skip
        sent = self.client.post("/v1/records", json={"records": [judgment]}, headers=self.court)
        assert sent.status_code == 200, sent.text
        self.listings: list[tuple[dt.date, int | None]] = []  # further ones extend the entry
        self.listing_disputed = False
        self.said: dict[tuple[str, int], bool] = {}  # (external id, person) -> still attached
        self.model: dict[str, dict[str, Any]] = {}  # external id -> state, version, amount
        self.open: dict[str, tuple[int, dt.date]] = {}  # external id -> dispute id, deadline
        self.audit_seen = self._audit_count()
        self.next_id = 0

    def teardown(self) -> None:
        self.client.close()
        self.engine.dispose()
        clock.freeze(None)

    def _audit_count(self) -> int:
        with Session(self.engine) as s:
            return int(s.execute(select(func.count()).select_from(audit.AuditEntry)).scalar_one())

    def _changed(self) -> None:
        now = self._audit_count()
        assert now > self.audit_seen, "a change left no audit event"
        self.audit_seen = now

    def _envelope(self, ext: str, amount: int, person: int) -> dict[str, Any]:
        return {"external_id": ext, "category": "loan.repayment",
                "subject": {"scheme": "cn_ric", "id": PEOPLE[person]},
                "occurred_on": "2026-03-01", "amount": f"{amount}.00", "currency": "CNY",
                "fields": {"loan_id": "L-1", "days_late": 0}}  # fmt: skip

    def _live(self) -> list[str]:
        return sorted(e for e, r in self.model.items() if r["state"] in ("active", "corrected"))

    @rule(amount=st.integers(1, 9999), person=st.integers(0, 2))
    def submit(self, amount: int, person: int) -> None:
        ext = f"sm-{self.next_id}"
        self.next_id += 1
        body = {"records": [self._envelope(ext, amount, person)]}
        answer = self.client.post("/v1/records", json=body, headers=self.headers)
        assert answer.status_code in (200, 201), answer.text
        self.model[ext] = {"state": "active", "version": 1, "amount": amount, "person": person}
        self._changed()

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def resubmit_is_idempotent(self, data: st.DataObject) -> None:
        ext = data.draw(st.sampled_from(sorted(self.model)))
        row = self.model[ext]
        body = {"records": [self._envelope(ext, row["amount"], row["person"])]}
        before = self._audit_count()
        answer = self.client.post("/v1/records", json=body, headers=self.headers)
        if row["version"] == 1 and row["state"] in ("active", "disputed"):
            assert answer.status_code in (200, 201), answer.text
            assert answer.json()["results"][0]["status"] == "duplicate"
        assert answer.status_code < 500
        assert self._audit_count() == before or answer.status_code < 300

    def _correctable(self) -> list[str]:
        return sorted(
            e for e, r in self.model.items() if r["state"] in ("active", "corrected", "disputed")
        )

    @precondition(lambda self: self._correctable())
    @rule(data=st.data(), amount=st.integers(1, 9999), person=st.integers(0, 2))
    def correct(self, data: st.DataObject, amount: int, person: int) -> None:
        """A PUT, possibly onto another person, possibly of a disputed record."""
        ext = data.draw(st.sampled_from(self._correctable()))
        row = self.model[ext]
        body = self._envelope(ext, amount, person)
        answer = self.client.put(f"/v1/records/{ext}", json=body, headers=self.headers)
        assert answer.status_code == 200, answer.text
        if amount != row["amount"] or person != row["person"]:
            if person != row["person"]:
                for key in self.said:
                    if key[0] == ext and key[1] != person:
                        self.said[key] = False  # detached for good (until re-attached)
            row.update(amount=amount, person=person, version=row["version"] + 1,
                       state="corrected")  # fmt: skip
            self.open.pop(ext, None)  # the PUT answered the dispute
            self._changed()

    @precondition(lambda self: self.open)
    @rule(data=st.data(), amount=st.integers(1, 9999), person=st.integers(0, 2))
    def furnisher_corrects_a_disputed_record(
        self, data: st.DataObject, amount: int, person: int
    ) -> None:
        """The PUT answers the open dispute (``corrected``) in the same transaction."""
        ext = data.draw(st.sampled_from(sorted(self.open)))
        dispute_id, _ = self.open[ext]
        self.correct(_Fixed(ext), amount, person)  # type: ignore[arg-type]
        if ext not in self.open:
            with Session(self.engine) as s:
                held = s.get(disputes.Dispute, dispute_id)
                assert held is not None and held.state == "corrected", held

    @precondition(lambda self: self._correctable())
    @rule(data=st.data())
    def attach_statement(self, data: st.DataObject) -> None:
        ext = data.draw(st.sampled_from(self._correctable()))
        person = self.model[ext]["person"]
        with Session(self.engine) as s:
            record_id = s.execute(select(Record.id).where(Record.external_id == ext)).scalar_one()
        body = {"record_id": record_id, "text": f"{ext} by {person}"}
        if person not in self.tokens:
            with Session(self.engine) as s, s.begin():
                who = PEOPLE[person]
                _, text, _ = tokens.issue(session=s, scheme="cn_ric", value=who, days=3650)
            self.tokens[person] = {"Authorization": f"Bearer {text}"}
        answer = self.client.post("/v1/me/statements", headers=self.tokens[person], json=body)
        assert answer.status_code == 201, answer.text
        self.said[(ext, person)] = True
        self._changed()

    @precondition(lambda self: self._correctable())
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        ext = data.draw(st.sampled_from(self._correctable()))
        answer = self.client.delete(f"/v1/records/{ext}", headers=self.headers)
        assert answer.status_code == 200, answer.text
        self.model[ext].update(state="deleted", version=self.model[ext]["version"] + 1)
        self.open.pop(ext, None)  # the DELETE answered the dispute
        self._changed()

    @precondition(lambda self: len(self.listings) < 6)
    @rule(term=st.one_of(st.none(), st.integers(0, 60)))
    def court_lists(self, term: int | None) -> None:
        """The first listing on the case lists; each further one extends the entry."""
        n = len(self.listings)
        fields: dict[str, Any] = {**COURT_FIELDS, "ground": "false_asset_report"}
        if n and term is not None:
            fields["term_months"] = term
        envelope = {"external_id": f"cl-{n}", "category": "court.listing",
                    "subject": {"scheme": "cn_ric", "id": PEOPLE[0]},
                    "occurred_on": clock.today().isoformat(),
                    "legal_basis": "Civil Procedure Law art. 255", "fields": fields}  # fmt: skip
        sent = self.client.post("/v1/records", json={"records": [envelope]}, headers=self.court)
        assert sent.status_code == 200, sent.text
        self.listings.append((clock.today(), term if n else None))
        with Session(self.engine) as s, s.begin():
            lists.refresh_lists(session=s, as_of=clock.today())
        self._changed()

    @precondition(lambda self: self.listings and not self.listing_disputed)
    @rule()
    def person_disputes_the_listing(self) -> None:
        with Session(self.engine) as s, s.begin():
            record = s.execute(select(Record).where(Record.external_id == "cl-0")).scalar_one()
            disputes.open_dispute(session=s, subject_id=record.subject_id, record_id=record.id,
                                  reason="I paid", days=10_000)  # fmt: skip
            lists.refresh_lists(session=s, as_of=clock.today())
        self.listing_disputed = True
        self._changed()

    @precondition(lambda self: self._live())
    @rule(data=st.data())
    def dispute(self, data: st.DataObject) -> None:
        ext = data.draw(st.sampled_from(self._live()))
        with Session(self.engine) as s, s.begin():
            record = s.execute(select(Record).where(Record.external_id == ext)).scalar_one()
            opened = disputes.open_dispute(
                session=s, subject_id=record.subject_id, record_id=record.id,
                reason="not mine", days=20,
            )  # fmt: skip
            self.open[ext] = (opened.id, opened.deadline)
        self.model[ext]["state"] = "disputed"
        self._changed()

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    def furnisher_verifies(self, data: st.DataObject) -> None:
        ext = data.draw(st.sampled_from(sorted(self.open)))
        dispute_id, _ = self.open.pop(ext)
        with Session(self.engine) as s, s.begin():
            record = s.execute(select(Record).where(Record.external_id == ext)).scalar_one()
            furnisher_id = record.furnisher_id
            disputes.answer(session=s, furnisher_id=furnisher_id, dispute_id=dispute_id,
                            outcome="verified")  # fmt: skip
        row = self.model[ext]
        row["state"] = "corrected" if row["version"] > 1 else "active"
        self._changed()

    @rule(days=st.integers(1, 30))
    def time_passes_and_sweep(self, days: int) -> None:
        clock.freeze(clock.now() + dt.timedelta(days=days))
        with Session(self.engine) as s, s.begin():
            lapsed = disputes.sweep(session=s, today=clock.today())
        expected = {e for e, (_, deadline) in self.open.items() if deadline < clock.today()}
        assert len(lapsed) == len(expected)
        for ext in expected:
            self.open.pop(ext)
            self.model[ext].update(state="deleted", version=self.model[ext]["version"] + 1)
        if expected:
            self._changed()

    @invariant()
    def records_match_the_model(self) -> None:
        with Session(self.engine) as s:
            bank = select(Record).where(Record.category == "loan.repayment")
            held = {r.external_id: r for r in s.execute(bank).scalars()}
        assert set(held) == set(self.model)
        for ext, row in self.model.items():
            assert held[ext].state in (row["state"], "active" if row["state"] == "corrected"
                                       else row["state"]), (ext, held[ext].state, row)  # fmt: skip
            assert held[ext].version == row["version"], (ext, held[ext].version, row)
        for ext, (_, deadline) in self.open.items():
            assert deadline >= clock.today() or held[ext].state == "deleted"

    @invariant()
    def disputes_match_the_model(self) -> None:
        with Session(self.engine) as s:
            for ext, row in self.model.items():
                record = s.execute(select(Record).where(Record.external_id == ext)).scalar_one()
                held = disputes.open_for(session=s, record_id=record.id)
                assert (held is not None) == (ext in self.open), (ext, row, held)

    @invariant()
    def statements_follow_their_pair(self) -> None:
        with Session(self.engine) as s:
            ids = dict(s.execute(select(Record.external_id, Record.id)).all())
            shown = statements.for_records(session=s, record_ids=list(ids.values()))
        for ext, row in self.model.items():
            text = shown.get(ids[ext])
            if self.said.get((ext, row["person"])):
                assert text == f"{ext} by {row['person']}", (ext, text)
            else:
                assert text is None, (ext, text, row)

    @invariant()
    def listing_ends_when_the_model_says(self) -> None:
        if not self.listings:
            return
        first, _ = self.listings[0]
        end = list_rules.add_months(first, 24)
        for day, term in self.listings[1:]:
            end = list_rules.add_months(max(end, day), list_rules.extension_term(term)[0])
        with Session(self.engine) as s:
            (entry,) = s.execute(
                select(ListEntry).where(ListEntry.rule_id == list_rules.LISTING_RULE)
            ).scalars()
            assert entry.scheduled_end == end, (entry.scheduled_end, end, self.listings)
            if end > clock.today():
                assert entry.state == "active", entry.state  # disputed or not, it stays

    @invariant()
    def audit_log_verifies(self) -> None:
        with Session(self.engine) as s:
            assert audit.verify(s).ok
            assert binding.verify(s) == []


Registry.TestCase.settings = settings(
    max_examples=pick(20, 500),
    stateful_step_count=pick(20, 50),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
test_registry_matches_its_model = Registry.TestCase
