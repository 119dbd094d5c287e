"""Each detector on hand-made data with known answers, including look-alikes that are not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from credo.integrity.furnishers import FurnisherDetector
from credo.integrity.jumps import JumpDetector
from credo.integrity.rings import RingDetector, find_rings
from credo.integrity.sybils import SybilDetector
from tests.integrity.helpers import AS_OF, OLD, inputs, record, transfer


def _ring(members: list[int], rounds: int = 6, amount: int = 500_000) -> list[dict]:
    rows = []
    for r in range(rounds):
        day = AS_OF - dt.timedelta(days=30 * r + 1)
        for i, m in enumerate(members):
            rows += transfer(m, members[(i + 1) % len(members)], amount, day)
    return rows


def _background(rng: np.random.Generator, n: int = 150, count: int = 300) -> list[dict]:
    rows = []
    for _ in range(count):
        a, b = rng.integers(20, n, 2)
        if a != b:
            rows += transfer(int(a), int(b), int(rng.integers(2_000, 50_000)))
    return rows


def test_ring_found_among_background_and_look_alikes() -> None:
    rng = np.random.default_rng(1)
    rows = _ring([1, 2, 3, 4]) + _background(rng)
    rows += _ring([5, 6], rounds=8)  # two-person ping-pong: below the size threshold
    for r in range(6):  # a chain 7 -> 8 -> 9 -> 10: no cycle
        day = AS_OF - dt.timedelta(days=20 * r)
        rows += transfer(7, 8, 300_000, day) + transfer(8, 9, 300_000, day)
        rows += transfer(9, 10, 300_000, day)
    for spoke in range(11, 16):  # a hub lending to friends who pay back: only 2-cycles
        for r in range(4):
            day = AS_OF - dt.timedelta(days=20 * r)
            rows += transfer(0, spoke, 100_000, day) + transfer(spoke, 0, 100_000, day)
    flags = RingDetector().detect(inputs(rows))
    assert [f.subject_ids for f in flags] == [(1, 2, 3, 4)]
    assert flags[0].evidence["internal_share"] > 0.9


def test_big_ring_beyond_max_size_and_leaky_group_are_not_rings() -> None:
    rows = _ring(list(range(20, 40)))  # 20 members: not a small group
    rows += _ring([1, 2, 3], amount=10_000)
    for other in range(50, 80):  # most of 1..3's volume leaves the group
        rows += transfer(1, other, 200_000) + transfer(other, 2, 200_000)
    assert RingDetector().detect(inputs(rows)) == []


def test_find_rings_counts_each_pair_once_and_measures_share() -> None:
    src, dst = np.array([1, 2, 3, 3]), np.array([2, 3, 1, 9])
    rings = find_rings(src, dst, np.array([5, 5, 5, 1]), np.array([100, 100, 100, 100]))
    assert [r.members for r in rings] == [(1, 2, 3)]
    assert rings[0].internal_share == 0.75


def _ids(subject: int, day: dt.date, phone: str, address: str, device: str) -> dict:
    return record(
        subject,
        "identity.verification",
        day,
        method="document",
        level=2,
        phone_hash=phone,
        address_hash=address,
        device_hash=device,
    )


def test_sybil_cluster_of_fresh_accounts() -> None:
    fresh = AS_OF - dt.timedelta(days=60)
    rows = [_ids(s, fresh, "p1", "a1", "d1") for s in (1, 2, 3, 4)]
    rows += [_ids(s, fresh, "p2", "a2", f"d{s}") for s in (5, 6)]  # a couple: two members
    rows += [_ids(s, OLD, "p3", "a3", "d3") for s in (7, 8, 9, 10)]  # a family, long known
    rows += [_ids(s, fresh, f"p{s}", "a4", f"d{s}") for s in (11, 12, 13)]  # one shared detail
    rows += [_ids(s, fresh, f"px{s}", f"ax{s}", f"dx{s}") for s in range(20, 60)]
    flags = SybilDetector().detect(inputs(rows))
    assert [f.subject_ids for f in flags] == [(1, 2, 3, 4)]
    assert flags[0].evidence["max_shared_kinds"] == 3


def test_furnisher_padding_a_few_subjects() -> None:
    rows = []
    for s in range(300):  # the baseline: a microloan each, repaid monthly
        for m in range(6):
            rows.append(
                record(
                    s,
                    "loan.repayment",
                    AS_OF - dt.timedelta(days=400 + 30 * m),
                    "kd",
                    loan_id=f"L{s}",
                    days_late=0,
                    due_on="2025-01-01",
                )
            )
    for s in (300, 301):  # padded subjects: many loans repaid on time in one year
        for m in range(60):
            rows.append(
                record(
                    s,
                    "loan.repayment",
                    AS_OF - dt.timedelta(days=400 + 5 * m),
                    "kd",
                    loan_id=f"L{s}-{m}",
                    days_late=0,
                    due_on="2025-01-01",
                )
            )
    for s in range(50):  # another furnisher whose subjects are alike: nobody stands out
        for m in range(12 if s else 24):
            rows.append(
                record(
                    s,
                    "bill.payment",
                    AS_OF - dt.timedelta(days=10 + 15 * m),
                    "tel",
                    account_id="A",
                    bill_type="telecom",
                    days_late=0,
                )
            )
    flags = FurnisherDetector().detect(inputs(rows))
    assert sorted(f.subject_ids for f in flags) == [(300,), (301,)]
    assert {f.evidence["furnisher_id"] for f in flags} == {"kd"}


def test_furnisher_with_many_heavy_subjects_is_a_product_mix() -> None:
    rows = []
    for s in range(100):
        n = 60 if s < 10 else 6  # a tenth of its subjects: not "a few"
        for m in range(n):
            rows.append(
                record(
                    s,
                    "loan.repayment",
                    AS_OF - dt.timedelta(days=100 + 5 * m),
                    "kd",
                    loan_id=f"L{s}",
                    days_late=0,
                    due_on="2025-01-01",
                )
            )
    assert FurnisherDetector().detect(inputs(rows)) == []


def test_score_jump_rises_only() -> None:
    scores = pa.table(
        {"subject_id": [1, 2, 3], "score": [820, 400, 700], "previous": [600, 650, 640]}
    )
    flags = JumpDetector().detect(inputs([], scores=scores))
    assert [(f.subject_ids, f.evidence["rise"]) for f in flags] == [((1,), 220)]


def test_degenerate_inputs_find_nothing_and_do_not_crash() -> None:
    detectors = (RingDetector(), SybilDetector(), FurnisherDetector(), JumpDetector())
    empty_scores = pa.table(
        {
            "subject_id": pa.array([], pa.int64()),
            "score": pa.array([], pa.int64()),
            "previous": pa.array([], pa.int64()),
        }
    )
    self_loops = []
    for r in range(6):  # a subject paying itself, over and over
        self_loops += transfer(1, 1, 500_000, AS_OF - dt.timedelta(days=r))
    star = []
    for spoke in range(2, 1500):  # one hub paying and paid by 1,500 others, no ring among them
        star += transfer(1, spoke, 1_000) * 3 + transfer(spoke, 1, 1_000) * 3
    for rows, scores in (([], None), ([], empty_scores), (self_loops, None), (star, None)):
        for detector in detectors:
            assert detector.detect(inputs(rows, n_subjects=1500, scores=scores)) == [], detector
    assert find_rings(*(np.array([], np.int64),) * 4) == []
    assert find_rings(np.array([1]), np.array([1]), np.array([9]), np.array([9])) == []


def test_a_ring_that_money_enters_but_never_leaves_is_found() -> None:
    """Three subjects paying each other round, and an outsider paying into the ring: no flow
    leaves it, so the leaving side's bincount is of nothing (integers), and adding the
    entering side's floats raised UFuncTypeError (the demo's small registry hit it)."""
    import numpy as np

    from credo.integrity.rings import find_rings

    src = np.array([1, 2, 3, 9], dtype=np.int64)
    dst = np.array([2, 3, 1, 1], dtype=np.int64)
    n = np.array([3, 3, 3, 3], dtype=np.int64)
    volume = np.array([100, 100, 100, 50], dtype=np.int64)
    (ring,) = find_rings(src, dst, n, volume)
    assert ring.members == (1, 2, 3) and ring.boundary_volume == 50
