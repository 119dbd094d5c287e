"""Compliance records: tax, courts, administrative penalties, licences, inspections, honours.

Rates rise with latent risk; court judgments mostly end in fulfilment, some in a
defaulter listing (ground and term), some listings later end in a delisting.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from credo.synth.frame import Part, cat, digits_text, expand, iso, json_object, pick, sigmoid, text
from credo.synth.identities import CITIES, REGIONS
from credo.synth.population import Population, Timeline

COURTS = (
    ("Beijing Haidian District People's Court", "京0108"),
    ("Shanghai Xuhui District People's Court", "沪0104"),
    ("Guangzhou Tianhe District People's Court", "粤0106"),
    ("Shenzhen Futian District People's Court", "粤0304"),
    ("Hangzhou Xihu District People's Court", "浙0106"),
    ("Chengdu Wuhou District People's Court", "川0107"),
    ("Wuhan Wuchang District People's Court", "鄂0106"),
    ("Nanjing Xuanwu District People's Court", "苏0102"),
)
GROUNDS = (
    "able_but_refuses",
    "false_asset_report",
    "evading_execution",
    "obstructing_execution",
    "violating_consumption_order",
    "fraudulent_litigation",
)
GROUND_WEIGHTS = np.array([0.5, 0.1, 0.2, 0.08, 0.07, 0.05])
LAW = {
    "court": "Civil Procedure Law of the PRC, art. 247",
    "listing": "SPC Provisions on Publishing the List of Dishonest Judgment Defaulters, art. 1",
    "tax": "Law on the Administration of Tax Collection, art. 32",
    "penalty": "Administrative Penalty Law of the PRC, art. 9",
    "traffic": "Road Traffic Safety Law of the PRC, art. 90",
    "licence": "Administrative Licensing Law of the PRC, art. 12",
    "inspection": "Work Safety Law of the PRC, art. 65",
    "honour": "Guiding Opinions on Joint Incentives for Trustworthiness (2016)",
}
# industry index -> (licence type, inspection domain, penalty domain)
INDUSTRY_RULES = (
    ("food_business", "food_safety", "food_safety"),
    ("drug_distribution", "drug_safety", "drug_safety"),
    ("construction", "construction_safety", "construction_safety"),
    ("general_business", "fire_safety", "market"),
    ("transport", "fire_safety", "environment"),
    ("general_business", "labour", "labour"),
)
CITY_NAMES = np.array([CITIES[r[:2]] for r in REGIONS])


def _serial(pop: Population, prefix: str, n: int) -> pa.Array:
    """Identifiers unique across chunks: prefix, kind, chunk and a running number."""
    return cat(
        prefix,
        "P" if pop.kind == "person" else "O",
        digits_text(np.full(n, pop.chunk), 4),
        digits_text(np.arange(n), 7),
    )


def _events(
    pop: Population,
    rng: np.random.Generator,
    tl: Timeline,
    who: np.ndarray,
    rate_pre: np.ndarray,
    rate_post: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson events per subject at monthly rates (before/after the cut-off): subject, month."""
    pre_len = np.maximum(tl.cutoff_month - pop.start[who], 0)
    post_start = np.maximum(pop.start[who], tl.cutoff_month)
    pre = rng.poisson(rate_pre * pre_len)
    post = rng.poisson(rate_post * (tl.months - post_start))
    o1, _ = expand(pre)
    o2, _ = expand(post)
    month = np.concatenate(
        [
            pop.start[who][o1] + np.floor(rng.random(len(o1)) * pre_len[o1]),
            post_start[o2] + np.floor(rng.random(len(o2)) * (tl.months - post_start[o2])),
        ]
    )
    return who[np.concatenate([o1, o2])], month.astype(np.int64)


def taxes(pop: Population, rng: np.random.Generator, tl: Timeline) -> list[Part]:
    """Yearly filings (on time or not) and occasional arrears, mostly settled later."""
    person = pop.kind == "person"
    filers = np.flatnonzero(~pop.minor & (rng.random(len(pop)) < (0.6 if person else 0.95)))
    first_year = tl.start.year
    years = np.arange(first_year, tl.as_of.year + 1)
    month = np.array([(y - first_year) * 12 + 3 - tl.start.month + 1 for y in years])
    owner, k = expand(np.full(len(filers), len(years)))
    subj, filed = filers[owner], month[k]
    keep = (filed >= pop.start[subj]) & (filed >= 0) & (filed < tl.months)
    subj, filed, tax_year = subj[keep], filed[keep], years[k][keep] - 1
    z = np.where(filed < tl.cutoff_month, pop.z[subj], pop.z_post[subj])
    on_time = rng.random(len(subj)) < sigmoid(2.6 - 1.0 * z)
    amount = (
        np.round(
            np.exp(rng.uniform(np.log(500), np.log(80_000), len(subj))) * (20 if not person else 1)
        )
        * 100
    )
    parts = [
        Part(
            "tax-bureau",
            "tax.filing",
            subj,
            tl.day(filed, rng.integers(0, 28, len(subj)) + np.where(on_time, 0, 60)),
            json_object(
                [
                    ("tax_year", text(tax_year), False),
                    ("on_time", pa.array(np.where(on_time, "true", "false")), False),
                ]
            ),
            amount.astype(np.int64),
        )
    ]
    parts[0] = parts[0].take(parts[0].day <= np.datetime64(tl.as_of, "D"))
    arrears = rng.random(len(subj)) < sigmoid((-2.2 if person else -3.6) + 1.2 * z)
    a = np.flatnonzero(arrears)
    month_a = filed[a] + 4
    settled = rng.random(len(a)) < 0.55
    settle_day = tl.day(month_a + rng.integers(1, 10, len(a)), 5)
    settled &= settle_day <= np.datetime64(tl.as_of, "D")
    settled_on = pa.array(
        np.where(settled, iso(settle_day).to_numpy(zero_copy_only=False), None), pa.string()
    )
    settle_month = np.where(settled, tl.month_of(settle_day), tl.months + 24)
    inside = month_a < tl.months
    pop.conduct["tax_arrears_open"] = (subj[a][inside], month_a[inside], settle_month[inside])
    types = np.array(["income", "property"] if person else ["vat", "corporate"])
    part = Part(
        "tax-bureau",
        "tax.arrears",
        subj[a],
        tl.day(month_a, 10),
        json_object(
            [
                ("tax_type", pick(types, rng.integers(0, 2, len(a))), True),
                ("tax_year", text(tax_year[a]), False),
                ("settled_on", settled_on, True),
            ]
        ),
        np.round(amount[a] * rng.uniform(0.1, 0.5, len(a))).astype(np.int64),
        LAW["tax"],
    )
    parts.append(part.take(month_a < tl.months))
    return parts


def courts(pop: Population, rng: np.random.Generator, tl: Timeline) -> list[Part]:
    """Judgments and what followed them: fulfilment, listing, delisting; contract breaches."""
    person = pop.kind == "person"
    adults = np.flatnonzero(~pop.minor)
    base = -5.6 if person else -6.2
    subj, month = _events(
        pop,
        rng,
        tl,
        adults,
        np.exp(base + 1.3 * pop.z[adults]),
        np.exp(base + 1.3 * pop.z_post[adults]),
    )
    n = len(subj)
    court = rng.integers(0, len(COURTS), n)
    judged = tl.day(month, rng.integers(0, 28, n))
    year = judged.astype("datetime64[Y]").astype(np.int64) + 1970
    case = cat(
        "(",
        text(year),
        ")",
        pick(np.array([c for _, c in COURTS]), court),
        "民初",
        _serial(pop, "", n),
        "号",
    )
    court_name = pick(np.array([c for c, _ in COURTS]), court)
    monetary = rng.random(n) < 0.85
    cents = np.round(np.exp(rng.uniform(np.log(3_000), np.log(500_000), n))) * 100
    cents = (cents * (20 if not person else 1)).astype(np.int64)
    due = judged + rng.integers(30, 91, n).astype("timedelta64[D]")
    as_of = np.datetime64(tl.as_of, "D")
    parts: list[Part] = []
    judgment = Part(
        "peoples-courts",
        "court.judgment",
        subj,
        judged,
        json_object(
            [
                ("case_number", case, True),
                ("court_name", court_name, True),
                ("judgment_type", pa.array(np.where(monetary, "monetary", "performance")), True),
                ("due_on", iso(due), True),
            ]
        ),
        cents,
        LAW["court"],
    )
    parts.append(judgment)  # amounts are optional; monetary ones carry one
    z = np.where(month < tl.cutoff_month, pop.z[subj], pop.z_post[subj])
    fulfils = rng.random(n) < sigmoid(1.3 - 0.9 * z)
    fulfilled_on = due + rng.integers(-20, 240, n).astype("timedelta64[D]")
    fulfilled_on = np.maximum(fulfilled_on, judged)
    listed = ~fulfils & (rng.random(n) < 0.65)
    listed_on = due + rng.integers(30, 100, n).astype("timedelta64[D]")
    term = rng.integers(12, 37, n)
    later = rng.random(n)
    pays_later = listed & (later < 0.45)
    fulfilled_on = np.where(
        pays_later, listed_on + rng.integers(30, 300, n).astype("timedelta64[D]"), fulfilled_on
    )
    # the term ends on the same day of the month ``term`` calendar months later (the last
    # day of a shorter month), as the registry counts it
    listed_month = listed_on.astype("datetime64[M]")
    end_month = listed_month + term.astype("timedelta64[M]")
    term_end = np.minimum(
        end_month.astype("datetime64[D]") + (listed_on - listed_month.astype("datetime64[D]")),
        (end_month + 1).astype("datetime64[D]") - np.timedelta64(1, "D"),
    )
    expires = listed & ~pays_later & (later < 0.75)
    fulfil = (fulfils | pays_later) & (fulfilled_on <= as_of)
    f = np.flatnonzero(fulfil)
    parts.append(
        Part(
            "peoples-courts",
            "court.fulfilment",
            subj[f],
            fulfilled_on[f],
            json_object([("case_number", case.take(pa.array(f)), True)]),
            cents[f],
            LAW["court"],
        )
    )
    open_until = np.where(fulfil, tl.month_of(fulfilled_on), tl.months + 24)
    pop.conduct["open_judgment"] = (subj, month, np.maximum(open_until, month + 1))
    listing = np.flatnonzero(listed & (listed_on <= as_of))
    with_term = rng.random(len(listing)) < 0.7
    parts.append(
        Part(
            "peoples-courts",
            "court.listing",
            subj[listing],
            listed_on[listing],
            json_object(
                [
                    ("case_number", case.take(pa.array(listing)), True),
                    ("court_name", court_name.take(pa.array(listing)), True),
                    (
                        "ground",
                        pick(
                            np.array(GROUNDS),
                            rng.choice(len(GROUNDS), len(listing), p=GROUND_WEIGHTS),
                        ),
                        True,
                    ),
                    (
                        "term_months",
                        pa.array(term[listing].astype(str), pa.string(), mask=~with_term),
                        False,
                    ),
                ]
            ),
            None,
            LAW["listing"],
        )
    )
    # only a listing with a stated term can end by its term expiring
    stated = np.zeros(n, dtype=bool)
    stated[listing[with_term]] = True
    expires &= stated
    delisted_on = np.where(pays_later, fulfilled_on, term_end)
    delist = np.flatnonzero((pays_later | expires) & (listed_on <= as_of) & (delisted_on <= as_of))
    reason = np.where(pays_later[delist], "fulfilled", "term_expired")
    parts.append(
        Part(
            "peoples-courts",
            "court.delisting",
            subj[delist],
            delisted_on[delist],
            json_object(
                [
                    ("case_number", case.take(pa.array(delist)), True),
                    ("reason", pa.array(reason), True),
                ]
            ),
            None,
            LAW["listing"],
        )
    )

    breach_subj, breach_month = _events(
        pop,
        rng,
        tl,
        adults,
        np.exp((-5.9 if person else -5.4) + pop.z[adults]),
        np.exp((-5.9 if person else -5.4) + pop.z_post[adults]),
    )
    m = len(breach_subj)
    pop.conduct["breaches_24m"] = (breach_subj, breach_month, breach_month + 24)
    parts.append(
        Part(
            "peoples-courts",
            "contract.breach",
            breach_subj,
            tl.day(breach_month, rng.integers(0, 28, m)),
            json_object(
                [
                    ("contract_ref", _serial(pop, "CT", m), True),
                    (
                        "breach_type",
                        pick(
                            np.array(["non_payment", "non_delivery", "quality", "other"]),
                            rng.choice(4, m, p=[0.55, 0.2, 0.15, 0.1]),
                        ),
                        True,
                    ),
                ]
            ),
            np.round(np.exp(rng.uniform(np.log(1_000), np.log(300_000), m))).astype(np.int64) * 100,
        )
    )
    return parts


def penalties(pop: Population, rng: np.random.Generator, tl: Timeline) -> list[Part]:
    """Traffic penalties for persons; regulatory penalties (some serious) for organisations."""
    person = pop.kind == "person"
    if person:
        who = np.flatnonzero(~pop.minor | (pop.ages(tl.as_of) >= 16))
        rate = 0.02 * np.exp(0.35 * pop.z[who])
        subj, month = _events(pop, rng, tl, who, rate, 0.02 * np.exp(0.35 * pop.z_post[who]))
        n = len(subj)
        domain = np.full(n, "traffic")
        severity = np.where(rng.random(n) < 0.8, "minor", "general")
        cents = rng.choice([50, 100, 200, 500, 1000, 2000], n) * 100
        furnisher, prefix, law, agency = (
            "traffic-police",
            "JT",
            LAW["traffic"],
            " Public Security Traffic Police Detachment",
        )
    else:
        who = np.arange(len(pop))
        subj, month = _events(
            pop, rng, tl, who, np.exp(-4.3 + 0.9 * pop.z), np.exp(-4.3 + 0.9 * pop.z_post)
        )
        n = len(subj)
        assert pop.industry is not None
        own = np.array([r[2] for r in INDUSTRY_RULES])[pop.industry[subj]]
        other = np.array(["market", "environment", "labour", "fire_safety"])[rng.integers(0, 4, n)]
        domain = np.where(rng.random(n) < 0.6, own, other)
        z = np.where(month < tl.cutoff_month, pop.z[subj], pop.z_post[subj])
        score = z + rng.normal(0, 0.7, n)
        severity = np.where(score > 1.6, "serious", np.where(score > 0.3, "general", "minor"))
        scale = np.where(
            severity == "serious", 100_000, np.where(severity == "general", 20_000, 2_000)
        )
        cents = (np.round(scale * rng.uniform(0.2, 2.0, n)) * 100).astype(np.int64)
        furnisher, prefix, law, agency = (
            "market-regulator",
            "SJ",
            LAW["penalty"],
            " Market Supervision Administration",
        )
    pop.conduct["penalties_24m"] = (subj, month, month + 24)
    city = CITY_NAMES[rng.integers(0, len(CITY_NAMES), n)]
    decision = _serial(pop, prefix, n)
    imposed = tl.day(month, rng.integers(0, 28, n))
    parts = [
        Part(
            furnisher,
            "penalty.imposed",
            subj,
            imposed,
            json_object(
                [
                    ("decision_number", decision, True),
                    ("authority", cat(pa.array(city), agency), True),
                    ("domain", pa.array(domain), True),
                    ("severity", pa.array(severity), True),
                ]
            ),
            cents.astype(np.int64),
            law,
        )
    ]
    paid_on = imposed + rng.integers(3, 60, n).astype("timedelta64[D]")
    paid = np.flatnonzero(
        (rng.random(n) < (0.9 if person else 0.8)) & (paid_on <= np.datetime64(tl.as_of, "D"))
    )
    parts.append(
        Part(
            furnisher,
            "penalty.paid",
            subj[paid],
            paid_on[paid],
            json_object([("decision_number", decision.take(pa.array(paid)), True)]),
            cents[paid].astype(np.int64),
            law,
        )
    )
    return parts


def regulation(pop: Population, rng: np.random.Generator, tl: Timeline) -> list[Part]:
    """Organisations: licences granted and revoked, yearly inspections with grades."""
    assert pop.industry is not None
    rules = INDUSTRY_RULES
    special = np.array([r[0] for r in rules])[pop.industry]
    two = special != "general_business"
    owner, k = expand(1 + two.astype(np.int64))
    kind = np.where(k == 0, "general_business", special[owner])
    granted = tl.day(pop.start[owner], rng.integers(0, 28, len(owner)))
    valid_until = granted + np.timedelta64(5 * 365, "D")
    licence = _serial(pop, "LIC", len(owner))
    parts = [
        Part(
            "market-regulator",
            "licence.granted",
            owner,
            granted,
            json_object(
                [
                    ("licence_number", licence, True),
                    ("licence_type", pa.array(kind), True),
                    ("valid_until", iso(valid_until), True),
                ]
            ),
            None,
            LAW["licence"],
        )
    ]
    revoke = np.flatnonzero(rng.random(len(owner)) < sigmoid(-4.6 + 1.3 * pop.z_post[owner]))
    # revoked while valid: by the month before it lapses (a span over 5 years outlives it)
    last = np.minimum(tl.months - 1, tl.month_of(valid_until[revoke]) - 1)
    revoked_month = _month_of_span_after(rng, pop.start[owner[revoke]] + 1, last)
    keep = revoked_month < tl.months
    revoke, revoked_month = revoke[keep], revoked_month[keep]
    parts.append(
        Part(
            "market-regulator",
            "licence.revoked",
            owner[revoke],
            tl.day(revoked_month, 15),
            json_object(
                [
                    ("licence_number", licence.take(pa.array(revoke)), True),
                    ("reason", "serious or repeated violations", True),
                ]
            ),
            None,
            LAW["licence"],
        )
    )
    count = np.maximum((tl.months - pop.start) // 12, 0) + 1
    subj, i = expand(count)
    month = pop.start[subj] + 12 * i + rng.integers(0, 12, len(subj))
    inside = month < tl.months
    subj, month = subj[inside], month[inside]
    z = np.where(month < tl.cutoff_month, pop.z[subj], pop.z_post[subj])
    score = z + rng.normal(0, 0.8, len(subj))
    grade = np.array(["A", "B", "C", "D"])[np.searchsorted([-0.5, 0.6, 1.5], score)]
    domain = np.array([r[1] for r in rules])[pop.industry[subj]]
    parts.append(
        Part(
            "market-regulator",
            "inspection.result",
            subj,
            tl.day(month, rng.integers(0, 28, len(subj))),
            json_object(
                [
                    ("inspection_id", _serial(pop, "INS", len(subj)), True),
                    ("domain", pa.array(domain), True),
                    ("grade", pa.array(grade), True),
                ]
            ),
            None,
            LAW["inspection"],
        )
    )
    return parts


def _month_of_span_after(
    rng: np.random.Generator, start: np.ndarray, last: int | np.ndarray
) -> np.ndarray:
    return start + np.floor(rng.random(len(start)) * np.maximum(last - start + 1, 1)).astype(
        np.int64
    )


def commendations(pop: Population, rng: np.random.Generator, tl: Timeline) -> list[Part]:
    """Honours for the most reliable subjects (red-list evidence)."""
    person = pop.kind == "person"
    p = sigmoid((-4.2 if person else -2.4) - 1.0 * pop.z)
    who = np.flatnonzero(~pop.minor & (rng.random(len(pop)) < p))
    month = _month_of_span_after(rng, pop.start[who], tl.months - 1)
    m = len(who)
    if person:
        furnisher, titles = "tax-bureau", np.array(["Honest Taxpayer"])
        authority = " Tax Bureau"
    else:
        furnisher = "market-regulator"
        titles = np.array(
            [
                "Contract-Honouring and Trustworthy Enterprise",
                "Quality and Integrity Model Enterprise",
            ]
        )
        authority = " Market Supervision Administration"
    city = CITY_NAMES[rng.integers(0, len(CITY_NAMES), m)]
    return [
        Part(
            furnisher,
            "commendation",
            who,
            tl.day(month, rng.integers(0, 28, m)),
            json_object(
                [
                    ("title", pick(titles, rng.integers(0, len(titles), m)), True),
                    ("authority", cat(pa.array(city), authority), True),
                    (
                        "level",
                        pick(
                            np.array(["city", "provincial", "national"]),
                            rng.choice(3, m, p=[0.7, 0.25, 0.05]),
                        ),
                        True,
                    ),
                ]
            ),
            None,
            LAW["honour"],
        )
    ]
