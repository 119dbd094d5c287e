"""Credit and payment records, vectorised per category: loans, cards, bills, identity.

Lateness, utilisation and default hazards are functions of the subject's latent risk
(``z`` before the cut-off, ``z_post`` after it), plus per-subject and per-event noise.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from credo.synth import risk
from credo.synth.frame import (
    Part,
    cat,
    digits_text,
    expand,
    iso,
    json_object,
    money,
    pick,
    sigmoid,
    text,
)
from credo.synth.population import INCOME_BANDS, Population, Timeline

# product: (min term, max term, min amount, max amount) in months and yuan
PRODUCTS = {
    "mortgage": (240, 360, 300_000, 3_000_000),
    "consumer": (12, 36, 5_000, 200_000),
    "auto": (36, 60, 50_000, 300_000),
    "microloan": (3, 12, 500, 20_000),
    "business": (12, 60, 100_000, 5_000_000),
}
PERSON_PRODUCTS = (("mortgage", 0.12), ("consumer", 0.38), ("auto", 0.1), ("microloan", 0.4))
INCOME_SCALE = np.array([0.4, 0.7, 1.0, 1.6, 2.5])
LATE_BASE = -3.0
LATE_SLOPE = 1.0
# bill type: (furnisher, share of persons, share of organisations, min/max amount in yuan)
BILLS = {
    "electricity": ("city-utilities", 0.7, 0.8, 60, 600),
    "water": ("city-utilities", 0.45, 0.4, 20, 150),
    "gas": ("city-utilities", 0.3, 0.0, 30, 300),
    "telecom": ("lianxin-telecom", 0.85, 0.6, 30, 300),
    "internet": ("lianxin-telecom", 0.3, 0.3, 50, 200),
    "rent": ("anju-rentals", 0.22, 0.0, 1_500, 9_000),
}


def risk_at(pop: Population, subject: np.ndarray, month: np.ndarray, cutoff: int) -> np.ndarray:
    """The latent risk of each subject in each month (it drifts after the cut-off)."""
    return np.where(month < cutoff, pop.z[subject], pop.z_post[subject])


def _lateness(rng: np.random.Generator, logit: np.ndarray) -> np.ndarray:
    late = rng.random(len(logit)) < sigmoid(logit)
    days = rng.geometric(0.12, len(logit))
    days = np.where(rng.random(len(logit)) < 0.1, days + rng.integers(30, 90, len(logit)), days)
    return np.where(late, days, 0)


def _month_of_span(rng: np.random.Generator, start: np.ndarray, last: int) -> np.ndarray:
    """A month uniformly between each start and ``last`` (inclusive)."""
    return start + np.floor(rng.random(len(start)) * (last - start + 1)).astype(np.int64)


def loans(pop: Population, rng: np.random.Generator, tl: Timeline) -> list[Part]:
    """Loans opened, monthly repayments with lateness, defaults and closures."""
    months, cutoff = tl.months, tl.cutoff_month
    holders = np.flatnonzero(pop.credit_active)
    counts = 1 + rng.poisson(0.8 if pop.kind == "person" else 0.4, len(holders))
    owner, position = expand(counts)
    subject = holders[owner]
    n = len(subject)
    if pop.kind == "person":
        names = np.array([p for p, _ in PERSON_PRODUCTS])
        weights = np.array([w for _, w in PERSON_PRODUCTS])
        product = names[rng.choice(len(names), n, p=weights)]
    else:
        product = np.full(n, "business")
    spec = np.array([PRODUCTS[p] for p in product]).reshape(n, 4)
    term = rng.integers(spec[:, 0], spec[:, 1] + 1)
    scale = INCOME_SCALE[pop.income[subject]] if pop.kind == "person" else 1.0
    principal = np.exp(rng.uniform(np.log(spec[:, 2]), np.log(spec[:, 3]))) * scale
    instalment = np.round(principal * 100 * 1.08 / term).astype(np.int64)
    opened = _month_of_span(rng, pop.start[subject], months - 1)
    end = opened + term
    bonus = np.where(product == "microloan", risk.MICROLOAN, 0.0)
    # lateness of every instalment the loan would have without a default
    span = np.maximum(np.minimum(end, months - 1) - opened, 0)
    loan, k = expand(span)
    month = opened[loan] + 1 + k
    subj = subject[loan]
    noise = rng.normal(0, 0.6, len(pop))[subj]
    days_late = _lateness(rng, LATE_BASE + LATE_SLOPE * risk_at(pop, subj, month, cutoff) + noise)
    # the planted default model (``risk``): a monthly hazard from z and the person's records
    extra = risk.late_logit(len(pop), months, subj, month, days_late)
    if pop.conduct or pop.utilisation is not None:
        extra += risk.conduct_logit(pop, tl)
    hz_loan, hk = expand(np.maximum(np.minimum(end, months - 1) - (opened + 3) + 1, 0))
    hz_month = opened[hz_loan] + 3 + hk
    hz_subj = subject[hz_loan]
    logit = (
        risk.DEFAULT_BASE
        + risk.DEFAULT_SLOPE * risk_at(pop, hz_subj, hz_month, cutoff)
        + bonus[hz_loan]
        + extra[hz_subj, hz_month]
    )
    hit = rng.random(len(hz_loan)) < sigmoid(logit)
    never = np.iinfo(np.int64).max
    default_month = np.full(n, never, dtype=np.int64)
    np.minimum.at(default_month, hz_loan[hit], hz_month[hit])
    defaulted = default_month != never
    default_month = np.where(defaulted, default_month, end + 1)
    last_paid = np.where(defaulted, default_month - 3, np.minimum(end, months - 1))
    if pop.kind == "person":
        furnisher = np.where(
            np.isin(product, ["mortgage", "auto"]),
            "hengfeng-bank",
            np.where(
                product == "consumer",
                np.where(rng.random(n) < 0.6, "hengfeng-bank", "zhifu-pay"),
                np.where(rng.random(n) < 0.5, "kuaidai-finance", "zhifu-pay"),
            ),
        )
    else:
        furnisher = np.full(n, "jiangnan-bank")
    loan_id = cat(
        "L",
        "P" if pop.kind == "person" else "O",
        digits_text(np.full(n, pop.chunk), 4),
        "-",
        digits_text(subject, 6),
        "-",
        digits_text(position, 2),
    )
    parts: list[Part] = []

    fields = [
        ("loan_id", loan_id, True),
        ("product", pa.array(product), True),
        ("term_months", text(term), False),
    ]
    if pop.kind == "person":
        fields.append(("income_band", pick(np.array(INCOME_BANDS), pop.income[subject]), True))
    open_day = tl.day(opened, rng.integers(0, 28, n))
    parts += _by_furnisher(
        furnisher,
        Part(
            "",
            "loan.opened",
            subject,
            open_day,
            json_object(fields),
            np.round(principal * 100).astype(np.int64),
        ),
    )

    # repayments: months opened+1 .. last_paid (the instalments before a default)
    paid_mask = month <= last_paid[loan]
    loan, month, subj, days_late = loan[paid_mask], month[paid_mask], subj[paid_mask], days_late[
        paid_mask
    ]
    trouble = defaulted[loan] & (month >= default_month[loan] - 4)
    days_late = np.where(trouble, rng.integers(30, 75, len(loan)), days_late)
    due = tl.day(month, 9)
    paid_on = due + days_late.astype("timedelta64[D]")
    keep = paid_on <= np.datetime64(tl.as_of, "D")
    repayment = Part(
        "",
        "loan.repayment",
        subj,
        paid_on,
        json_object(
            [
                ("loan_id", loan_id.take(pa.array(loan)), True),
                ("days_late", text(days_late), False),
                ("due_on", iso(due), True),
            ]
        ),
        instalment[loan],
    )
    parts += _by_furnisher(furnisher[loan][keep], repayment.take(keep))
    # the day each loan's last instalment was paid (paid late, it may be after the due month)
    last_payment = np.full(n, np.datetime64("1970-01-01", "D"))
    np.maximum.at(last_payment, loan, paid_on.astype("datetime64[D]"))

    d = np.flatnonzero(defaulted)
    day = tl.day(default_month[d], rng.integers(0, 28, len(d)))
    pop.note_defaults(subject[d], day, tl.cutoff)
    outstanding = instalment[d] * np.maximum(end[d] - default_month[d] + 3, 1)
    parts += _by_furnisher(
        furnisher[d],
        Part(
            "",
            "loan.default",
            subject[d],
            day,
            json_object(
                [
                    ("loan_id", loan_id.take(pa.array(d)), True),
                    ("days_past_due", text(rng.integers(90, 181, len(d))), False),
                ]
            ),
            outstanding,
        ),
    )

    repaid = ~defaulted & (end <= months - 1)
    written_off = defaulted & (default_month + 6 <= months - 1) & (rng.random(n) < 0.5)
    # a loan closes on the 20th of its closing month, or the day its last instalment was
    # paid if that was later; a loan whose last instalment is paid after as_of is still open
    close_day = np.maximum(tl.day(np.where(repaid, end, default_month + 6), 20), last_payment)
    closed = np.flatnonzero((repaid | written_off) & (close_day <= np.datetime64(tl.as_of, "D")))
    reason = np.where(
        repaid[closed],
        np.where(rng.random(len(closed)) < 0.9, "repaid", "refinanced"),
        "written_off",
    )
    parts += _by_furnisher(
        furnisher[closed],
        Part(
            "",
            "loan.closed",
            subject[closed],
            close_day[closed],
            json_object(
                [
                    ("loan_id", loan_id.take(pa.array(closed)), True),
                    ("reason", pa.array(reason), True),
                ]
            ),
        ),
    )
    return parts


def _by_furnisher(furnisher: np.ndarray, part: Part) -> list[Part]:
    out = []
    for name in np.unique(furnisher):
        keep = furnisher == name
        piece = part.take(keep) if not keep.all() else part
        piece.furnisher = str(name)
        out.append(piece)
    return out


def cards(pop: Population, rng: np.random.Generator, tl: Timeline) -> list[Part]:
    """Monthly card utilisation: balance against limit, higher for riskier subjects."""
    holders = np.flatnonzero(pop.credit_active & (rng.random(len(pop)) < 0.6))
    opened = _month_of_span(rng, pop.start[holders], tl.months - 1)
    limit = (
        np.array([5_000, 10_000, 30_000, 60_000, 150_000])[pop.income[holders]]
        * rng.choice([1, 2], len(holders))
    ) * 100
    noise = rng.normal(0, 0.5, len(holders))
    owner, k = expand(tl.months - opened)
    month = opened[owner] + k
    subj = holders[owner]
    level = sigmoid(-1.0 + 1.0 * risk_at(pop, subj, month, tl.cutoff_month) + noise[owner])
    ratio = np.clip(level + rng.normal(0, 0.08, len(owner)), 0, 1.05)
    pop.utilisation = (subj, month, ratio)
    balance = np.round(ratio * limit[owner] / 100).astype(np.int64) * 100
    account = cat("C", digits_text(np.full(len(owner), pop.chunk), 4), "-", digits_text(subj, 6))
    return [
        Part(
            "hengfeng-bank",
            "card.utilisation",
            subj,
            tl.day(month, 27),
            json_object(
                [("account_id", account, True), ("credit_limit", money(limit[owner]), True)]
            ),
            balance,
        )
    ]


def bills(pop: Population, rng: np.random.Generator, tl: Timeline) -> list[Part]:
    """Monthly utility, telecom and rent bills; lateness follows latent risk."""
    parts = []
    noise = rng.normal(0, 0.6, len(pop))
    for number, (bill_type, (furnisher, p_person, p_org, low, high)) in enumerate(BILLS.items()):
        share = p_person if pop.kind == "person" else p_org
        eligible = ~pop.minor | (bill_type == "telecom")
        holders = np.flatnonzero(eligible & (rng.random(len(pop)) < share))
        if not len(holders):
            continue
        opened = (
            _month_of_span(rng, pop.start[holders], tl.months - 1)
            if bill_type == "rent"
            else pop.start[holders]
        )
        base = np.exp(rng.uniform(np.log(low), np.log(high), len(holders)))
        if pop.kind == "organisation":
            base = base * 20
        owner, k = expand(tl.months - opened)
        month = opened[owner] + k
        subj = holders[owner]
        logit = -3.3 + 0.9 * risk_at(pop, subj, month, tl.cutoff_month) + noise[subj]
        days_late = _lateness(rng, logit)
        due = tl.day(month, 14)
        paid_on = due + days_late.astype("timedelta64[D]")
        keep = paid_on <= np.datetime64(tl.as_of, "D")
        cents = np.round(base[owner] * rng.uniform(0.8, 1.2, len(owner)) * 100).astype(np.int64)
        account = cat(
            f"{bill_type[:2].upper()}{number}",
            digits_text(np.full(len(owner), pop.chunk), 4),
            "P" if pop.kind == "person" else "O",
            digits_text(subj, 6),
        )
        part = Part(
            furnisher,
            "bill.payment",
            subj,
            paid_on,
            json_object(
                [
                    ("account_id", account, True),
                    ("bill_type", bill_type, True),
                    ("days_late", text(days_late), False),
                ]
            ),
            cents,
        )
        parts.append(part.take(keep))
    return parts


def hex_tokens(rng: np.random.Generator, n: int) -> pa.Array:
    """n random 32-character hex strings (stand-ins for hashed phone, address, device)."""
    table = np.array([f"{i:02x}" for i in range(256)], dtype="S2")
    raw = table[rng.integers(0, 256, (n, 16))]
    return pa.array(np.ascontiguousarray(raw).view("S32").ravel()).cast(pa.string())


def identity(
    pop: Population,
    rng: np.random.Generator,
    tl: Timeline,
    hashes: tuple[pa.Array, pa.Array, pa.Array],
) -> list[Part]:
    """One identity verification for most subjects (all sybil accounts), with hashed details."""
    verified = np.flatnonzero((rng.random(len(pop)) < 0.92) | (pop.sybil >= 0))
    n = len(verified)
    if pop.kind == "person":
        method = np.array(["document", "bank_account", "in_person"])[
            rng.choice(3, n, p=[0.5, 0.3, 0.2])
        ]
    else:
        method = np.full(n, "registry")
    index = pa.array(verified)
    phone, address, device = (h.take(index) for h in hashes)
    return [
        Part(
            "identity-service",
            "identity.verification",
            verified,
            tl.day(pop.start[verified], rng.integers(0, 20, n)),
            json_object(
                [
                    ("method", pa.array(method), True),
                    ("level", text(rng.integers(1, 4, n)), False),
                    ("phone_hash", phone, True),
                    ("address_hash", address, True),
                    ("device_hash", device, True),
                ]
            ),
        )
    ]
