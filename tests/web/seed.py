"""A small registry for the web tests, built through the services (as intake would)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from credo.access import checks, consents, parties
from credo.core import clock
from credo.furnishers import service as furnishers
from credo.lists import repairs
from credo.lists import service as lists
from credo.records import service as records
from credo.records.intake import validate_all, validator_for
from credo.scores import service as scores
from credo.scores.models import ModelVersion
from credo.subjects import tokens
from tests.conftest import TEST_SECRET

PERSON_ID = "11010519491231002X"
PERSON_NAME = "Wang Fang"
ORGS = {
    "91110000600037341L": "Beijing Foods Ltd",
    "91310000631254550N": "Shanghai Harbour Construction Co",
    "91440300708461136T": "Shenzhen Pharmacy Chain",
}
FOODS = "91110000600037341L"


@dataclass
class Seeded:
    token: str = ""
    person_subject_id: int = 0
    org_subject_ids: dict[str, int] = field(default_factory=dict)
    repair_id: int = 0
    record_ids: list[int] = field(default_factory=list)


def _org(external_id: str, category: str, uscc: str, day: dt.date, fields: dict[str, Any],
         **extra: Any) -> dict[str, Any]:
    envelope = {
        "external_id": external_id,
        "category": category,
        "subject": {"scheme": "cn_uscc", "id": uscc, "name": ORGS[uscc]},
        "occurred_on": day.isoformat(),
        "legal_basis": "Administrative Penalty Law art. 9",
        "fields": fields,
    }
    envelope.update(extra)
    return envelope


def _store(s: Session, furnisher: Any, envelopes: list[dict[str, Any]]) -> None:
    validator = validator_for(categories=furnisher.categories, secret=TEST_SECRET.encode())
    valid = validate_all(validator, envelopes)
    statuses = records.classify(session=s, furnisher_id=furnisher.id, records=valid)
    records.store(session=s, furnisher_id=furnisher.id, records=valid, statuses=statuses,
                  actor=f"furnisher:{furnisher.id}")


def seed(factory: sessionmaker[Session]) -> Seeded:
    """Furnishers, three organisations with public records, a scored person with a token,
    a relying party with a program, a consent and an inquiry, and a repair application."""
    out = Seeded()
    today = clock.today()
    ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    with factory() as s, s.begin():
        regulator, _ = furnishers.add(
            session=s, name="City Market Regulator", kind="regulator",
            categories=["licence.granted", "licence.revoked", "penalty.imposed",
                        "penalty.paid", "inspection.result", "commendation"])
        court, _ = furnishers.add(
            session=s, name="Haidian People's Court", kind="court",
            categories=["court.judgment", "court.fulfilment", "court.listing"])
        bank, _ = furnishers.add(
            session=s, name="Bank Nine", kind="bank",
            categories=["loan.opened", "loan.repayment", "loan.default"])
        _store(s, regulator, [
            _org("lic-1", "licence.granted", FOODS, ago(400),
                 {"licence_number": "JY11101050001", "licence_type": "food_business"}),
            _org("pen-1", "penalty.imposed", FOODS, ago(30),
                 {"decision_number": "JS-2026-17", "authority": "Chaoyang Market Regulator",
                  "domain": "food_safety", "severity": "minor"},
                 amount="5000.00", currency="CNY"),
            _org("ins-1", "inspection.result", FOODS, ago(90),
                 {"inspection_id": "IN-77", "domain": "food_safety", "grade": "B"}),
            _org("lic-2", "licence.granted", "91310000631254550N", ago(800),
                 {"licence_number": "CN-31-0091", "licence_type": "construction"}),
            _org("ins-2", "inspection.result", "91310000631254550N", ago(60),
                 {"inspection_id": "IN-91", "domain": "construction_safety", "grade": "A"}),
            _org("com-1", "commendation", "91440300708461136T", ago(100),
                 {"title": "Trustworthy Enterprise", "authority": "Shenzhen Government",
                  "level": "city"}),
        ])
        _store(s, court, [
            _org("jud-1", "court.judgment", FOODS, ago(200),
                 {"case_number": "(2025)京0105民初123", "court_name": "Chaoyang Court",
                  "judgment_type": "monetary", "due_on": ago(150).isoformat()},
                 amount="82000.00", currency="CNY"),
        ])
        person = {"scheme": "cn_ric", "id": PERSON_ID, "name": PERSON_NAME}
        _store(s, bank, [
            {"external_id": "loan-1", "category": "loan.opened", "subject": person,
             "occurred_on": ago(700).isoformat(), "amount": "50000.00", "currency": "CNY",
             "fields": {"loan_id": "L-88", "product": "consumer", "term_months": 24}},
            *[{"external_id": f"rep-{i}", "category": "loan.repayment", "subject": person,
               "occurred_on": ago(30 * i).isoformat(), "amount": "2100.00", "currency": "CNY",
               "fields": {"loan_id": "L-88", "days_late": 45 if i == 2 else 0}}
              for i in range(1, 4)],
        ])
        lists.refresh_lists(session=s, as_of=today)
        subject, token, _ = tokens.issue(session=s, scheme="cn_ric", value=PERSON_ID, days=30)
        out.token, out.person_subject_id = token, subject.id
        from credo.subjects.service import find

        for uscc in ORGS:
            out.org_subject_ids[uscc] = find(session=s, scheme="cn_uscc", value=uscc).id
        # two published scores (an older and the latest) under a stored model version
        model = ModelVersion(version="v1", model="{}", created_at=clock.now(), active=False,
                             metrics={})
        s.add(model)
        s.flush()
        reasons = json.dumps([
            {"feature": "max_days_late", "value": 45, "points_lost": 38,
             "text": "A repayment was 45 days late."},
            {"feature": "history_months", "value": 23, "points_lost": 21,
             "text": "Your credit history is 23 months long."},
            {"feature": "utilisation", "value": None, "points_lost": 9,
             "text": "No card utilisation is on record."},
            {"feature": "on_time_bills", "value": 0, "points_lost": 6,
             "text": "No bill payments are on record."},
        ])
        for as_of, score, band in ((ago(60), 598, "fair"), (ago(1), 631, "good")):
            run = scores.start_run(session=s, engine="duckdb", as_of=as_of,
                                   model_version_id=model.id, snapshot="-", records=4,
                                   subjects=1)
            scores.publish(session=s, run=run, actor="test", rows=[{
                "subject_id": subject.id, "score": score, "band": band, "history": 58,
                "capacity": 71, "compliance": 90, "payments": None, "identity": 64,
                "reasons": reasons}])
        # a relying party, a program, the person's consent and one inquiry
        party, _ = parties.add(session=s, name="Car Rental Co", activities=["air_travel"],
                               purposes=["deposit_free_rental"])
        program = parties.add_program(session=s, party=party, name="Deposit-free rental",
                                      purpose="deposit_free_rental",
                                      benefit="no deposit on car rental",
                                      conditions=[{"score_at_least": 600}])
        consents.grant(session=s, subject_id=subject.id, program_id=program.id,
                       expires_on=today + dt.timedelta(days=90))
        checks.eligibility(session=s, party=party, scheme="cn_ric", value=PERSON_ID,
                           program_id=program.id)
        # Beijing Foods is on the serious-violator list (minor tier) and applies for repair
        entry = next(e for e in lists.entries_for(session=s, subject_id=out.org_subject_ids[FOODS])
                     if e.list_id == "serious_violator")
        repair = repairs.apply(session=s, subject_id=entry.subject_id, entry_id=entry.id,
                               statement="The violation was corrected and the fine paid.")
        out.repair_id = repair.id
    return out
