"""Explanations at speed: reasons, what-if and points per row gathered from the bin indices.

What only the model decides is worked out once per model and kept (``explainer_for``): each
bin's label, points and points lost, the what-if moves of every (feature, bin), and for each
pattern of actionable bins every plan of up to three moves sorted by total gain, so a row's
plan is a ``searchsorted`` of the points it needs. What depends on a row's values (the sentence
of a reason, the value shown) is built once per distinct value of a column. The per-subject
functions of ``reasons`` (``top_reasons``, ``counterfactual``) are the reference the tests
compare this with, row by row.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import itertools
import math
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from credo.scoring import reasons as rs
from credo.scoring.binning import FeatureBins
from credo.scoring.scaling import (
    BANDS,
    SCORE_MAX,
    SCORE_MIN,
    band,
    clip_scores,
    next_band_floor,
)
from credo.scoring.validation import DIMENSIONS, NUMERICAL, numeric_values


class Scorecard(Protocol):
    """What the tables are built from: a fitted ``scorecard.Scorecard`` (named here by its
    attributes, so this module does not import the estimator that imports it)."""

    bins_: list[FeatureBins]
    intercept_points_: float
    dimensions_: dict[str, str]
    descriptions_: dict[str, Any]
    actionable_: Any


#: Up to this many rows, a column's values are read one by one instead of factorized.
SMALL = 16
#: Entries a model's caches of sentences and chosen plans may hold before they are emptied.
CACHE_LIMIT = 200_000
#: Patterns of actionable bins whose plan tables (a few kB each) a model keeps.
PATTERN_LIMIT = 1024

_copy = dict.copy
Move = tuple[int, int, int]  # (feature position, points gained, target bin)


class Explainer:
    """A fitted scorecard's explanation tables, built once and read by every explanation."""

    def __init__(self, sc: Scorecard) -> None:
        bins: list[FeatureBins] = sc.bins_
        self.bins = bins
        self.names = [fb.name for fb in bins]
        self.intercept = int(sc.intercept_points_)
        self.dimensions = sc.dimensions_
        self.offsets = np.cumsum([0] + [fb.n_bins for fb in bins]).astype(np.intp)
        self.flat_points = np.concatenate([fb.points for fb in bins]).astype(np.int64)
        # points lost per bin, flat as the points (``reasons.points_lost``: a value on record
        # against the best regular bin, no data against the best bin of all)
        self.flat_lost = np.concatenate([rs.points_lost(fb) for fb in bins]).astype(np.int64)
        self.labels = [[fb.label(b) for b in range(fb.n_bins)] for fb in bins]
        self.points = [[int(p) for p in fb.points] for fb in bins]
        self.lost = [[int(x) for x in rs.points_lost(fb)] for fb in bins]
        self.templates = [sc.descriptions_.get(name) for name in self.names]
        self.bin_of = [_string_bins(fb) for fb in bins]
        self.by_dimension = []  # (name, feature positions, lowest, highest) as dimension_scores
        for dim in DIMENSIONS:
            js = [j for j, fb in enumerate(bins) if self.dimensions[fb.name] == dim]
            lo = sum(int(bins[j].points.min()) for j in js)
            hi = sum(int(bins[j].points.max()) for j in js)
            self.by_dimension.append((dim, js, lo, hi))
        self.texts: dict[tuple[int, int, type, Any], str] = {}
        directions = getattr(sc, "directions_", None) or {}
        units = {
            name: t.get("unit", "number")
            for name, t in sc.descriptions_.items()
            if isinstance(t, Mapping)
        }
        self.planner = Planner(bins, set(sc.actionable_), directions, units)

    # ---- one subject from its published values ---------------------------------------------

    def what_would_raise(self, values: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        """One subject's plan from plain values (None, int, float, str), without pandas.

        None when a value is of another kind (or infinite): the caller then takes the frame
        path, which converts it (or refuses it) as ``explain_frame`` does.
        """
        index = []
        for fb, bin_of in zip(self.bins, self.bin_of, strict=True):
            b = _plain_bin(fb, bin_of, values.get(fb.name))
            if b is None:
                return None
            index.append(b)
        raw = self.intercept + sum(p[b] for p, b in zip(self.points, index, strict=True))
        pattern = tuple(index[j] for j in self.planner.cols)
        return self.planner.plan(pattern, raw, _clip(raw))

    # ---- a frame, as columns ----------------------------------------------------------------

    def columns(self, cols: Sequence[pd.Series], index: np.ndarray | None) -> Explanations:
        """Every row's explanation as arrays (``Scorecard.explain_columns``).

        ``index`` is the frame's bin indices (rows x features); None for a frame of up to
        ``SMALL`` rows, whose values are then read and binned one by one in plain Python.
        """
        m = len(self.bins)
        if index is None:
            pairs = enumerate(zip(self.bins, cols, strict=True))
            read = [self._read(fb, j, col) for j, (fb, col) in pairs]
            n = len(cols[0]) if cols else 0
            values = [vals for vals, _ in read]
            codes: list[np.ndarray] = [np.arange(n, dtype=np.intp)] * m
            index = (
                np.array([b for _, b in read], dtype=np.intp).T.reshape(n, m)
                if m
                else np.zeros((n, 0), np.intp)
            )
        else:
            n = len(index)
            codes, values = (list(x) for x in zip(*(_codes(col) for col in cols), strict=True))
        pts = self.flat_points[index + self.offsets[:-1]]
        raw = self.intercept + pts.sum(axis=1)
        scores = clip_scores(raw)
        subs = {
            dim: (
                None
                if not js
                else np.full(n, 100, np.int64)
                if hi == lo
                else np.rint((pts[:, js].sum(axis=1) - lo) / (hi - lo) * 100).astype(np.int64)
            )
            for dim, js, lo, hi in self.by_dimension
        }
        lost = self.flat_lost[index + self.offsets[:-1]]
        k = min(rs.N_REASONS, m)
        order = np.argsort(-lost, axis=1, kind="stable")[:, :k]
        counted = np.minimum((lost > 0).sum(axis=1), k)
        rows = np.arange(n)[:, None]
        none = np.arange(k)[None, :] >= counted[:, None]
        feature = np.where(none, -1, order).astype(np.intp)
        plan, first = self.planner.plan_ids(index, raw)
        return Explanations(
            tables=self,
            score=scores,
            raw=raw,
            band=(np.searchsorted(BAND_FLOORS, scores, side="right") - 1).astype(np.int8),
            dimensions=subs,
            bins=index,
            codes=codes,
            values=values,
            reason_feature=feature,
            reason_bin=np.where(none, -1, index[rows, order]),
            reason_points_lost=np.where(none, 0, lost[rows, order]),
            reason_count=counted,
            plan=plan,
            plan_rows=first,
        )

    def _read(self, fb: FeatureBins, j: int, col: pd.Series) -> tuple[list[Any], list[int]]:
        """A few rows of one column: (values as plain Python scalars, bins), as the frame path
        reads and bins them."""
        dtype = col.dtype
        if fb.kind == NUMERICAL and (dtype == np.float64 or dtype == np.int64):
            vals = _values(col)
            if not any(math.isinf(v) for v in vals if v is not None):
                miss = fb.missing_bin
                return vals, [
                    miss if v is None else bisect.bisect_right(fb.splits, float(v)) for v in vals
                ]
        elif fb.kind != NUMERICAL and dtype != np.float64 and dtype != np.int64:
            plain = col.tolist()
            vals = [v if v.__class__ is str else value_of(v) for v in plain]
            if all(v.__class__ is str for v in plain):
                bin_of, miss = self.bin_of[j], fb.missing_bin
                return vals, [bin_of.get(v, miss) for v in plain]
            return vals, fb.assign(col).tolist()
        values = numeric_values(col) if fb.kind == NUMERICAL else col
        return _values(col), fb.assign(values).tolist()

    def _reason(self, j: int, value: Any, b: int) -> dict[str, Any]:
        name, drop, template = self.names[j], self.lost[j][b], self.templates[j]
        try:
            key = (j, b, type(value), value)
            text = self.texts.get(key)
            if text is None:
                if len(self.texts) >= CACHE_LIMIT:
                    self.texts.clear()
                text = self.texts[key] = rs.sentence(
                    name, value, drop, template, rs.bin_bounds(self.bins[j], b)
                )
        except TypeError:  # an unhashable value: render it directly
            text = rs.sentence(name, value, drop, template, rs.bin_bounds(self.bins[j], b))
        return {
            "feature": name,
            "value": value,
            "bin": self.labels[j][b],
            "points": self.points[j][b],
            "points_lost": drop,
            "text": text,
        }


#: Lowest score of each band, ascending, and the band names in the same order.
BAND_FLOORS = np.array(sorted(lower for lower, _ in BANDS), dtype=np.int64)
BAND_NAMES: tuple[str, ...] = tuple(name for _, name in sorted(BANDS))


@dataclass(frozen=True, eq=False)
class Explanations:
    """A frame's explanations as columns, one entry per row (``Scorecard.explain_columns``).

    What ``explain_frame`` gives as one dict per row (about 27 containers each), kept as NumPy
    arrays over the model's tables (``tables``, built once per model): the dicts are built
    only for the rows read (``row``) or for all of them (``to_records``, which is
    ``explain_frame``). ``k`` below is ``reasons.N_REASONS`` (fewer with fewer features).

    - ``score``, ``raw`` (summed points before clipping), ``band`` (index into
      ``BAND_NAMES``): one per row;
    - ``dimensions``: each dimension's 0-100 sub-scores (None for a dimension without
      features);
    - ``bins``: the bin index of every (row, feature); ``codes[j]`` and ``values[j]``: the
      feature's distinct values as plain Python scalars (None for missing) and which one each
      row has;
    - ``reason_feature`` (rows x k: feature position, -1 past the row's ``reason_count``),
      ``reason_bin`` and ``reason_points_lost``: the top reasons, largest loss first;
    - ``plan``: the what-if plan id of each row; rows with one id share the plan, built once
      (``counterfactual``) from the first of them (``plan_rows``).
    """

    tables: Explainer
    score: np.ndarray
    raw: np.ndarray
    band: np.ndarray
    dimensions: dict[str, np.ndarray | None]
    bins: np.ndarray
    codes: list[np.ndarray]
    values: list[list[Any]]
    reason_feature: np.ndarray
    reason_bin: np.ndarray
    reason_points_lost: np.ndarray
    reason_count: np.ndarray
    plan: np.ndarray
    plan_rows: np.ndarray
    _plans: dict[int, list[dict[str, Any]]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.score)

    @property
    def features(self) -> list[str]:
        """Feature names, in the order of ``bins``' columns and of ``reason_feature``."""
        return self.tables.names

    def bands(self) -> np.ndarray:
        """Band name of every row (an object array)."""
        return np.asarray(BAND_NAMES, dtype=object)[self.band]

    def value(self, i: int, j: int) -> Any:
        """Row ``i``'s value of feature ``j`` (position), as a plain Python scalar."""
        return self.values[j][int(self.codes[j][i])]

    def counterfactual(self, plan: int) -> list[dict[str, Any]]:
        """The what-if plan of id ``plan`` (shared: copy before changing it)."""
        out = self._plans.get(plan)
        if out is None:
            i = int(self.plan_rows[plan])
            planner = self.tables.planner
            pattern = tuple(self.bins[i, planner.cols].tolist())
            out = self._plans[plan] = planner.plan(pattern, int(self.raw[i]), int(self.score[i]))
        return out

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i``'s explanation, exactly as ``explain_frame`` gives it."""
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"row {i} is outside the {n} explained rows")
        i %= n
        t = self.tables
        bins = self.bins[i].tolist()
        vals = [vs[int(c[i])] for vs, c in zip(self.values, self.codes, strict=True)]
        score, raw = int(self.score[i]), int(self.raw[i])
        why = self.reason_feature[i, : int(self.reason_count[i])].tolist()
        return {
            "score": score,
            "band": BAND_NAMES[self.band[i]],
            "dimensions": {d: None if v is None else int(v[i]) for d, v in self.dimensions.items()},
            "reasons": [t._reason(j, vals[j], bins[j]) for j in why],
            "counterfactual": list(map(_copy, self.counterfactual(int(self.plan[i])))),
            "points": {
                name: {"value": v, "bin": labels[b], "points": p[b]}
                for name, v, b, labels, p in zip(
                    t.names, vals, bins, t.labels, t.points, strict=True
                )
            },
            "intercept": t.intercept,
            "clip_adjustment": score - raw,
        }

    def to_records(self) -> list[dict[str, Any]]:
        """Every row's explanation (``explain_frame``): built column by column, each reason
        and points entry once per distinct value and copied to its rows, with the cyclic
        garbage collector paused (the dicts hold no cycles)."""
        n = len(self)
        if n == 0:
            return []
        with collector_paused():
            if n <= SMALL:
                return [self.row(i) for i in range(n)]
            return self._records(n)

    def _records(self, n: int) -> list[dict[str, Any]]:
        t = self.tables
        points = self._points()
        reasons = self._reasons()
        distinct = [self.counterfactual(p) for p in range(len(self.plan_rows))]
        plans = [distinct[p] for p in self.plan.tolist()]
        names = BAND_NAMES
        dim_names = list(self.dimensions)
        dim_cols = [[None] * n if v is None else v.tolist() for v in self.dimensions.values()]
        features = t.names
        intercept = t.intercept
        return [
            {
                "score": score,
                "band": names[b],
                "dimensions": dict(zip(dim_names, dims, strict=True)),
                "reasons": why,
                "counterfactual": list(map(_copy, plan)),
                "points": dict(zip(features, map(_copy, row), strict=True)),
                "intercept": intercept,
                "clip_adjustment": clip,
            }
            for score, b, clip, dims, why, plan, row in zip(
                self.score.tolist(),
                self.band.tolist(),
                (self.score - self.raw).tolist(),
                zip(*dim_cols, strict=True),
                reasons,
                plans,
                zip(*points, strict=True),
                strict=True,
            )
        ]

    def _points(self) -> list[list[dict[str, Any]]]:
        """Per feature, each row's ``{"value", "bin", "points"}``: one dict per distinct value,
        shared (each row takes a copy)."""
        t = self.tables
        out = []
        for j, (code, vals) in enumerate(zip(self.codes, self.values, strict=True)):
            at = _first(code, len(vals))
            labels, points = t.labels[j], t.points[j]
            entries = np.empty(len(vals), dtype=object)
            entries[:] = [
                {"value": v, "bin": labels[b], "points": points[b]}
                for v, b in zip(vals, self.bins[at, j].tolist(), strict=True)
            ]
            out.append(entries[code].tolist())
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per explained row: ``score``, ``band`` (categorical), each dimension's
        sub-score (nullable integers), ``reason_1_feature`` .. ``reason_k_feature``,
        ``reason_r_points_lost`` and ``reason_r_text`` (missing past the row's reasons) and
        ``plan`` (the what-if plan id): what a batch export needs, without a dict per row."""
        n, k = self.reason_feature.shape
        out: dict[str, Any] = {
            "score": self.score,
            "band": pd.Categorical.from_codes(self.band, categories=list(BAND_NAMES)),
        }
        for d, v in self.dimensions.items():
            out[d] = pd.array([None] * n if v is None else v, dtype="Int64")
        chosen, table = self._reason_table()
        names = np.array([*self.tables.names, None], dtype=object)
        texts = np.empty(len(table), dtype=object)
        texts[:] = [None if r is None else r["text"] for r in table.tolist()]
        for r in range(k):
            at = self.reason_feature[:, r]
            out[f"reason_{r + 1}_feature"] = names[at]  # -1: the last entry, None
            lost = pd.array(self.reason_points_lost[:, r], dtype="Int64")
            lost[at < 0] = pd.NA
            out[f"reason_{r + 1}_points_lost"] = lost
            out[f"reason_{r + 1}_text"] = texts[chosen[:, r]]
        out["plan"] = self.plan
        return pd.DataFrame(out)

    def _reason_table(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows x k positions into the table, the table): one reason dict per (feature,
        distinct value) the rows use; position -1 (the table's last entry, None) where none."""
        n, k = self.reason_feature.shape
        codes, values = self.codes, self.values
        sizes = [len(v) for v in values]
        starts = np.cumsum([0, *sizes]).astype(np.intp)
        feature = self.reason_feature
        chosen = np.full((n, k), -1, dtype=np.intp)
        for j, code in enumerate(codes):
            at = feature == j
            if at.any():
                chosen[at] = starts[j] + code[np.nonzero(at)[0]]
        used = np.unique(chosen[chosen >= 0])
        table = np.empty(starts[-1] + 1, dtype=object)  # the last entry: no reason (None)
        js = np.searchsorted(starts, used, side="right") - 1
        firsts = [_first(c, s) for c, s in zip(codes, sizes, strict=True)]
        t = self.tables
        table[used] = [
            t._reason(j, values[j][u], int(self.bins[firsts[j][u], j]))
            for j, u in zip(js.tolist(), (used - starts[js]).tolist(), strict=True)
        ]
        return chosen, table

    def _reasons(self) -> list[list[dict[str, Any]]]:
        """Each row's reasons: one dict per (feature, distinct value) used, copied to its rows."""
        n, k = self.reason_feature.shape
        chosen, table = self._reason_table()
        counted = self.reason_count
        out: list[Any] = [None] * n
        for c in range(k + 1):  # rows with c reasons: their c columns, zipped
            at = np.flatnonzero(counted == c)
            if c == 0:
                for i in at.tolist():
                    out[i] = []
                continue
            ranks = [map(_copy, table[chosen[at, r]].tolist()) for r in range(c)]
            for i, why in zip(at.tolist(), zip(*ranks, strict=True), strict=True):
                out[i] = list(why)
        return out


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while acyclic results are built, then restore it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Planner:
    """What would raise a score (``reasons.counterfactual``), planned once per pattern of bins.

    The moves of each (actionable feature, bin) are listed once. For a pattern of actionable
    bins, the plans of one, two and three moves are enumerated in the reference's order and
    sorted by total gain (stably, so among equal totals the reference's first one stays first);
    the plan for a row that needs ``need`` points is then the first total at or above it.
    """

    def __init__(
        self,
        bins: Sequence[FeatureBins],
        actionable: set[str],
        directions: Mapping[str, str],
        units: Mapping[str, str],
    ) -> None:
        self.bins = bins
        self.cols = [j for j, fb in enumerate(bins) if fb.name in actionable]
        self.moves: dict[int, list[list[tuple[int, int]]]] = {}
        self.parts: dict[tuple[int, int], tuple[str, int, Any, str]] = {}
        for j in self.cols:
            fb = bins[j]
            direction = directions.get(fb.name, "learn")
            self.moves[j] = [
                sorted(
                    (int(fb.points[t] - fb.points[b]), t)
                    for t in rs.better_targets(fb, b, direction)
                    if fb.points[t] > fb.points[b]
                )
                for b in range(fb.n_bins)
            ]
            unit = units.get(fb.name, "number")
            for t in range(fb.n_bins - 1):
                text = rs.move_text(fb, t, direction, unit)
                self.parts[j, t] = (fb.name, int(t), fb.example(t), text)
        self.radix = [bins[j].n_bins for j in self.cols]
        self.tables: dict[tuple[int, ...], list[_Plans]] = {}
        self.chosen: dict[tuple[tuple[int, ...], int], list[Move]] = {}

    def plan_ids(self, index: np.ndarray, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(plan id of every row, first row of each plan id): rows with the same actionable
        bins and raw points share a plan."""
        n = len(index)
        if n <= 1:  # one subject: its own plan
            return np.zeros(n, np.intp), np.zeros(n, np.intp)
        cols = self.cols
        low = int(raw.min())
        span = int(raw.max()) - low + 1
        if int(np.prod(self.radix, dtype=np.float64)) * span < 2**62:
            key = np.zeros(n, dtype=np.int64)
            for j, r in zip(cols, self.radix, strict=True):
                key = key * r + index[:, j]
            key = key * span + (raw - low)
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        else:
            keys = np.column_stack([index[:, cols].astype(np.int64), raw.astype(np.int64)])
            _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        return np.asarray(inverse).reshape(-1).astype(np.intp, copy=False), first

    def plan(self, pattern: tuple[int, ...], raw: int, score: int) -> list[dict[str, Any]]:
        """One subject's plan as ``reasons.counterfactual`` gives it."""
        floor = next_band_floor(score)
        if floor is None or score >= SCORE_MAX:
            return []
        need = floor - raw
        chosen = self.chosen.get((pattern, need))
        if chosen is None:
            if len(self.chosen) >= CACHE_LIMIT:
                self.chosen.clear()
            chosen = self.chosen[pattern, need] = self._choose(pattern, need)
        out = []
        total = raw
        for pos, gain, t in chosen:
            name, to_bin, example, text = self.parts[pos, t]
            total += gain
            alone = _clip(raw + gain)
            after = _clip(total)
            out.append(
                {
                    "feature": name,
                    "to_bin": to_bin,
                    "to_example": example,
                    "text": text,
                    "points_gained": gain,
                    "score_if_alone": alone,
                    "band_if_alone": band(alone),
                    "score_after": after,
                    "band_after": band(after),
                }
            )
        return out

    def _options(self, pattern: tuple[int, ...]) -> list[Option]:
        return [
            (j, self.moves[j][b])
            for j, b in zip(self.cols, pattern, strict=True)
            if self.moves[j][b]
        ]

    def _choose(self, pattern: tuple[int, ...], need: int) -> list[Move]:
        tables = self.tables.get(pattern)
        if tables is None:
            if len(self.tables) >= PATTERN_LIMIT:
                self.tables.clear()
            tables = self.tables[pattern] = [
                _Plans(combos) for combos in _combinations(self._options(pattern))
            ]
        for plans in tables:
            chosen = plans.first_reaching(need)
            if chosen is not None:
                return chosen
        return rs._greedy(self._options(pattern), need)


Option = tuple[int, list[tuple[int, int]]]  # (feature position, [(points gained, bin)])


def _combinations(options: list[Option]) -> list[list[tuple[Option, ...]]]:
    """The combinations of 1, 2 and 3 features that ``reasons._exhaustive`` tries, in order."""
    most = min(rs.MAX_EXHAUSTIVE_CHANGES, len(options))
    return [list(itertools.combinations(options, k)) for k in range(1, most + 1)]


class _Plans:
    """Every plan of k moves, in the reference's order, indexed by total gain.

    Plans run through combinations of features in order, then the product of their moves
    (smallest gain first). The distinct totals are kept ascending with the first plan of each
    (a stable sort), so the smallest total that reaches ``need`` is one ``searchsorted``.
    """

    def __init__(self, combos: list[tuple[Option, ...]]) -> None:
        self.combos = combos
        self.shapes = [tuple(len(moves) for _, moves in combo) for combo in combos]
        totals = []
        for combo in combos:
            total = np.zeros((), dtype=np.int64)
            for _, moves in combo:
                total = np.add.outer(total, np.array([g for g, _ in moves], dtype=np.int64))
            totals.append(np.asarray(total).reshape(-1))
        self.starts = np.cumsum([0] + [len(t) for t in totals])
        every = np.concatenate(totals)
        order = np.argsort(every, kind="stable")
        self.totals, first = np.unique(every[order], return_index=True)
        self.position = order[first]

    def first_reaching(self, need: int) -> list[Move] | None:
        at = int(np.searchsorted(self.totals, need, side="left"))
        if at == len(self.totals):
            return None
        pos = int(self.position[at])
        c = int(np.searchsorted(self.starts, pos, side="right")) - 1
        picks = np.unravel_index(pos - int(self.starts[c]), self.shapes[c])
        return [
            (feature, *moves[int(p)])
            for (feature, moves), p in zip(self.combos[c], picks, strict=True)
        ]


def _string_bins(fb: FeatureBins) -> dict[str, int]:
    """Bin of each text category (the first group that lists it, as ``FeatureBins.assign``)."""
    out: dict[str, int] = {}
    if fb.kind != NUMERICAL:
        for b, group in enumerate(fb.categories):
            for c in group:
                if c.__class__ is str:
                    out.setdefault(c, b)
    return out


def _plain_bin(fb: FeatureBins, bin_of: dict[str, int], v: Any) -> int | None:
    """``FeatureBins.assign`` of one plain value as a one-row frame converts it; else None."""
    if v is None:
        return fb.missing_bin
    if fb.kind == NUMERICAL:
        if v.__class__ is int and -(2**53) <= v <= 2**53:
            v = float(v)
        if v.__class__ is not float or math.isinf(v):
            return None
        return fb.missing_bin if v != v else bisect.bisect_right(fb.splits, v)
    if v.__class__ is str:
        return bin_of.get(v, fb.missing_bin)
    return None


def _clip(x: int) -> int:
    return max(SCORE_MIN, min(SCORE_MAX, x))


def _first(code: np.ndarray, size: int) -> np.ndarray:
    """Row of the first occurrence of each of ``size`` codes (codes run 0..size-1)."""
    at = np.zeros(size, dtype=np.intp)
    at[code[::-1]] = np.arange(len(code) - 1, -1, -1, dtype=np.intp)
    return at


def _codes(col: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """(code of each row, the distinct values as plain Python scalars with None for missing).

    Columns whose factorization keeps every value as it is (floats but -0.0, integers,
    strings) are factorized; others, and a few rows, are read value by value.
    """
    n = len(col)
    dtype = col.dtype
    if n > SMALL:
        arr = None
        if dtype == np.float64:
            x = col.to_numpy()
            if not ((x == 0) & np.signbit(x)).any():
                arr = x
        elif dtype == np.int64 or isinstance(dtype, pd.StringDtype):
            arr = col.array
        elif dtype == np.object_ and pd.api.types.infer_dtype(col, skipna=False) == "string":
            arr = col.to_numpy()
        if arr is not None:
            code, uniques = pd.factorize(arr, use_na_sentinel=True)
            distinct = np.asarray(uniques).tolist()
            if dtype == np.object_:  # numpy's str_ is a str too: shown as str, as row by row
                distinct = [v if v.__class__ is str else value_of(v) for v in distinct]
            if (code < 0).any():
                code = np.where(code < 0, len(distinct), code)
                distinct.append(None)
            return code.astype(np.intp, copy=False), distinct
    return np.arange(n, dtype=np.intp), _values(col)


def _values(col: pd.Series) -> list[Any]:
    """A column's values as plain Python scalars, missing as None (``_value`` of each)."""
    if col.dtype == np.float64:
        return [None if x != x else x for x in col.to_numpy().tolist()]
    if col.dtype == np.int64:
        return col.to_numpy().tolist()
    return [v if v.__class__ is str else value_of(v) for v in col.tolist()]


def value_of(v: Any) -> Any:
    """One value as a plain Python scalar; None for every kind of missing."""
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    return v


_explainers: weakref.WeakKeyDictionary[Any, tuple[tuple[Any, ...], Explainer]] = (
    weakref.WeakKeyDictionary()
)
#: Tables by the model's content, for a model loaded afresh per request (its JSON).
_by_content: dict[str, Explainer] = {}
CONTENT_LIMIT = 8
_building = threading.Lock()


def explainer_for(sc: Scorecard) -> Explainer:
    """The scorecard's explanation tables, built on first use and kept while the model is.

    Kept per model object, keyed by what the tables are made of: the fitted bins (by identity;
    the tables keep them alive, so an identity is never reused), the texts, dimensions,
    actionable features and directions (by value) and every bin's points, so a refit or an
    edit rebuilds them. A new object with the same content (a model version loaded again from
    its JSON) finds the tables by a digest of that content.
    """
    key = _fingerprint(sc)
    held = _explainers.get(sc)
    if held is not None and held[0] == key:
        return held[1]
    digest = _content(sc)
    with _building:  # only on a miss: once per model object
        ex = _by_content.get(digest)
        if ex is None:
            ex = Explainer(sc)
            if len(_by_content) >= CONTENT_LIMIT:
                _by_content.pop(next(iter(_by_content)))
            _by_content[digest] = ex
        _explainers[sc] = (key, ex)
    return ex


def _fingerprint(sc: Scorecard) -> tuple[Any, ...]:
    return (
        sc.bins_,
        _sorted(sc.descriptions_),
        _sorted(sc.dimensions_),
        repr(sorted(sc.actionable_)),
        _sorted(getattr(sc, "directions_", None) or {}),
        sc.intercept_points_,
        tuple(fb.points.tobytes() for fb in sc.bins_),
    )


def _sorted(mapping: Mapping[str, Any]) -> str:
    return repr(sorted(mapping.items(), key=lambda kv: kv[0]))


def _content(sc: Scorecard) -> str:
    """SHA-256 of everything the tables are built from."""
    parts = [
        repr(_fingerprint(sc)[1:6]),
        *(
            repr((fb.name, fb.kind, fb.splits, fb.categories))
            + fb.points.tobytes().hex()
            + fb.n_good.tobytes().hex()
            + fb.n_bad.tobytes().hex()
            for fb in sc.bins_
        ),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()
