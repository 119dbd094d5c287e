"""Per-feature bins: fitting them with optbinning, and assigning values to them with NumPy.

A numerical feature with splits ``s_0 < ... < s_k`` has the right-open bins
``(-inf, s_0), [s_0, s_1), ..., [s_k, inf)`` (optbinning's convention) and then a missing bin.
A categorical feature has one bin per group of categories and then a missing bin, which also
takes categories never seen in training. Bin ``i`` of a value is found with ``searchsorted``
(numbers) or a hash look-up (categories), so applying a scorecard is a few array operations.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from credo.scoring.validation import CATEGORICAL, NUMERICAL

MISSING_LABEL = "missing"
#: Up to this many values, categories are assigned by a dict look-up instead of factorize.
SMALL = 16


@dataclass(eq=False)
class FeatureBins:
    """The bins of one feature, their training counts, WoE and (once scaled) integer points."""

    name: str
    kind: str
    splits: list[float] = field(default_factory=list)
    categories: list[list[Any]] = field(default_factory=list)
    n_good: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    n_bad: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    woe: np.ndarray = field(default_factory=lambda: np.zeros(0))
    points: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _index: pd.Index | None = field(default=None, repr=False, compare=False)
    _lookup: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp), repr=False)
    _bin_of: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def n_bins(self) -> int:
        """Number of bins including the missing bin (always the last)."""
        regular = len(self.splits) + 1 if self.kind == NUMERICAL else len(self.categories)
        return regular + 1

    @property
    def missing_bin(self) -> int:
        return self.n_bins - 1

    def assign(self, values: np.ndarray | pd.Series) -> np.ndarray:
        """Bin index of each value (vectorised)."""
        if self.kind == NUMERICAL:
            x = np.asarray(values, dtype=np.float64)
            idx = np.searchsorted(np.asarray(self.splits, dtype=np.float64), x, side="right")
            idx[np.isnan(x)] = self.missing_bin
            return idx
        if self._index is None:
            flat = [c for group in self.categories for c in group]
            self._index = pd.Index(flat, dtype=object)
            self._lookup = np.concatenate(
                [
                    np.array([b for b, group in enumerate(self.categories) for _ in group]),
                    [self.missing_bin],
                ]
            ).astype(np.intp)
        if len(values) <= SMALL:  # a subject or a few: a dict look-up beats factorize
            plain = values.tolist() if hasattr(values, "tolist") else list(values)
            if all(v.__class__ is str for v in plain):
                if self._bin_of is None:
                    self._bin_of = {}
                    for b, group in enumerate(self.categories):
                        for c in group:
                            if c.__class__ is str:
                                self._bin_of.setdefault(c, b)
                missing = self.missing_bin
                return np.array([self._bin_of.get(v, missing) for v in plain], dtype=np.intp)
        # factorize first (fast on Arrow strings), then look up only the distinct values
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        known = self._lookup[self._index.get_indexer(uniques)]
        # code -1 (missing) and unseen categories (indexer -1) pick the last entry: missing bin
        return np.append(known, self.missing_bin)[codes]

    def label(self, i: int) -> str:
        """Readable name of bin i, e.g. ``[8.5, 11.5)`` or ``own, for free`` or ``missing``."""
        if i == self.missing_bin:
            return MISSING_LABEL
        if self.kind == NUMERICAL:
            left, right = self.bounds(i)
            lo = "(-inf" if left is None else f"[{fmt_number(left)}"
            hi = "inf)" if right is None else f"{fmt_number(right)})"
            return f"{lo}, {hi}"
        return ", ".join(str(c) for c in self.categories[i])

    def bounds(self, i: int) -> tuple[float | None, float | None]:
        """Left (inclusive) and right (exclusive) bound of numerical bin i; None is unbounded."""
        left = self.splits[i - 1] if i > 0 else None
        right = self.splits[i] if i < len(self.splits) else None
        return left, right

    def example(self, i: int) -> Any:
        """A value that falls in bin i (used to show and test what-if changes)."""
        if i == self.missing_bin:
            return None
        if self.kind == CATEGORICAL:
            return self.categories[i][0]
        left, right = self.bounds(i)
        if left is not None:
            return left
        if right is not None:
            return math.floor(right) if math.floor(right) < right else right - 1
        return 0.0


def fmt_number(x: float) -> str:
    """Print a split point without a trailing ``.0``."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def fit_bins(
    name: str,
    kind: str,
    values: np.ndarray,
    bad: np.ndarray,
    *,
    monotonic_trend: str | None,
    min_bin_size: float | None,
    max_n_bins: int | None,
    direction: str = "learn",
) -> FeatureBins:
    """Fit optbinning's ``OptimalBinning`` to one feature; return its bins, counts and WoE.

    A declared ``direction`` (see ``directions``) replaces ``monotonic_trend`` for a numerical
    feature, and the weights of evidence are clamped to follow it.
    """
    from optbinning import OptimalBinning  # imported late: it pulls in cvxpy and ortools

    from credo.scoring.directions import clamp_woe, trend

    present = pd.notna(values)
    splits: list[float] = []
    categories: list[list[Any]] = []
    if present.any():
        optb = OptimalBinning(
            name=name,
            dtype=kind,
            monotonic_trend=trend(direction, monotonic_trend) if kind == NUMERICAL else "auto",
            min_bin_size=min_bin_size,
            # pre-bins as small as bins, or a rare value (an open tax arrear) is never split off
            min_prebin_size=min(0.05, min_bin_size) if min_bin_size else 0.05,
            max_n_bins=max_n_bins,
        )
        with warnings.catch_warnings():
            # optbinning warns about small or pure-class inputs; the fitted bins are still valid
            warnings.simplefilter("ignore")
            optb.fit(values, bad)
        if kind == NUMERICAL:
            splits = [float(s) for s in np.asarray(optb.splits, dtype=np.float64)]
        else:
            categories = [[_plain(c) for c in group] for group in optb.splits]
            seen = {c for group in categories for c in group}
            rest = sorted({_plain(v) for v in values[present]} - seen, key=str)
            if rest:  # categories optbinning left out of its groups get a bin of their own
                categories.append(rest)
    fb = FeatureBins(name=name, kind=kind, splits=splits, categories=categories)
    idx = fb.assign(values)
    fb.n_bad = np.bincount(idx, weights=bad, minlength=fb.n_bins).astype(np.int64)
    fb.n_good = np.bincount(idx, minlength=fb.n_bins).astype(np.int64) - fb.n_bad
    fb.woe = clamp_woe(woe(fb.n_good, fb.n_bad), direction, fb.n_bins - 1)
    regular = fb.woe[:-1]
    if fb.n_good[-1] + fb.n_bad[-1] == 0 and len(regular):
        # a missing bin no training row fell in carries no evidence: keep it inside the regular
        # bins' range, so a subject in the best bin never loses points to an unseen bin
        fb.woe[-1] = float(np.clip(0.0, regular.min(), regular.max()))
    return fb


def woe(n_good: np.ndarray, n_bad: np.ndarray) -> np.ndarray:
    """Weight of evidence ln(share of goods / share of bads) per bin; 0 where a bin lacks either.

    Positive WoE means safer than average (optbinning's sign convention).
    """
    good_total, bad_total = n_good.sum(), n_bad.sum()
    out = np.zeros(len(n_good))
    ok = (n_good > 0) & (n_bad > 0)
    if good_total > 0 and bad_total > 0:
        out[ok] = np.log((n_good[ok] / good_total) / (n_bad[ok] / bad_total))
    return out


def _plain(v: Any) -> Any:
    """NumPy scalar -> Python scalar, so categories serialise to JSON."""
    return v.item() if isinstance(v, np.generic) else v
