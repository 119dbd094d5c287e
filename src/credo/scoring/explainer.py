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
import hashlib
import itertools
import math
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from credo.scoring import reasons as rs
from credo.scoring.binning import FeatureBins
from credo.scoring.scaling import SCORE_MAX, SCORE_MIN, band, clip_scores, next_band_floor
from credo.scoring.validation import DIMENSIONS, NUMERICAL, numeric_values

if TYPE_CHECKING:
    from credo.scoring.scorecard import Scorecard

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
        self.best = np.array([int(fb.points.max()) for fb in bins], dtype=np.int64)
        self.labels = [[fb.label(b) for b in range(fb.n_bins)] for fb in bins]
        self.points = [[int(p) for p in fb.points] for fb in bins]
        self.lost = [[int(fb.points.max() - p) for p in fb.points] for fb in bins]
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

    # ---- a few rows: plain Python over the same tables --------------------------------------

    def explain_few(self, cols: Sequence[pd.Series]) -> list[dict[str, Any]]:
        """``explain`` for a frame of up to ``SMALL`` rows, row by row without NumPy."""
        values, index = zip(
            *(
                self._read(fb, j, col)
                for j, (fb, col) in enumerate(zip(self.bins, cols, strict=True))
            ),
            strict=True,
        )
        out = []
        for vals, bins in zip(zip(*values, strict=True), zip(*index, strict=True), strict=True):
            points = [p[b] for p, b in zip(self.points, bins, strict=True)]
            raw = self.intercept + sum(points)
            score = _clip(raw)
            lost = [lo[b] for lo, b in zip(self.lost, bins, strict=True)]
            ranked = sorted((j for j in range(len(bins)) if lost[j] > 0), key=lambda j: -lost[j])
            pattern = tuple(bins[j] for j in self.planner.cols)
            out.append(
                {
                    "score": score,
                    "band": band(score),
                    "dimensions": {
                        dim: _sub_score(sum(points[j] for j in js), lo, hi) if js else None
                        for dim, js, lo, hi in self.by_dimension
                    },
                    "reasons": [self._reason(j, vals[j], bins[j]) for j in ranked[: rs.N_REASONS]],
                    "counterfactual": self.planner.plan(pattern, raw, score),
                    "points": {
                        name: {"value": v, "bin": labels[b], "points": p[b]}
                        for name, v, b, labels, p in zip(
                            self.names, vals, bins, self.labels, self.points, strict=True
                        )
                    },
                    "intercept": self.intercept,
                    "clip_adjustment": score - raw,
                }
            )
        return out

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

    # ---- one frame -----------------------------------------------------------------------

    def explain(self, cols: Sequence[pd.Series], index: np.ndarray) -> list[dict[str, Any]]:
        """Every row's explanation (``Scorecard.explain_frame``): its columns and bin indices."""
        n = len(index)
        pts = self.flat_points[index + self.offsets[:-1]]
        raw = self.intercept + pts.sum(axis=1)
        scores = clip_scores(raw)
        subs = rs.dimension_scores(pts, self.bins, self.dimensions, DIMENSIONS)
        codes, values = zip(*(_codes(col) for col in cols), strict=True)
        points = self._points(index, codes, values)
        reasons = self._reasons(index, pts, codes, values)
        plans = self.planner.plans(index, raw, scores)
        score_list = scores.tolist()
        band_of = {s: band(s) for s in set(score_list)}
        dim_names = list(subs)
        dim_cols = [[None] * n if v is None else v.tolist() for v in subs.values()]
        names = self.names
        intercept = self.intercept
        return [
            {
                "score": score,
                "band": band_of[score],
                "dimensions": dict(zip(dim_names, dims, strict=True)),
                "reasons": why,
                "counterfactual": list(map(_copy, plan)),
                "points": dict(zip(names, map(_copy, row), strict=True)),
                "intercept": intercept,
                "clip_adjustment": clip,
            }
            for score, clip, dims, why, plan, row in zip(
                score_list,
                (scores - raw).tolist(),
                zip(*dim_cols, strict=True),
                reasons,
                plans,
                zip(*points, strict=True),
                strict=True,
            )
        ]

    def _points(
        self, index: np.ndarray, codes: Sequence[np.ndarray], values: Sequence[list[Any]]
    ) -> list[list[dict[str, Any]]]:
        """Per feature, each row's ``{"value", "bin", "points"}``: one dict per distinct value,
        shared (each row takes a copy)."""
        out = []
        for j, (code, vals) in enumerate(zip(codes, values, strict=True)):
            at = _first(code, len(vals))
            labels, points = self.labels[j], self.points[j]
            entries = np.empty(len(vals), dtype=object)
            entries[:] = [
                {"value": v, "bin": labels[b], "points": points[b]}
                for v, b in zip(vals, index[at, j].tolist(), strict=True)
            ]
            out.append(entries[code].tolist())
        return out

    def _reasons(
        self,
        index: np.ndarray,
        pts: np.ndarray,
        codes: Sequence[np.ndarray],
        values: Sequence[list[Any]],
    ) -> list[list[dict[str, Any]]]:
        """Top reasons of every row: largest points lost first, ties in feature order."""
        n, m = index.shape
        lost = self.best[None, :] - pts
        k = min(rs.N_REASONS, m)
        order = np.argsort(-lost, axis=1, kind="stable")[:, :k]
        counted = np.minimum((lost > 0).sum(axis=1), k)
        rows = np.arange(n)
        # each reason is one dict per (feature, distinct value), built for those used
        sizes = [len(v) for v in values]
        starts = np.cumsum([0, *sizes]).astype(np.intp)
        code_at = np.column_stack(codes) + starts[:-1] if m else np.zeros((n, 0), np.intp)
        chosen = code_at[rows[:, None], order]
        chosen[np.arange(k)[None, :] >= counted[:, None]] = -1
        used = np.unique(chosen[chosen >= 0])
        table = np.empty(starts[-1] + 1, dtype=object)  # the last entry: no reason (None)
        js = np.searchsorted(starts, used, side="right") - 1
        firsts = [_first(c, s) for c, s in zip(codes, sizes, strict=True)]
        table[used] = [
            self._reason(j, values[j][u], int(index[firsts[j][u], j]))
            for j, u in zip(js.tolist(), (used - starts[js]).tolist(), strict=True)
        ]
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

    def _reason(self, j: int, value: Any, b: int) -> dict[str, Any]:
        name, drop, template = self.names[j], self.lost[j][b], self.templates[j]
        try:
            key = (j, b, type(value), value)
            text = self.texts.get(key)
            if text is None:
                if len(self.texts) >= CACHE_LIMIT:
                    self.texts.clear()
                text = self.texts[key] = rs.sentence(name, value, drop, template)
        except TypeError:  # an unhashable value: render it directly
            text = rs.sentence(name, value, drop, template)
        return {
            "feature": name,
            "value": value,
            "bin": self.labels[j][b],
            "points": self.points[j][b],
            "points_lost": drop,
            "text": text,
        }


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

    def plans(
        self, index: np.ndarray, raw: np.ndarray, scores: np.ndarray
    ) -> list[list[dict[str, Any]]]:
        """The plan of every row (shared between rows with the same bins and points: copy)."""
        cols = self.cols
        span = int(raw.max() - raw.min()) + 1
        if int(np.prod(self.radix, dtype=np.float64)) * span < 2**62:
            key = np.zeros(len(index), dtype=np.int64)
            for j, r in zip(cols, self.radix, strict=True):
                key = key * r + index[:, j]
            key = key * span + (raw - raw.min())
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        else:
            keys = np.column_stack([index[:, cols].astype(np.int64), raw.astype(np.int64)])
            _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        distinct = [
            self.plan(tuple(index[i, cols].tolist()), int(raw[i]), int(scores[i]))
            for i in first.tolist()
        ]
        return [distinct[u] for u in np.asarray(inverse).reshape(-1).tolist()]

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


def _sub_score(earned: int, lo: int, hi: int) -> int:
    """One dimension's 0-100 sub-score, as ``reasons.dimension_scores`` rounds it."""
    return 100 if hi == lo else round((earned - lo) / (hi - lo) * 100)


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
