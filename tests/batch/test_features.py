"""Features on hand-made records with known answers, as of a date, per subject only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from credo.batch.features import BY_NAME, FEATURES, Context, add_months, features
from tests.batch.conftest import AS_OF, IBIS_DUCKDB, read
from tests.batch.registry import Registry

D = dt.date
pytestmark = IBIS_DUCKDB


def frame(engine: Engine, tmp_path: Path, as_of: dt.date = AS_OF) -> pd.DataFrame:
    snap = read(engine, tmp_path)
    out = features(snap.records, snap.subjects, as_of).to_pyarrow().to_pandas()
    return out.set_index("subject_id").sort_index()


def value(row: pd.Series, name: str) -> Any:
    v = row[name]
    return None if pd.isna(v) else v


def test_known_answers(registry: Registry, engine: Engine, tmp_path: Path) -> None:
    a = registry.subject()
    registry.record(a, "loan.opened", D(2020, 1, 15), 100_000, loan_id="L", product="consumer")
    registry.record(a, "loan.opened", D(2023, 5, 1), 100_000, loan_id="M", product="card")
    registry.record(a, "loan.repayment", D(2025, 1, 5), 5_000, loan_id="L", days_late=35)
    registry.record(a, "loan.repayment", D(2025, 2, 5), 5_000, loan_id="L", days_late=95)
    registry.record(a, "loan.repayment", D(2025, 3, 5), 5_000, loan_id="L", days_late=0)
    registry.record(a, "loan.repayment", D(2024, 6, 30), 5_000, loan_id="L", days_late=40)
    registry.record(a, "loan.default", D(2025, 4, 1), 90_000, loan_id="L", days_past_due=95)
    registry.record(
        a, "card.utilisation", D(2026, 4, 30), 30_000, account_id="C1", credit_limit="1000.00"
    )
    registry.record(
        a, "card.utilisation", D(2026, 5, 31), 60_000, account_id="C1", credit_limit="1000.00"
    )
    registry.record(
        a, "card.utilisation", D(2026, 5, 31), 20_000, account_id="C2", credit_limit="1000.00"
    )
    registry.record(
        a,
        "court.judgment",
        D(2025, 9, 1),
        1_234_500,
        case_number="J1",
        court_name="C",
        judgment_type="monetary",
        due_on="2025-10-01",
    )
    registry.record(
        a,
        "court.judgment",
        D(2025, 9, 2),
        700_000,
        case_number="J2",
        court_name="C",
        judgment_type="monetary",
        due_on="2025-10-01",
    )
    registry.record(a, "court.fulfilment", D(2025, 12, 1), None, case_number="J2")
    registry.record(
        a,
        "penalty.imposed",
        D(2025, 1, 1),
        None,
        decision_number="P",
        authority="A",
        domain="traffic",
        severity="minor",
    )
    registry.record(
        a,
        "tax.arrears",
        D(2025, 1, 1),
        10_000,
        tax_type="income",
        tax_year=2024,
        settled_on="2026-07-15",
    )
    registry.record(
        a,
        "tax.arrears",
        D(2025, 1, 1),
        10_000,
        tax_type="income",
        tax_year=2023,
        settled_on="2025-03-01",
    )
    for day, late in ((D(2026, 1, 1), 0), (D(2026, 2, 1), 0), (D(2026, 3, 1), 3)):
        registry.record(
            a, "bill.payment", day, 1_000, account_id="E", bill_type="water", days_late=late
        )
    registry.record(a, "tax.filing", D(2025, 5, 1), None, tax_year=2024, on_time=True)
    registry.record(a, "tax.filing", D(2024, 5, 1), None, tax_year=2023, on_time=False)
    registry.record(a, "identity.verification", D(2021, 1, 1), None, method="document", level=1)
    registry.record(a, "identity.verification", D(2022, 1, 1), None, method="in_person", level=3)
    b = registry.subject()  # no records at all
    registry.flush()

    got = frame(engine, tmp_path)
    row = got.loc[a]
    assert row["late_30_24m"] == 2  # 35 and 95; the 40 on 2024-06-30 is outside the window
    assert row["late_90_24m"] == 1
    assert row["months_since_late_30"] == 16  # last 30+: 2025-02 -> 2026-06
    assert row["defaults_60m"] == 1
    # the 2020-01 loan is older than the 5-year lookback (CREDO_RETENTION_YEARS): 2023-05 counts
    assert row["history_months"] == 37
    assert row["card_utilisation"] == pytest.approx(0.4)  # (600 + 200) / (1000 + 1000)
    assert row["open_judgments"] == 1
    assert row["open_judgment_amount"] == 12_345
    assert row["penalties_24m"] == 1
    assert row["tax_arrears_open"] == 1
    assert row["bills_on_time_pct"] == 66  # 2 of 3, floored
    assert row["tax_on_time_pct"] == 50
    assert row["identity_level"] == 3
    empty = got.loc[b]
    assert empty["late_30_24m"] == 0 and empty["open_judgments"] == 0
    assert empty["identity_level"] == 0
    for name in (
        "history_months",
        "card_utilisation",
        "bills_on_time_pct",
        "tax_on_time_pct",
        "months_since_late_30",
    ):
        assert value(empty, name) is None, name


def test_as_of_boundaries(registry: Registry, engine: Engine, tmp_path: Path) -> None:
    s = registry.subject()
    window_start = add_months(AS_OF, -24)  # exclusive
    registry.record(s, "loan.repayment", window_start, 1, loan_id="L", days_late=30)
    registry.record(
        s, "loan.repayment", window_start + dt.timedelta(1), 1, loan_id="L", days_late=30
    )
    registry.record(s, "loan.repayment", AS_OF, 1, loan_id="L", days_late=30)
    registry.record(s, "loan.repayment", AS_OF + dt.timedelta(1), 1, loan_id="L", days_late=30)
    registry.record(s, "loan.opened", AS_OF + dt.timedelta(1), 1, loan_id="L", product="auto")
    registry.flush()
    row = frame(engine, tmp_path).loc[s]
    assert row["late_30_24m"] == 2  # the day after the window start, and the as-of day
    assert value(row, "history_months") is None  # opened after the as-of date
    assert row["months_since_late_30"] == 0


def test_deleted_and_disputed_records_are_left_out(
    registry: Registry, engine: Engine, tmp_path: Path
) -> None:
    s = registry.subject()
    for state, late in (
        ("active", 30),
        ("corrected", 31),
        ("disputed", 32),
        ("deleted", 33),
        ("expired", 34),
    ):
        registry.record(
            s, "loan.repayment", D(2026, 1, 1), 1, state=state, loan_id="L", days_late=late
        )
    registry.flush()
    assert frame(engine, tmp_path).loc[s]["late_30_24m"] == 2


def test_no_feature_reads_another_subjects_data(
    registry: Registry, engine: Engine, tmp_path: Path
) -> None:
    a, b = registry.subject(), registry.subject()
    registry.record(a, "loan.opened", D(2022, 1, 1), 1, loan_id="L", product="auto")
    registry.record(
        a, "card.utilisation", D(2026, 6, 1), 10_000, account_id="C", credit_limit="200.00"
    )
    registry.flush()
    before = frame(engine, tmp_path / "1").loc[a]
    # b shares a's account and case ids and has much worse conduct
    registry.record(
        b, "card.utilisation", D(2026, 6, 2), 90_000, account_id="C", credit_limit="100.00"
    )
    registry.record(
        b,
        "court.judgment",
        D(2026, 1, 1),
        5,
        case_number="J",
        court_name="C",
        judgment_type="monetary",
        due_on="2026-02-01",
    )
    registry.record(a, "court.fulfilment", D(2026, 2, 1), None, case_number="J")
    registry.record(
        b,
        "payment.transfer",
        D(2026, 1, 1),
        100,
        counterparty_scheme="cn_ric",
        counterparty_id=str(a),
        direction="out",
    )
    registry.flush()
    after = frame(engine, tmp_path / "2")
    pd.testing.assert_series_equal(before, after.loc[a])
    assert after.loc[b]["open_judgments"] == 1  # a's fulfilment does not clear b's judgment


def test_declared_categories() -> None:
    assert all(f.categories for f in FEATURES)
    assert not any("payment.transfer" in f.categories for f in FEATURES)
    assert {f.dimension for f in FEATURES} == {
        "history",
        "capacity",
        "compliance",
        "payments",
        "identity",
    }
    for f in FEATURES:
        f.description.format(value="1")


def test_context_refuses_undeclared_category(
    registry: Registry, engine: Engine, tmp_path: Path
) -> None:
    registry.subject()
    registry.flush()
    snap = read(engine, tmp_path)
    ctx = Context(snap.records, AS_OF, BY_NAME["late_30_24m"].categories)
    with pytest.raises(PermissionError, match=r"payment\.transfer"):
        ctx.records("payment.transfer")


def test_add_months() -> None:
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert add_months(D(2026, 6, 30), -24) == D(2024, 6, 30)
    assert add_months(D(2025, 12, 15), 1) == D(2026, 1, 15)


def test_no_feature_reads_past_the_shorter_retention(
    registry: Registry, engine: Engine, tmp_path: Path
) -> None:
    """Issue 15: months_since_late_30 looked back forever; card.utilisation is kept 2 years."""
    s = registry.subject()
    registry.record(s, "loan.repayment", D(2020, 6, 1), 1, loan_id="L", days_late=45)
    registry.record(
        s, "card.utilisation", D(2024, 5, 1), 90_000, account_id="C", credit_limit="1000.00"
    )
    registry.record(s, "loan.opened", D(2019, 1, 1), 1, loan_id="L", product="auto")
    registry.record(s, "identity.verification", D(2021, 1, 1), None, method="document", level=3)
    registry.record(s, "identity.verification", D(2022, 1, 1), None, method="document", level=2)
    registry.flush()
    row = frame(engine, tmp_path).loc[s]
    assert value(row, "months_since_late_30") is None  # 6 years ago: past the 5-year lookback
    assert value(row, "card_utilisation") is None  # 2 years 2 months ago: card retention is 2
    assert value(row, "history_months") is None  # loan.opened keeps 10, the registry only 5
    assert row["identity_level"] == 2  # the level-3 check of 2021-01 is past 5 years


def test_organisations_get_no_person_score_features(
    registry: Registry, engine: Engine, tmp_path: Path
) -> None:
    p, o = registry.subject(), registry.subject(kind="organisation")
    registry.record(o, "loan.opened", D(2024, 1, 1), 1, loan_id="L", product="auto")
    registry.flush()
    got = frame(engine, tmp_path)
    assert p in got.index and o not in got.index
