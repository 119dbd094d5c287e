"""Planted manipulation with ground truth: collusive rings, sybil clusters, an inflating furnisher.

Background transfers between random persons (some repaid, so short cycles occur
naturally) keep the rings from being trivially separable.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from credo.synth.frame import Part, cat, digits_text, expand, iso, json_object
from credo.synth.furnishers import BY_SLUG, INFLATING
from credo.synth.population import Population, Timeline
from credo.synth.records import hex_tokens


def plant(pop: Population, rng: np.random.Generator, tl: Timeline) -> dict[str, Any]:
    """Choose ring members, sybil clusters and inflated subjects among the chunk's adults."""
    n = len(pop)
    free = rng.permutation(np.flatnonzero(~pop.minor))
    rings: list[np.ndarray] = []
    clusters: list[np.ndarray] = []
    used = 0
    for _ in range(max(1, n // 2500) if len(free) >= 40 else 0):
        size = int(rng.integers(3, 13))
        rings.append(free[used : used + size])
        used += size
    for _ in range(max(1, n // 3000) if len(free) >= 40 else 0):
        size = int(rng.integers(3, 9))
        clusters.append(free[used : used + size])
        used += size
    for number, members in enumerate(rings):
        pop.ring[members] = number
    for number, members in enumerate(clusters):
        pop.sybil[members] = number
        pop.start[members] = tl.months - rng.integers(1, 7, len(members))
        pop.z[members] += 1.0
        pop.z_post[members] += 1.0
        pop.credit_active[members] = True
    rest = free[used:]
    risky = rest[pop.z[rest] > 0.5]
    inflated = risky[: max(2, n // 10_000)] if len(free) >= 40 else risky[:0]
    pop.inflated[inflated] = True
    pop.start[inflated] = np.minimum(pop.start[inflated], tl.cutoff_month - 13)
    pop.start[inflated] = np.maximum(pop.start[inflated], 0)
    return {"rings": rings, "clusters": clusters, "inflated": inflated}


def shared_hashes(pop: Population, rng: np.random.Generator) -> tuple[pa.Array, ...]:
    """Phone, address and device hashes: random per subject, shared within a sybil cluster."""
    n = len(pop)
    out = []
    for _ in range(3):
        own = hex_tokens(rng, n).to_numpy(zero_copy_only=False)
        clusters = np.unique(pop.sybil[pop.sybil >= 0])
        cluster_hash = hex_tokens(rng, len(clusters)).to_numpy(zero_copy_only=False)
        members = pop.sybil >= 0
        own[members] = cluster_hash[np.searchsorted(clusters, pop.sybil[members])]
        out.append(pa.array(own, pa.string()))
    return tuple(out)


def _transfer_parts(
    pop: Population, sender: np.ndarray, receiver: np.ndarray, day: np.ndarray, cents: np.ndarray
) -> list[Part]:
    """Each transfer as two records: ``out`` for the sender, ``in`` for the receiver."""
    parts = []
    for subject, other, direction in ((sender, receiver, "out"), (receiver, sender, "in")):
        fields = json_object(
            [
                ("counterparty_scheme", pop.scheme, True),
                ("counterparty_id", pop.ids.take(pa.array(other)), True),
                ("direction", direction, True),
            ]
        )
        parts.append(Part("zhifu-pay", "payment.transfer", subject, day, fields, cents))
    return parts


def transfers(
    pop: Population, rng: np.random.Generator, tl: Timeline, planted: dict[str, Any]
) -> list[Part]:
    """Background transfers among persons, plus each ring's circulating payments."""
    adults = np.flatnonzero(~pop.minor)
    if len(adults) < 2:
        return []
    senders = adults[rng.random(len(adults)) < 0.5]
    owner, _ = expand(rng.poisson(3, len(senders)))
    sender = senders[owner]
    receiver = adults[rng.integers(0, len(adults), len(sender))]
    ok = receiver != sender
    sender, receiver = sender[ok], receiver[ok]
    first = np.maximum(pop.start[sender], pop.start[receiver])
    month = first + np.floor(rng.random(len(sender)) * (tl.months - first)).astype(np.int64)
    day = tl.day(month, rng.integers(0, 28, len(sender)))
    cents = np.round(np.exp(rng.uniform(np.log(20), np.log(8_000), len(sender)))) * 100
    back = rng.random(len(sender)) < 0.3  # a friend paying back: natural 2-cycles
    back_day = np.minimum(
        day + rng.integers(1, 30, len(sender)).astype("timedelta64[D]"),
        np.datetime64(tl.as_of, "D"),
    )
    s = np.concatenate([sender, receiver[back]])
    r = np.concatenate([receiver, sender[back]])
    d = np.concatenate([day, back_day[back]])
    c = np.concatenate([cents, cents[back]]).astype(np.int64)
    for members in planted["rings"]:
        k = len(members)
        rounds = int(rng.integers(6, 16))
        base = float(np.exp(rng.uniform(np.log(2_000), np.log(50_000))))
        round_month = np.sort(rng.integers(tl.months - 18, tl.months, rounds))
        owner, position = expand(np.full(rounds, k))
        s = np.concatenate([s, members[position]])
        r = np.concatenate([r, members[(position + 1) % k]])
        d = np.concatenate([d, tl.day(round_month[owner], position)])
        c = np.concatenate(
            [c, np.round(base * rng.uniform(0.97, 1.03, len(owner)) * 100).astype(np.int64)]
        )
    return _transfer_parts(pop, s, r, d, c)


def inflation(
    pop: Population, rng: np.random.Generator, tl: Timeline, planted: dict[str, Any]
) -> list[Part]:
    """The inflating furnisher's padding: many small loans repaid on time, bills paid on time."""
    subjects = np.asarray(planted["inflated"], dtype=np.int64)
    if not len(subjects):
        return []
    owner, position = expand(rng.integers(6, 11, len(subjects)))
    subject = subjects[owner]
    n = len(subject)
    opened = tl.cutoff_month - 12 + rng.integers(0, 6, n)
    loan_id = cat(
        "LX",
        digits_text(np.full(n, pop.chunk), 4),
        "-",
        digits_text(subject, 6),
        "-",
        digits_text(position, 2),
    )
    principal = rng.integers(5, 30, n) * 10_000
    parts = [
        Part(
            INFLATING,
            "loan.opened",
            subject,
            tl.day(opened, 3),
            json_object(
                [
                    ("loan_id", loan_id, True),
                    ("product", "microloan", True),
                    ("term_months", "6", False),
                ]
            ),
            principal,
        )
    ]
    loan, k = expand(np.full(n, 6))
    due = tl.day(opened[loan] + 1 + k, 9)
    parts.append(
        Part(
            INFLATING,
            "loan.repayment",
            subject[loan],
            due,
            json_object(
                [
                    ("loan_id", loan_id.take(pa.array(loan)), True),
                    ("days_late", "0", False),
                    ("due_on", iso(due), True),
                ]
            ),
            principal[loan] // 6,
        )
    )
    parts.append(
        Part(
            INFLATING,
            "loan.closed",
            subject,
            tl.day(opened + 7, 1),
            json_object([("loan_id", loan_id, True), ("reason", "repaid", True)]),
        )
    )
    owner, k = expand(np.full(len(subjects), 12))
    month = tl.cutoff_month - 12 + k
    parts.append(
        Part(
            INFLATING,
            "bill.payment",
            subjects[owner],
            tl.day(month, 14),
            json_object(
                [
                    (
                        "account_id",
                        cat(
                            "KX",
                            digits_text(np.full(len(owner), pop.chunk), 4),
                            digits_text(subjects[owner], 6),
                        ),
                        True,
                    ),
                    ("bill_type", "telecom", True),
                    ("days_late", "0", False),
                ]
            ),
            rng.integers(30, 120, len(owner)) * 100,
        )
    )
    return parts


def truth(pop: Population, planted: dict[str, Any]) -> dict[str, Any]:
    """This chunk's ground truth, with subject identifiers."""
    ids = pop.ids.to_numpy(zero_copy_only=False)
    return {
        "rings": [[str(i) for i in ids[m]] for m in planted["rings"]],
        "clusters": [[str(i) for i in ids[m]] for m in planted["clusters"]],
        "inflated": [str(i) for i in ids[planted["inflated"]]],
        "inflating_furnisher": BY_SLUG[INFLATING].name,
    }
