"""Ledgers end to end on the store and DuckDB: rules, operators, expiry, consent, versions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from credo.access import consents, inputs, rules
from credo.core import audit
from credo.ledgers import service
from credo.ledgers.models import LedgerBalance, LedgerEntry, LedgerGradeHistory
from credo.ledgers.policy import PolicyError, parse, read
from credo.lists import service as lists
from tests.batch.registry import Registry
from tests.ledgers.conftest import (
    EXAMPLE,
    TODAY,
    compute,
    install,
    opt_in,
    policy,
    policy_text,
    rule,
)

D = dt.date


def penalty(reg: Registry, sid: int, on: dt.date, domain: str = "traffic", **kw: str) -> int:
    fields = {"decision_number": f"D-{on}", "authority": "Police", "domain": domain}
    return reg.record(sid, "penalty.imposed", on, **{**fields, "severity": "minor", **kw})


def grade(session: Session, sid: int, on: dt.date = TODAY) -> str | None:
    return inputs.ledger_grade(session, sid, "city", on)


def test_example_policy_entries_cite_record_and_rule(
    session: Session, engine: Engine, registry: Registry, tmp_path: Path
) -> None:
    sid, other = registry.subject(), registry.subject()
    traffic = penalty(registry, sid, D(2026, 3, 1))
    penalty(registry, sid, D(2026, 3, 2), domain="food_safety")  # no rule for it
    judged = registry.record(
        sid,
        "court.judgment",
        D(2025, 9, 1),
        case_number="C-1",
        court_name="X",
        judgment_type="monetary",
        due_on="2025-10-01",
    )
    registry.record(
        other,
        "court.judgment",
        D(2025, 9, 1),
        case_number="C-2",
        court_name="X",
        judgment_type="monetary",
        due_on="2025-10-01",
    )
    registry.record(other, "court.fulfilment", D(2025, 12, 1), case_number="C-2")
    praise = registry.record(
        other, "commendation", D(2026, 1, 5), title="Volunteer", authority="City", level="city"
    )
    registry.flush()
    pol = read(str(EXAMPLE))
    install(session, pol)
    opt_in(session, sid)
    opt_in(session, other)
    [summary] = compute(session, engine, tmp_path)
    assert summary["subjects"] == 2 and summary["entries"] == 3
    shown = service.explain(session=session, subject_id=sid, scheme="city")
    assert shown["balance"] == 1000 - 5 - 50 and shown["grade"] == "B"
    assert [
        (e["record_id"], e["rule"], e["points"], e["counts_until"]) for e in shown["entries"]
    ] == [
        (judged, "unfulfilled_judgment", -50, "2027-09-01"),
        (traffic, "traffic_penalty", -5, "2027-03-01"),
    ]
    assert shown["entries"][0]["legal_basis"].startswith("Civil Procedure Law")
    # the fulfilled judgment earns nothing; the commendation counts
    assert grade(session, other) == "AA"
    assert (
        service.explain(session=session, subject_id=other, scheme="city")["entries"][0]["record_id"]
        == praise
    )
    types = [e.event_type for e in audit.iter_entries(session)]
    assert "ledger.policy_installed" in types and "ledger.computed" in types


def test_every_operator(
    session: Session, engine: Engine, registry: Registry, tmp_path: Path
) -> None:
    sid = registry.subject()
    late = {
        d: registry.record(
            sid,
            "loan.repayment",
            D(2026, 1, d),
            100,
            loan_id=f"L-{d}",
            days_late=d,
            due_on=f"2026-01-{d:02d}",
        )
        for d in (1, 10, 20)
    }
    registry.record(sid, "tax.filing", D(2026, 2, 1), tax_year=2025, on_time=False)
    registry.record(
        sid, "card.utilisation", D(2026, 2, 1), 100, account_id="A", credit_limit="5000.50"
    )
    registry.flush()
    cases = {
        "eq": ('{ field = "days_late", op = "==", value = 10 }', [late[10]]),
        "lt": ('{ field = "days_late", op = "<", value = 10 }', [late[1]]),
        "le": ('{ field = "days_late", op = "<=", value = 10 }', [late[1], late[10]]),
        "gt": ('{ field = "days_late", op = ">", value = 10 }', [late[20]]),
        "ge": ('{ field = "days_late", op = ">=", value = 10 }', [late[10], late[20]]),
        "isin": ('{ field = "loan_id", op = "in", value = ["L-1", "L-20"] }', [late[1], late[20]]),
        "intin": ('{ field = "days_late", op = "in", value = [1, 10] }', [late[1], late[10]]),
        "date": ('{ field = "due_on", op = ">=", value = 2026-01-10 }', [late[10], late[20]]),
        "both": (
            '{ field = "days_late", op = ">", value = 1 }, '
            '{ field = "loan_id", op = "==", value = "L-20" }',
            [late[20]],
        ),
    }
    pol = policy(
        *(rule(name, "loan.repayment", -1, when=when) for name, (when, _) in cases.items()),
        rule(
            "filed_late", "tax.filing", -2, when='{ field = "on_time", op = "==", value = false }'
        ),
        rule(
            "high_limit",
            "card.utilisation",
            3,
            when='{ field = "credit_limit", op = ">", value = 5000.25 }',
        ),
    )
    install(session, pol)
    opt_in(session, sid)
    compute(session, engine, tmp_path)
    got: dict[str, list[int]] = {}
    for e in session.execute(select(LedgerEntry).order_by(LedgerEntry.record_id)).scalars():
        got.setdefault(e.rule_id, []).append(e.record_id)
    assert {k: got.get(k, []) for k in cases} == {k: v for k, (_, v) in cases.items()}
    assert len(got["filed_late"]) == 1 and len(got["high_limit"]) == 1


def test_points_expire_on_schedule(
    session: Session, engine: Engine, registry: Registry, tmp_path: Path
) -> None:
    sid = registry.subject()
    penalty(registry, sid, D(2025, 7, 31))  # 12 months: counts until 2026-07-31
    penalty(registry, sid, D(2025, 6, 30))  # counts until 2026-06-30: expired on TODAY
    penalty(registry, sid, D(2026, 7, 5))  # after the as-of date: not yet
    registry.flush()
    install(session, policy(rule("t", "penalty.imposed", -100, months=12)))
    opt_in(session, sid)
    compute(session, engine, tmp_path)
    shown = service.explain(session=session, subject_id=sid, scheme="city")
    assert [e["counts_until"] for e in shown["entries"]] == ["2026-07-31"]
    assert shown["balance"] == 900 and shown["grade"] == "B"
    # between refreshes, a point stops counting on its day
    assert grade(session, sid, D(2026, 7, 30)) == "B"
    assert grade(session, sid, D(2026, 7, 31)) == "A"


def test_no_consent_no_ledger_and_withdrawal_deletes_it(
    session: Session, engine: Engine, registry: Registry, tmp_path: Path
) -> None:
    a, b, c = registry.subject(), registry.subject(), registry.subject()
    for sid in (a, b, c):
        penalty(registry, sid, D(2026, 5, 1))
    registry.flush()
    install(session, read(str(EXAMPLE)))
    consent_a, consent_b = opt_in(session, a), opt_in(session, b)
    compute(session, engine, tmp_path)
    held = set(session.execute(select(LedgerBalance.subject_id)).scalars())
    assert held == {a, b}  # c never opted in: nothing kept
    assert grade(session, c) is None
    assert set(session.execute(select(LedgerEntry.subject_id)).scalars()) == {a, b}
    # a withdraws: revoking the consent deletes the ledger at once
    consents.revoke(session=session, subject_id=a, consent_id=consent_a)
    session.commit()
    assert grade(session, a) is None
    assert session.scalar(select(func.count()).where(LedgerEntry.subject_id == a)) == 0
    # b withdraws too; the next compute finds nothing left to keep or remove
    consents.revoke(session=session, subject_id=b, consent_id=consent_b)
    session.commit()
    assert grade(session, b) is None
    [summary] = compute(session, engine, tmp_path)
    assert summary["removed"] == 0 and summary["subjects"] == 0
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    assert "ledger.deleted" in [e.event_type for e in audit.iter_entries(session)]


def test_new_version_recomputes_and_keeps_old_grades(
    session: Session, engine: Engine, registry: Registry, tmp_path: Path
) -> None:
    sid, steady = registry.subject(), registry.subject()
    for month in range(1, 6):
        penalty(registry, sid, D(2026, month, 1))
    registry.flush()
    install(session, policy(rule("t", "penalty.imposed", -5)))
    opt_in(session, sid)
    opt_in(session, steady)
    compute(session, engine, tmp_path)
    assert grade(session, sid) == "A"  # 975
    compute(session, engine, tmp_path)  # same policy, same grade: no history
    assert session.scalar(select(func.count()).select_from(LedgerGradeHistory)) == 0
    install(session, policy(rule("t", "penalty.imposed", -50), version=2))
    assert grade(session, sid) == "A"  # in force from the next computation
    [summary] = compute(session, engine, tmp_path)
    assert summary["version"] == 2 and summary["history"] == 2
    assert grade(session, sid) == "C"  # 750
    shown = service.explain(session=session, subject_id=sid, scheme="city")
    assert shown["policy_version"] == 2
    assert [
        (h["policy_version"], h["grade"], h["balance"], h["reason"]) for h in shown["history"]
    ] == [(1, "A", 975, "policy_changed")]


def test_grades_never_restrict_and_feed_program_conditions(
    session: Session, engine: Engine, registry: Registry, tmp_path: Path
) -> None:
    sid = registry.subject()
    for day in range(1, 11):
        registry.record(sid, "tax.arrears", D(2026, 1, day), 100, tax_type="income", tax_year=2024)
    registry.flush()
    install(session, policy(rule("arrears", "tax.arrears", -50, months=24)))
    opt_in(session, sid)
    compute(session, engine, tmp_path)
    assert grade(session, sid) == "D"  # 500
    # no activity is restricted by a grade, however low
    assert lists.restrictions_for(session=session, subject_id=sid, on=TODAY) == []
    for activity in ("air_travel", "high_speed_rail", "star_hotel"):
        assert lists.is_restricted(session=session, subject_id=sid, activity=activity)[0] is False
    # programs read the grade as a condition for a benefit
    assert inputs.ledger_grade(session, sid, "city", TODAY) == "D"
    need = [{"ledger_grade_at_least": {"scheme": "city", "grade": "B"}}]
    facts = rules.Facts(grades={"city": inputs.ledger_grade(session, sid, "city", TODAY)})
    assert rules.evaluate(need, facts) == (False, rules.REASON_GRADE)


def test_apply_refuses_a_stale_version_and_keeps_the_policy_in_force(session: Session) -> None:
    first = policy(rule("t", "penalty.imposed", -5))
    install(session, first)
    install(session, first)  # the same again: a no-op
    from credo.ledgers.policy import PolicyError

    stale = policy(rule("t", "penalty.imposed", -9))
    try:
        service.install(session=session, policy=stale, file="test.toml")
    except PolicyError as exc:
        assert exc.problems[0].line == 3 and "not above version 1" in exc.message
    else:
        raise AssertionError("a stale version was installed")
    session.rollback()
    current = service.current(session=session, scheme="city")
    assert current is not None and current.rules[0].points == -5
    assert [p["version"] for p in service.policies(session=session)] == [1]


def test_a_policy_at_the_size_limits_computes(
    session: Session, engine: Engine, registry: Registry, tmp_path: Path
) -> None:
    """A policy validate accepts must compute: 200 rules and a 1,000-value `in` once made a
    chain of Ibis expressions too deep to compile (RecursionError at every refresh)."""
    sid = registry.subject()
    penalty(registry, sid, D(2026, 3, 1), authority="Police 7")
    registry.flush()
    authorities = ", ".join(f'"Police {i}"' for i in range(1000))
    when = f'{{ field = "authority", op = "in", value = [{authorities}] }}'
    rules_ = [rule(f"r{i}", "penalty.imposed", -1, when=when if i == 0 else "") for i in range(200)]
    install(session, policy(*rules_))
    opt_in(session, sid)
    compute(session, engine, tmp_path)
    shown = service.explain(session=session, subject_id=sid, scheme="city")
    assert shown["balance"] == 800 and len(shown["entries"]) == 200


def test_a_single_grade_band_computes(
    session: Session, engine: Engine, registry: Registry, tmp_path: Path
) -> None:
    """One band (no min, no max) is a valid policy; the refresh once failed on it (TypeError:
    an Ibis case expression with no branches)."""
    sid = registry.subject()
    penalty(registry, sid, D(2026, 3, 1))
    registry.flush()
    text = policy_text(rule("t", "penalty.imposed", -5)) + '[[grades]]\ngrade = "A"\n'
    install(session, parse(text, "one.toml"))
    opt_in(session, sid)
    compute(session, engine, tmp_path)
    shown = service.explain(session=session, subject_id=sid, scheme="city")
    assert (shown["balance"], shown["grade"]) == (995, "A")
    assert grade(session, sid) == "A"


def test_a_policy_installed_before_a_limit_was_added_is_still_read(
    session: Session, engine: Engine, registry: Registry, tmp_path: Path
) -> None:
    """Limits added later (here: months within the category's retention) refuse new policies
    only; a policy already in force keeps being read, so grades and checks do not fail."""
    sid = registry.subject()
    penalty(registry, sid, D(2026, 3, 1))
    registry.flush()
    text = policy_text(rule("t", "penalty.imposed", -100, months=120))
    old = parse(text, "old.toml", installed=True)
    with pytest.raises(PolicyError):
        parse(text, "old.toml")
    install(session, old)
    opt_in(session, sid)
    compute(session, engine, tmp_path)
    assert grade(session, sid) == "B"
    assert service.explain(session=session, subject_id=sid, scheme="city")["balance"] == 900


def test_a_consent_withdrawn_while_the_refresh_computes_leaves_no_ledger(
    session: Session,
    engine: Engine,
    registry: Registry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The refresh's ledger step reads the opt-ins again where it writes: a consent
    withdrawn between the computation and the publishing takes the ledger away now (it was
    written back until the next refresh)."""
    from credo.batch import ledgers as ledger_batch
    from credo.batch import refresh
    from credo.core.db import session_factory

    a, b = registry.subject(), registry.subject()
    for sid in (a, b):
        penalty(registry, sid, D(2026, 5, 1))
    registry.flush()
    install(session, read(str(EXAMPLE)))
    consent_a = opt_in(session, a)
    opt_in(session, b)
    computed = ledger_batch.compute_scheme

    def then_withdraw(*args: object, **kwargs: object) -> object:
        out = computed(*args, **kwargs)  # type: ignore[arg-type]
        with session_factory(engine)() as s, s.begin():  # the person withdraws meanwhile
            consents.revoke(session=s, subject_id=a, consent_id=consent_a)
        return out

    monkeypatch.setattr(ledger_batch, "compute_scheme", then_withdraw)
    job = refresh.Job(factory=session_factory(engine), data_dir=str(tmp_path / "d"), as_of=TODAY)
    refresh.run(job, [("snapshot", refresh.take_snapshot), ("ledgers", ledger_batch.ledger_step)])
    session.expire_all()
    assert set(session.execute(select(LedgerBalance.subject_id)).scalars()) == {b}
    assert session.scalar(select(func.count()).where(LedgerEntry.subject_id == a)) == 0
    assert grade(session, a) is None and grade(session, b) is not None
