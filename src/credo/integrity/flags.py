"""The detector interface: what every detector takes (``Inputs``) and returns (``Flag``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import ibis
import pyarrow as pa


@dataclass(frozen=True)
class Inputs:
    """What detectors read, as tables of one Ibis backend.

    ``records`` has the snapshot's columns (``subject_id, furnisher_id, category,
    occurred_on, amount_minor, fields``); ``keys`` maps ``(scheme, lookup_key)`` to
    ``subject_id`` so a transfer's counterparty (stored as its lookup key) finds its subject;
    ``scores`` holds each subject's last two scores (``subject_id, score, previous``), where
    ``previous`` is the last published one and ``score`` the newer (candidate or published).
    """

    records: ibis.Table
    keys: ibis.Table
    as_of: dt.date
    scores: pa.Table | None = None


@dataclass(frozen=True)
class Flag:
    """One finding: the detector, the subjects it names, its evidence and its strength."""

    detector: str
    subject_ids: tuple[int, ...]
    evidence: dict[str, Any] = field(default_factory=dict)
    strength: float = 1.0
    key: str = ""

    @property
    def fingerprint(self) -> str:
        """Stable id of (detector, key, subject set): the same finding is not raised twice."""
        body = ":".join(
            [self.detector, self.key, ",".join(str(i) for i in sorted(self.subject_ids))]
        )
        return hashlib.sha256(body.encode()).hexdigest()


class Detector(Protocol):
    """A manipulation detector: a name and a pure ``detect`` over the inputs."""

    @property
    def name(self) -> str: ...

    def detect(self, inputs: Inputs) -> list[Flag]: ...


class Flagging:
    """What every detector shares: its ``name``, its ``rule`` in words, and flags carrying both.

    A detector is a frozen dataclass of its thresholds that inherits this and states ``RULE``.
    """

    name: str
    #: The rule in words: a ``str.format`` template over the detector's thresholds.
    RULE: ClassVar[str]

    @property
    def rule(self) -> str:
        """The rule a flagged subject broke, with this detector's thresholds filled in."""
        return self.RULE.format_map(vars(self))

    def flag(
        self, subjects: Iterable[int], strength: float, *, key: str = "", **evidence: Any
    ) -> Flag:
        """A finding of this detector on ``subjects``: the evidence, then the rule in words."""
        body = {**evidence, "rule": self.rule}
        return Flag(self.name, tuple(subjects), body, strength, key=key)


def by_detector(flags: Sequence[Flag]) -> dict[str, list[Flag]]:
    """Flags grouped by their detector's name."""
    out: dict[str, list[Flag]] = {}
    for flag in flags:
        out.setdefault(flag.detector, []).append(flag)
    return out


def days_before(as_of: dt.date, days: int) -> Any:
    """An Ibis date literal ``days`` before ``as_of`` (the first day of the calendar at most:
    a window reaching back past year 1 starts there instead of overflowing)."""
    try:
        start = as_of - dt.timedelta(days=days)
    except OverflowError:
        start = dt.date.min
    return ibis.literal(start)


def within(t: Any, as_of: dt.date, days: int) -> Any:
    """Rows of ``t`` whose ``occurred_on`` is in the ``days`` ending on ``as_of`` (inclusive):
    a scan as of a past day reads nothing that happened after it."""
    return (t.occurred_on >= days_before(as_of, days)) & (t.occurred_on <= ibis.literal(as_of))
