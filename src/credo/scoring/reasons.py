"""Why a score is not higher (reasons), what would raise it (counterfactual), and sub-scores.

Pure functions over one subject's bins and points; the scorecard class only gathers inputs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from credo.scoring.binning import FeatureBins
from credo.scoring.scaling import SCORE_MAX, next_band_floor

N_REASONS = 4
MAX_EXHAUSTIVE_CHANGES = 3


#: How a value is written in a reason: whole numbers, percentages, money, plain numbers.
UNITS = ("number", "count", "share", "percent", "yuan", "months", "level")
TEMPLATE_KEYS = ("value", "zero", "one", "missing", "unit")


def format_value(
    value: Any, unit: str = "number", bounds: tuple[float | None, float | None] | None = None
) -> str:
    """A feature value as people read it: ``48``, ``2.5``, ``38%``, ``12,000``; never raw floats.

    ``share`` is a fraction shown as a whole percent; ``count``, ``months``, ``level``, ``yuan``
    and ``percent`` are whole numbers; other numbers are rounded to one decimal. With the
    ``bounds`` ``[left, right)`` of the bin the value scores in, a rounded number that would
    read as another bin (0.2948 as "29%" in a bin from 29.47%, where advice says "at most
    29%") is written with one decimal ("29.5%"; a plain number with two or three, 0.418 in
    [0.409, 0.815) as "0.42") or, for whole units, rounded toward its bin ("11 months" for
    11.6 in a bin below 12); never a raw unrounded number.
    """
    text = _format_value(value, unit)
    if bounds is None or not isinstance(value, int | float | np.integer | np.floating):
        return text
    if isinstance(value, bool | np.bool_) or not math.isfinite(float(value)):
        return text
    left, right = bounds

    def inside(shown: str) -> bool:
        x = advised_value(shown.rstrip("%"), "share" if unit == "share" else "number")
        return (left is None or x >= left) and (right is None or x < right)

    if inside(text):
        return text
    x = float(value) * (100 if unit == "share" else 1)
    whole = unit == "share" or unit in WHOLE_UNITS  # written without decimals
    tries: list[tuple[Any, int]] = [(round, 1)] if unit == "share" else []
    # a number written to one decimal: one or two more, rounded, before rounding toward the
    # bin (0.418 in [0.409, 0.815) is "0.42"; "0.5" would misstate it)
    tries += [] if whole else [(round, 2), (round, 3)]
    tries += [(math.floor, 0 if whole else 1), (math.ceil, 0 if whole else 1)]
    tries += [(round, 1), (math.floor, 1), (math.ceil, 1)] if whole else []
    for step, decimals in tries:  # a few decimals at most: no reason shows a raw number
        shown = _digits(int(step(round(x * 10**decimals, 9))), decimals)
        shown += "%" if unit == "share" else ""
        if inside(shown):
            return shown
    return text


def _format_value(value: Any, unit: str = "number") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float | np.integer | np.floating):
        x = float(value)
        if not math.isfinite(x):
            return "no data"
        if unit == "share":
            return f"{round(x * 100):,}%"
        if unit in ("count", "months", "level", "yuan", "percent") or x.is_integer():
            return f"{round(x):,}"
        return f"{round(x, 1):,.1f}".rstrip("0").rstrip(".")
    return str(value)


def _templates(template: str | Mapping[str, str] | None) -> dict[str, str]:
    if template is None:
        return {}
    if isinstance(template, str):
        return {"value": template}
    return dict(template)


def _is_zero(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and float(value) == 0


def _is_one(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and float(value) == 1


def sentence(
    feature: str,
    value: Any,
    points_lost: int,
    template: str | Mapping[str, str] | None,
    bounds: tuple[float | None, float | None] | None = None,
) -> str:
    """One reason as a sentence, from the feature's templates or a generic fallback.

    ``template`` is a ``{value}`` string, or a mapping with a template per kind of value:
    ``value`` (any value), ``zero`` (the value 0), ``one`` (the value 1, for the singular),
    ``missing`` (no data on the feature, e.g.
    "No card on record") and the ``unit`` the value is written in (see ``format_value``).
    ``bounds`` are those of the bin the value scores in (numerical features): the number
    written is then one that scores in that bin too.
    """
    t = _templates(template)
    readable = feature.replace("_", " ")
    readable = readable[:1].upper() + readable[1:]
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    if missing:
        text = t.get("missing") or f"No {feature.replace('_', ' ')} on record"
        return text.format(feature=feature, points_lost=points_lost)
    shown = format_value(value, t.get("unit", "number"), bounds)
    chosen = t.get("value")
    if _is_zero(value) and t.get("zero"):
        chosen = t["zero"]
    elif _is_one(value) and t.get("one"):
        chosen = t["one"]
    if chosen:
        return chosen.format(value=shown, feature=feature, points_lost=points_lost)
    points = "point" if points_lost == 1 else "points"
    return f"{readable} is {shown}, which scores {points_lost} {points} below its best value."


def check_template(feature: str, template: str | Mapping[str, str]) -> None:
    """Refuse a description that does not format with ``{value}`` and friends."""
    from credo.scoring.validation import ScoringInputError

    t = _templates(template)
    unknown = [k for k in t if k not in TEMPLATE_KEYS]
    if unknown:
        raise ScoringInputError(
            f"description for {feature!r} has unknown key {unknown[0]!r}; "
            f"use {', '.join(TEMPLATE_KEYS)}"
        )
    if t.get("unit", "number") not in UNITS:
        raise ScoringInputError(
            f"description for {feature!r}: unknown unit {t['unit']!r}; use {', '.join(UNITS)}"
        )
    for key, text in t.items():
        if key == "unit":
            continue
        try:
            text.format(value="1", feature=feature, points_lost=1)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            raise ScoringInputError(
                f"description for {feature!r} is not a valid template ({exc!r}): {text!r}; "
                "use {value}, {feature} or {points_lost}"
            ) from exc


def best_regular(fb: FeatureBins) -> int:
    """The most points a value on record can earn on ``fb``: its best regular bin (the best
    bin of all for a feature with no regular bins)."""
    regular = fb.points[:-1]
    return int(regular.max() if len(regular) else fb.points.max())


def points_lost(fb: FeatureBins) -> np.ndarray:
    """Points a subject in each bin of ``fb`` loses, as reasons count them.

    A value on record (a regular bin) is measured against the best regular bin: where having
    no data (the missing bin) scores higher still, a subject at the best value has nothing
    to change and is not told otherwise. A subject with no data is measured against the best
    bin of all, the missing one included. Both are ``max(best_regular - points, 0)``: a
    missing bin above every regular bin loses nothing, any other bin loses
    ``best_regular - points``. The compiled reasons (``batch.compile``) use the same formula.
    """
    return np.maximum(best_regular(fb) - fb.points.astype(np.int64), 0)


def top_reasons(
    bins: Sequence[FeatureBins],
    values: Sequence[Any],
    bin_index: Sequence[int],
    descriptions: Mapping[str, Any],
    n: int = N_REASONS,
) -> list[dict[str, Any]]:
    """The ``n`` features where the subject lost most points (``points_lost``).

    Ordered by points lost (largest first, ties in feature order); features where nothing was
    lost are not reasons.
    """
    rows = []
    for order, (fb, value, b) in enumerate(zip(bins, values, bin_index, strict=True)):
        lost = int(points_lost(fb)[b])
        if lost > 0:
            rows.append((-lost, order, fb, value, b, lost))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [
        {
            "feature": fb.name,
            "value": value,
            "bin": fb.label(b),
            "points": int(fb.points[b]),
            "points_lost": lost,
            "text": sentence(fb.name, value, lost, descriptions.get(fb.name), bin_bounds(fb, b)),
        }
        for _, _, fb, value, b, lost in rows[:n]
    ]


def bin_bounds(fb: FeatureBins, b: int) -> tuple[float | None, float | None] | None:
    """The ``[left, right)`` of a numerical feature's regular bin ``b``; None otherwise."""
    return fb.bounds(b) if fb.kind == "numerical" and b != fb.missing_bin else None


def better_targets(fb: FeatureBins, current: int, direction: str) -> list[int]:
    """Bins a subject can reach by moving ``fb`` in its better direction (never the missing bin).

    ``higher_is_better``: bins above the current one; ``lower_is_better``: bins below it;
    ``learn``: any other bin. From the missing bin (no data yet) any regular bin is reachable.
    Only bins seen in training count.
    """
    seen = (fb.n_good + fb.n_bad) > 0
    regular = range(fb.n_bins - 1)
    if current == fb.missing_bin or direction == "learn":
        candidates = [t for t in regular if t != current]
    elif direction == "higher_is_better":
        candidates = [t for t in regular if t > current]
    else:
        candidates = [t for t in regular if t < current]
    return [t for t in candidates if seen[t]]


#: Units whose values are whole numbers (``format_value``); ``share`` is a whole percent.
WHOLE_UNITS = ("count", "months", "level", "yuan", "percent")
#: Decimals past a unit's own that advice may use to name a value inside a narrow bin.
EXTRA_DECIMALS = 3


def _digits(k: int, decimals: int) -> str:
    """``k / 10**decimals`` written with thousands separators and no trailing zeros."""
    sign = "-" if k < 0 else ""
    whole, frac = divmod(abs(k), 10**decimals)
    text = f"{sign}{whole:,}"
    if decimals:
        tail = str(frac).rjust(decimals, "0").rstrip("0")
        if tail:
            text += "." + tail
    return text


def advised_value(text: str, unit: str) -> float:
    """The feature value a number written in advice stands for (``"19"`` as a share: 0.19)."""
    x = float(text.replace(",", ""))
    return x / 100 if unit == "share" else x


def _shown_in_bin(
    left: float | None, right: float | None, unit: str, decimals: int
) -> tuple[str | None, str | None] | None:
    """(smallest, largest) number written with ``decimals`` decimals (in percent for a share)
    whose value lies in ``[left, right)``; None where no such number exists. Each is checked
    by reading it back (``advised_value``) against the bounds the scorecard compares with."""
    scale = (100 if unit == "share" else 1) * 10**decimals

    def value(k: int) -> float:
        return advised_value(_digits(k, decimals), unit)

    def largest_below(edge: float) -> int | None:
        k = math.ceil(round(edge * scale, 9)) - 1  # off by one step at most: check, then step
        for step in (0, -1, 1, -2, 2):
            if value(k + step) < edge <= value(k + step + 1):
                return k + step
        return None  # numbers too large for a float to tell one step apart

    def smallest_from(edge: float) -> int | None:
        k = math.ceil(edge * scale)
        for step in (0, 1, -1, 2, -2):
            if value(k + step - 1) < edge <= value(k + step):
                return k + step
        return None

    lo = hi = None
    if right is not None:
        hi = largest_below(right)
        if hi is None:
            return None
    if left is not None:
        lo = smallest_from(left)
        if lo is None:
            return None
    if lo is not None and hi is not None and lo > hi:
        return None
    return (
        None if lo is None else _digits(lo, decimals),
        None if hi is None else _digits(hi, decimals),
    )


def move_text(fb: FeatureBins, target: int, direction: str, unit: str) -> str:
    """What the subject would change, in words: ``card utilisation at most 27%``.

    Every number named lands in the target bin: bins are ``[left, right)``, so "at most" names
    the largest number written in the unit's precision that is below the right edge (an edge
    at 19.52% gives "at most 19%", never the rounded "20%") and "at least" the smallest one
    at or above the left edge. Where the bin holds no number of that precision, decimals are
    added (up to ``EXTRA_DECIMALS``); past that the bin is named by its edges.
    """
    readable = fb.name.replace("_", " ")
    if fb.kind != "numerical":
        return f"{readable}: {fb.label(target)}"
    left, right = fb.bounds(target)
    base = 0 if unit in WHOLE_UNITS or unit == "share" else 1
    shown = None
    for decimals in range(base, base + EXTRA_DECIMALS + 1):
        shown = _shown_in_bin(left, right, unit, decimals)
        if shown is not None:
            break
    if shown is None:
        return f"{readable} in {fb.label(target)}"
    suffix = "%" if unit in ("share", "percent") else ""
    lo, hi = (None if v is None else v + suffix for v in shown)

    if direction == "lower_is_better" and hi is not None:
        return f"no {readable}" if hi == "0" and unit == "count" else f"{readable} at most {hi}"
    if direction == "higher_is_better" and lo is not None:
        return f"{readable} at least {lo}"
    if lo is not None and hi is not None:
        return f"{readable} of {lo}" if lo == hi else f"{readable} from {lo} to {hi}"
    if hi is not None:
        return f"{readable} at most {hi}"
    if lo is not None:
        return f"{readable} at least {lo}"
    return readable


def counterfactual(
    bins: Sequence[FeatureBins],
    bin_index: Sequence[int],
    raw_points: int,
    score: int,
    actionable: set[str],
    directions: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Fewest, smallest moves of actionable features, in their better direction, to the next band.

    Tries every combination of up to three features (fewest features first, then the smallest
    total gain that is enough); past that, takes the biggest gains greedily. Each move names
    the points it gives and the score and band it alone would reach; the last one carries the
    band the whole plan reaches. Empty when already excellent or impossible.
    """
    from credo.scoring.scaling import SCORE_MIN, band

    floor = next_band_floor(score)
    if floor is None or score >= SCORE_MAX:
        return []
    directions = directions or {}
    units = units or {}
    need = floor - raw_points
    options: list[tuple[int, list[tuple[int, int]]]] = []  # (feature position, [(gain, bin)])
    for pos, (fb, b) in enumerate(zip(bins, bin_index, strict=True)):
        if fb.name not in actionable:
            continue
        direction = directions.get(fb.name, "learn")
        moves = sorted(
            (int(fb.points[t] - fb.points[b]), t)
            for t in better_targets(fb, int(b), direction)
            if fb.points[t] > fb.points[b]
        )
        if moves:
            options.append((pos, moves))
    chosen = _exhaustive(options, need) or _greedy(options, need)

    def clip(x: int) -> int:
        return max(SCORE_MIN, min(SCORE_MAX, x))

    out = []
    total = raw_points
    for pos, gain, t in chosen:
        fb = bins[pos]
        direction = directions.get(fb.name, "learn")
        total += gain
        alone = clip(raw_points + gain)
        out.append(
            {
                "feature": fb.name,
                "to_bin": int(t),
                "to_example": fb.example(t),
                "text": move_text(fb, t, direction, units.get(fb.name, "number")),
                "points_gained": gain,
                "score_if_alone": alone,
                "band_if_alone": band(alone),
                "score_after": clip(total),
                "band_after": band(clip(total)),
            }
        )
    return out


def _exhaustive(
    options: list[tuple[int, list[tuple[int, int]]]], need: int
) -> list[tuple[int, int, int]]:
    for k in range(1, min(MAX_EXHAUSTIVE_CHANGES, len(options)) + 1):
        best: tuple[int, list[tuple[int, int, int]]] | None = None
        for combo in itertools.combinations(options, k):
            if sum(moves[-1][0] for _, moves in combo) < need:
                continue
            for pick in itertools.product(*(moves for _, moves in combo)):
                total = sum(g for g, _ in pick)
                if total >= need and (best is None or total < best[0]):
                    best = (
                        total,
                        [(pos, g, t) for (pos, _), (g, t) in zip(combo, pick, strict=True)],
                    )
        if best is not None:
            return best[1]
    return []


def _greedy(
    options: list[tuple[int, list[tuple[int, int]]]], need: int
) -> list[tuple[int, int, int]]:
    ranked = sorted(options, key=lambda o: -o[1][-1][0])
    picked: list[tuple[int, list[tuple[int, int]]]] = []
    total = 0
    for opt in ranked:
        if total >= need:
            break
        picked.append(opt)
        total += opt[1][-1][0]
    if total < need:
        return []
    out = []
    for pos, moves in picked:  # shrink each move to the smallest one that still suffices
        spare = total - moves[-1][0]
        g, t = next((g, t) for g, t in moves if spare + g >= need)
        total = spare + g
        out.append((pos, g, t))
    return out


def dimension_scores(
    points: np.ndarray, bins: Sequence[FeatureBins], dims: Mapping[str, str], names: Sequence[str]
) -> dict[str, np.ndarray | None]:
    """0–100 sub-score per dimension for each row of ``points`` (rows x features).

    ``(earned - lowest possible) / (highest possible - lowest possible) * 100``, rounded, over the
    dimension's features; None for a dimension with no features, 100 where its features cannot
    separate subjects (every bin worth the same).
    """
    out: dict[str, np.ndarray | None] = {}
    for dim in names:
        cols = [j for j, fb in enumerate(bins) if dims[fb.name] == dim]
        if not cols:
            out[dim] = None
            continue
        lo = sum(int(bins[j].points.min()) for j in cols)
        hi = sum(int(bins[j].points.max()) for j in cols)
        earned = points[:, cols].sum(axis=1)
        if hi == lo:
            out[dim] = np.full(len(points), 100, dtype=np.int64)
        else:
            out[dim] = np.rint((earned - lo) / (hi - lo) * 100).astype(np.int64)
    return out
