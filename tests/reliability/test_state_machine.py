"""A Hypothesis state machine drives the registry (API and services) against a small model.

Covered: records (submit, resubmit, correct, delete), disputes (open, answer verified, let
lapse past the deadline and sweep) and the audit trail. Invariants after every step: each
record's state and version match the model, a disputed record past its deadline is deleted
after the sweep, every change added audit events and the log verifies. Lists, consents and
checks have their own suites and are not in this model yet (see docs/reliability.md).
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
from credo.models import metadata
from credo.records.models import Record
from credo.rights import disputes
from tests.api.helpers import make_ric
from tests.reliability.settings import pick

pytestmark = pytest.mark.slow
START = dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)
PEOPLE = [make_ric(random.Random(i)) for i in range(3)]


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
        self.headers = {"Authorization": f"Bearer {key}"}
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

    @precondition(lambda self: self._live())
    @rule(data=st.data(), amount=st.integers(1, 9999))
    def correct(self, data: st.DataObject, amount: int) -> None:
        ext = data.draw(st.sampled_from(self._live()))
        row = self.model[ext]
        body = self._envelope(ext, amount, row["person"])
        answer = self.client.put(f"/v1/records/{ext}", json=body, headers=self.headers)
        assert answer.status_code == 200, answer.text
        if amount != row["amount"]:
            row.update(amount=amount, version=row["version"] + 1, state="corrected")
            self._changed()

    @precondition(lambda self: self._live())
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        ext = data.draw(st.sampled_from(self._live()))
        answer = self.client.delete(f"/v1/records/{ext}", headers=self.headers)
        assert answer.status_code == 200, answer.text
        self.model[ext].update(state="deleted", version=self.model[ext]["version"] + 1)
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
            held = {r.external_id: r for r in s.execute(select(Record)).scalars()}
        assert set(held) == set(self.model)
        for ext, row in self.model.items():
            assert held[ext].state in (row["state"], "active" if row["state"] == "corrected"
                                       else row["state"]), (ext, held[ext].state, row)  # fmt: skip
            assert held[ext].version == row["version"], (ext, held[ext].version, row)
        for ext, (_, deadline) in self.open.items():
            assert deadline >= clock.today() or held[ext].state == "deleted"

    @invariant()
    def audit_log_verifies(self) -> None:
        with Session(self.engine) as s:
            assert audit.verify(s).ok


Registry.TestCase.settings = settings(
    max_examples=pick(20, 500),
    stateful_step_count=pick(20, 50),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
test_registry_matches_its_model = Registry.TestCase
