"""The population: one latent risk per subject, and the calendar its records live on.

A subject's latent risk ``z`` (standard normal, higher = riskier) drives every record
generator. After the cut-off (as-of minus 12 months) risk drifts: ``z_post`` is ``z``
correlated at ``RISK_PERSISTENCE`` with fresh noise, which is what keeps next year's
defaults predictable but not trivially so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from credo.synth import identities

RISK_PERSISTENCE = 0.72
MINOR_RECORDS_FROM = 14  # the youngest age a minor's records start at (minors are 14-17)
INCOME_BANDS = ("under_3k", "3k_8k", "8k_20k", "20k_50k", "over_50k")
INCOME_CUTS = np.array([-0.85, 0.35, 1.3, 2.2])
AGE_EDGES = np.array([18, 25, 35, 45, 55, 65])
AGE_NAMES = np.array(["under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"])


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Timeline:
    """Months of the span ending at the as-of date; month ``m`` is months[m]..months[m+1]."""

    as_of: dt.date
    years: int

    @property
    def months(self) -> int:
        return 12 * self.years

    @property
    def cutoff(self) -> dt.date:
        return shift_years(self.as_of, 1)

    @property
    def cutoff_month(self) -> int:
        """The first month whose days all lie after the cut-off."""
        return self.months - 12

    @property
    def start(self) -> dt.date:
        return self.month_start(np.zeros(1, dtype=np.int64))[0].astype(dt.date)

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """The month index (0 = first month of the span) each day falls in."""
        first = np.datetime64(self.as_of, "M") - (self.months - 1)
        return (np.asarray(days).astype("datetime64[M]") - first).astype(np.int64)

    def month_start(self, month: np.ndarray) -> np.ndarray:
        last = np.datetime64(self.as_of, "M")
        return (last - (self.months - 1 - np.asarray(month))).astype("datetime64[D]")

    def day(self, month: np.ndarray, offset: np.ndarray | int = 0) -> np.ndarray:
        """The day ``offset`` days into a month, never after the as-of date."""
        days = self.month_start(month) + np.asarray(offset).astype("timedelta64[D]")
        return np.minimum(days, np.datetime64(self.as_of, "D"))


@dataclass
class Population:
    """One chunk of subjects of one kind and everything generators need to know of them."""

    kind: str  # "person" or "organisation"
    scheme: str
    chunk: int
    index: np.ndarray  # global index (per kind)
    ids: pa.Array
    names: pa.Array
    z: np.ndarray
    z_post: np.ndarray
    start: np.ndarray  # first month with records
    income: np.ndarray  # income band index (persons)
    minor: np.ndarray
    born: np.ndarray | None = None
    sex: np.ndarray | None = None
    industry: np.ndarray | None = None
    ring: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sybil: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    inflated: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    window_default: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="datetime64[D]"))
    default_before: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    credit_active: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: Conduct the default hazard reads (see ``risk``): name -> (subject, from month, to month).
    conduct: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: Card utilisation per (subject, month), for the default hazard.
    utilisation: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.index)

    def __post_init__(self) -> None:
        n = len(self.index)
        self.ring = np.full(n, -1, dtype=np.int64)
        self.sybil = np.full(n, -1, dtype=np.int64)
        self.inflated = np.zeros(n, dtype=bool)
        self.window_default = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        self.default_before = np.zeros(n, dtype=bool)
        self.credit_active = np.zeros(n, dtype=bool)

    def note_defaults(self, subject: np.ndarray, day: np.ndarray, cutoff: dt.date) -> None:
        """Remember defaults: any up to the cut-off, and the first one after it (the label)."""
        before = day <= np.datetime64(cutoff, "D")
        self.default_before[subject[before]] = True
        far = np.iinfo(np.int64).max
        first = np.where(np.isnat(self.window_default), far, self.window_default.astype(np.int64))
        np.minimum.at(first, subject[~before], day[~before].astype(np.int64))
        self.window_default = np.where(
            first == far, np.datetime64("NaT"), first.astype("datetime64[D]")
        )

    def ages(self, on: dt.date) -> np.ndarray:
        assert self.born is not None
        return ((np.datetime64(on, "D") - self.born).astype(np.int64) / 365.25).astype(np.int64)


def _start_months(rng: np.random.Generator, n: int, timeline: Timeline) -> np.ndarray:
    """Most subjects are known from the start; a fifth arrive during the span."""
    late = rng.random(n) < 0.2
    return np.where(late, rng.integers(0, max(timeline.months - 6, 1), n), 0)


def _risk(rng: np.random.Generator, n: int, tilt: Any = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Latent risk ``z`` (standard normal plus ``tilt``) and ``z_post``, its drift after the
    cut-off (correlated at ``RISK_PERSISTENCE`` with fresh noise)."""
    z = rng.standard_normal(n) + tilt
    z_post = RISK_PERSISTENCE * z + np.sqrt(1 - RISK_PERSISTENCE**2) * rng.standard_normal(n)
    return z, z_post


#: What a kind's drawing returns: ids, names, (z, z_post), and the fields only it has.
Drawn = tuple[pa.Array, pa.Array, tuple[np.ndarray, np.ndarray], dict[str, Any]]


def _persons(index: np.ndarray, rng: np.random.Generator, tl: Timeline, salt: int) -> Drawn:
    """Persons: the young a little riskier; income bands from risk and age."""
    ids, names, born, sex = identities.persons(
        index, rng, as_of=tl.as_of, years=tl.years, salt=salt
    )
    n = len(index)
    age = (np.datetime64(tl.cutoff, "D") - born).astype(np.int64) / 365.25
    z, z_post = _risk(rng, n, 0.3 * np.clip((40 - age) / 15, -1.5, 1.5))
    income_score = (
        -0.45 * z + 0.5 * np.clip(1 - np.abs(age - 45) / 20, -1, 1) + 0.85 * rng.standard_normal(n)
    )
    income = np.searchsorted(INCOME_CUTS, income_score)
    traits = {"income": income, "minor": identities.is_minor(index), "born": born, "sex": sex}
    return ids, names, (z, z_post), traits


def _organisations(index: np.ndarray, rng: np.random.Generator, tl: Timeline, salt: int) -> Drawn:
    """Organisations: an industry each; no income band, never minors."""
    ids, names, industry = identities.organisations(index, rng, salt=salt)
    n = len(index)
    no_income, no_minors = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    traits = {"income": no_income, "minor": no_minors, "industry": industry}
    return ids, names, _risk(rng, n), traits


#: Per kind: its identifier scheme, how it is drawn, and the share with credit.
KINDS = {
    "person": ("cn_ric", _persons, 0.8),
    "organisation": ("cn_uscc", _organisations, 0.5),
}


def population(
    kind: str,
    *,
    chunk: int,
    index: np.ndarray,
    rng: np.random.Generator,
    timeline: Timeline,
    salt: int,
) -> Population:
    """One chunk of subjects of ``kind`` (person or organisation), drawn from ``rng``."""
    scheme, draw, active_share = KINDS[kind]
    ids, names, (z, z_post), traits = draw(index, rng, timeline, salt)
    n = len(index)
    pop = Population(
        kind=kind,
        scheme=scheme,
        chunk=chunk,
        index=index,
        ids=ids,
        names=names,
        z=z,
        z_post=z_post,
        start=_start_months(rng, n, timeline),
        **traits,
    )
    pop.credit_active = (~pop.minor) & (rng.random(n) < active_share)
    if pop.born is not None:
        # a minor's records start no earlier than the month of their 14th birthday (a long
        # span began before some were born: identity checks and fines before birth)
        fourteen = pop.born + np.timedelta64(round(MINOR_RECORDS_FROM * 365.25), "D")
        pop.start = np.where(
            pop.minor, np.maximum(pop.start, timeline.month_of(fourteen)), pop.start
        )
    return pop


def age_bands(ages: np.ndarray) -> np.ndarray:
    return AGE_NAMES[np.searchsorted(AGE_EDGES, ages, side="right")]
