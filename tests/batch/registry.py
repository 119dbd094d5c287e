"""Hand-made registries for batch tests: subjects and records written straight to the store.

Rows go in with ``insert_rows`` (as intake stores them: canonical JSON fields, amounts in
cents), so tests control every date and state exactly and run in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from credo.batch.features import add_months
from credo.core import clock
from credo.core.db import insert_rows
from credo.furnishers.models import Furnisher
from credo.records.models import Record
from credo.subjects.models import Subject

ALL = [
    "loan.opened",
    "loan.repayment",
    "loan.default",
    "card.utilisation",
    "bill.payment",
    "tax.filing",
    "tax.arrears",
    "court.judgment",
    "court.fulfilment",
    "penalty.imposed",
    "identity.verification",
    "payment.transfer",
]


class Registry:
    """Adds subjects and records to a session's store (commit with ``flush``)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # one source for every category (no real furnisher kind may furnish them all)
        self.furnisher_id = "f-test"
        session.add(
            Furnisher(
                id=self.furnisher_id,
                name="Test Source",
                kind="bank",
                categories=ALL,
                active=True,
                created_at=clock.now(),
            )
        )
        session.flush()
        self._subjects: list[dict[str, Any]] = []
        self._records: list[dict[str, Any]] = []
        self._next_subject = 1
        self._next_record = 1

    def subject(self, kind: str = "person", birth_date: dt.date | None = None) -> int:
        sid = self._next_subject
        self._next_subject += 1
        self._subjects.append(
            {
                "id": sid,
                "kind": kind,
                "scheme": "cn_ric" if kind == "person" else "cn_uscc",
                "lookup_key": f"key-{sid:08d}",
                "display_id": f"1101**********{sid:04d}",
                "name": f"Person {sid}",
                "birth_date": birth_date,
                "created_at": clock.now(),
            }
        )
        return sid

    def record(
        self,
        subject_id: int,
        category: str,
        occurred_on: dt.date,
        amount_minor: int | None = None,
        state: str = "active",
        **fields: Any,
    ) -> int:
        rid = self._next_record
        self._next_record += 1
        self._records.append(
            {
                "id": rid,
                "furnisher_id": self.furnisher_id,
                "external_id": f"r-{rid}",
                "category": category,
                "subject_id": subject_id,
                "occurred_on": occurred_on,
                "amount_minor": amount_minor,
                "currency": "CNY" if amount_minor is not None else None,
                "legal_basis": None,
                "fields": json.dumps(fields, sort_keys=True, separators=(",", ":")),
                "state": state,
                "version": 1,
                "content_hash": f"{rid:064d}",
                "received_at": clock.now(),
            }
        )
        return rid

    def flush(self) -> None:
        insert_rows(self.session, Subject.__table__, self._subjects)
        insert_rows(self.session, Record.__table__, self._records)
        self._subjects, self._records = [], []
        self.session.commit()


def populate(session: Session, *, n: int, as_of: dt.date, seed: int = 7) -> Registry:
    """A small population with risk-driven conduct and defaults in two yearly label windows.

    The registry fit trains on the window ending ``as_of - 12 months`` and validates on the one
    ending at ``as_of`` (out of time), so both windows get conduct before them and defaults in
    them. Deterministic in ``seed``; about one subject in six defaults in a window.
    """
    rng = np.random.default_rng(seed)
    reg = Registry(session)
    cutoffs = (add_months(as_of, -24), add_months(as_of, -12))
    for _ in range(n):
        sid = reg.subject(birth_date=dt.date(1960 + int(rng.integers(0, 40)), 1, 1))
        risk = float(rng.beta(2, 5))
        if rng.random() < 0.1:  # some subjects have no credit at all
            continue
        start = add_months(cutoffs[0], -int(rng.integers(6, 84)))
        reg.record(sid, "loan.opened", start, 1_000_000, loan_id="L1", product="consumer")
        reg.record(
            sid,
            "identity.verification",
            start,
            None,
            method="document",
            level=int(rng.integers(1, 4)),
        )
        for w, cutoff in enumerate(cutoffs):
            for m in range(1, 13):
                day = add_months(cutoff, -m)
                if day < start:
                    break
                late = 0
                if rng.random() < risk * 0.5:
                    late = int(rng.choice([10, 35, 65, 95]))
                reg.record(sid, "loan.repayment", day, 50_000, loan_id="L1", days_late=late)
            limit = int(rng.integers(10, 100)) * 1000
            balance = int(limit * min(1.0, risk * 2 * rng.random()))
            reg.record(
                sid,
                "card.utilisation",
                add_months(cutoff, -1),
                balance * 100,
                account_id="C1",
                credit_limit=f"{limit}.00",
            )
            for m in range(1, 13):
                late = int(rng.random() < risk) * 15
                reg.record(
                    sid,
                    "bill.payment",
                    add_months(cutoff, -m),
                    20_000,
                    account_id="B1",
                    bill_type="electricity",
                    days_late=late,
                )
            if rng.random() < risk * 0.3:
                reg.record(
                    sid,
                    "court.judgment",
                    add_months(cutoff, -3),
                    500_000,
                    case_number=f"C{sid}-{w}",
                    court_name="Court",
                    judgment_type="monetary",
                    due_on=add_months(cutoff, -2).isoformat(),
                )
            if rng.random() < risk * 0.6:
                reg.record(
                    sid,
                    "loan.default",
                    add_months(cutoff, int(rng.integers(1, 12))),
                    1_000_000,
                    loan_id=f"L1-{w}",
                    days_past_due=95,
                )
    reg.flush()
    return reg
