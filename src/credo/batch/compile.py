"""A fitted scorecard compiled to Ibis CASE expressions: points, score, band, sub-scores, reasons.

Everything runs inside the engine (no Python UDF) and gives exactly what ``Scorecard`` gives
in Python: numerical bins are right-open ``[left, right)`` with a missing bin for NULL, and a
categorical value outside every group falls in the missing bin. Sub-scores use integer
arithmetic with round-half-even (NumPy's ``rint``), and reasons are the features with most
points lost (``scoring.reasons.points_lost``), ties in feature order, as ``scoring.reasons``
does: each feature gets a unique integer key (loss, then position), the keys are sorted once
per row, and the top four keys name the reasons (linear in the features, where comparing
every feature with every other was quadratic).
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from credo.scoring import BANDS, DIMENSIONS, SCORE_MAX, SCORE_MIN, Scorecard, bin_table
from credo.scoring.reasons import N_REASONS


def _int(value: int) -> ir.IntegerScalar:
    return ibis.literal(int(value), "int64")


def feature_points(feature: dict[str, Any], column: ir.Column) -> ir.IntegerValue:
    """Points of one feature's bin for each value, as one CASE expression."""
    bins = feature["bins"]
    regular = [b for b in bins if not b["missing"]]
    missing = bins[-1]["points"]
    if feature["kind"] == "numerical":
        pairs = [(column.isnull(), _int(missing))]
        pairs += [(column < float(b["right"]), _int(b["points"])) for b in regular[:-1]]
        return ibis.cases(*pairs, else_=_int(regular[-1]["points"]))
    pairs = [(column.isin(list(b["categories"])), _int(b["points"])) for b in regular]
    if not pairs:
        return _int(missing)
    return ibis.cases(*pairs, else_=_int(missing))


def _round_half_even(num: ir.IntegerValue, den: int) -> ir.IntegerValue:
    """``rint(num / den)`` for num >= 0 and den > 0, in integers."""
    q = (num / den).floor().cast("int64")
    r = num - q * den
    up = (r * 2 > den) | ((r * 2 == den) & (q % 2 == 1))
    return q + up.cast("int64")


def band_expr(score: ir.IntegerValue) -> ir.StringValue:
    """The band name of a 350–950 score."""
    pairs = [(score >= lower, ibis.literal(name)) for lower, name in BANDS[:-1]]
    return ibis.cases(*pairs, else_=ibis.literal(BANDS[-1][1]))


def _barrier() -> ir.FloatingValue:
    """A column that stops Ibis (and Spark's optimiser) from inlining one stage into the next.

    Ibis merges stacked projections, which would copy every CASE into each expression that
    uses its result (the reason ranking uses each feature's points many times). A
    non-deterministic column blocks that on every engine, costs one random number per row
    and is dropped at the end.
    """
    return ibis.random()


def score_expr(table: ir.Table, scorecard: Scorecard, *, keep: tuple[str, ...] = ()) -> ir.Table:
    """Score every row of a feature table inside the engine.

    Returns ``subject_id``, ``score``, ``band``, the five dimension sub-scores (NULL for a
    dimension without features), ``reason_1..4`` (feature names, NULL when fewer) and
    ``lost_1..4`` (points lost), plus the columns named in ``keep``.
    """
    spec = bin_table(scorecard)
    feats = spec["features"]
    names = [f["name"] for f in feats]
    n = len(names)
    best = {f["name"]: max(b["points"] for b in f["bins"]) for f in feats}
    # reasons measure a value on record against the best regular bin and no data against the
    # best bin of all: ``greatest(best regular - points, 0)`` (``reasons.points_lost``), the
    # ``greatest`` only where the missing bin outscores every regular bin
    regular = {f["name"]: [b["points"] for b in f["bins"] if not b["missing"]] for f in feats}
    best_regular = {name: max(pts) if pts else best[name] for name, pts in regular.items()}

    def lost(name: str, points: ir.IntegerValue) -> ir.IntegerValue:
        drop = _int(best_regular[name]) - points
        return ibis.greatest(drop, _int(0)) if best[name] > best_regular[name] else drop

    worst = {f["name"]: min(b["points"] for b in f["bins"]) for f in feats}
    carry = ("subject_id", *keep)

    # stage 1: each feature's points (one CASE each)
    s1 = table.select(
        *carry,
        _b1=_barrier(),
        **{f"p_{f['name']}": feature_points(f, table[f["name"]]) for f in feats},
    )
    p = {name: s1[f"p_{name}"] for name in names}

    # stage 2: score, band, sub-scores, and a unique sort key per feature for the reasons:
    # key = points lost * n + (n - 1 - position), so larger keys are bigger losses, ties first
    raw = _int(spec["intercept_points"])
    for name in names:
        raw = raw + p[name]
    score = ibis.least(ibis.greatest(raw, _int(SCORE_MIN)), _int(SCORE_MAX)).cast("int64")
    out: dict[str, ir.Value] = {"score": score}
    for dim in DIMENSIONS:
        cols = [f["name"] for f in feats if f["dimension"] == dim]
        lo = sum(worst[c] for c in cols)
        hi = sum(best[c] for c in cols)
        if not cols:
            out[dim] = ibis.null("int64")
        elif hi == lo:
            out[dim] = _int(100)
        else:
            earned = p[cols[0]]
            for c in cols[1:]:
                earned = earned + p[c]
            out[dim] = _round_half_even((earned - lo) * 100, hi - lo)
    keys = {name: lost(name, p[name]) * n + (n - 1 - j) for j, name in enumerate(names)}
    s2 = s1.select(*carry, **out, _b2=_barrier(), **{f"k_{name}": keys[name] for name in names})
    k = {name: s2[f"k_{name}"] for name in names}

    # stage 3: the keys sorted, largest first: one sort of n unique keys per row (the
    # engine's list_sort / array_sort), so the cost grows with n log n, not n squared
    dims = tuple(DIMENSIONS)
    keys_sorted = ibis.array([k[name] for name in names]).sort()
    s3 = s2.select(*carry, "score", *dims, _b3=_barrier(), _keys=keys_sorted)

    # stage 4: band and the top reasons (features with points lost, largest first); a key
    # names its feature by its remainder and its loss by its quotient
    final: dict[str, ir.Value] = {"band": band_expr(s3.score)}
    by_remainder = ibis.literal(names[::-1], type="array<string>")  # key % n -> feature
    for r in range(N_REASONS):
        if r >= n:
            final[f"reason_{r + 1}"] = ibis.null("string")
            final[f"lost_{r + 1}"] = ibis.null("int64")
            continue
        key = s3._keys[n - 1 - r]
        lost = key >= n
        final[f"reason_{r + 1}"] = ibis.cases(
            (lost, by_remainder[(key % n).cast("int32")]), else_=ibis.null("string")
        )
        final[f"lost_{r + 1}"] = ibis.cases(
            (lost, (key / n).floor().cast("int64")), else_=ibis.null("int64")
        )
    return s3.select(*carry, "score", *dims, **final)


def score_only_expr(table: ir.Table, scorecard: Scorecard) -> ir.Table:
    """``subject_id`` and ``score`` alone: the points summed and clipped, nothing else."""
    spec = bin_table(scorecard)
    raw = _int(spec["intercept_points"])
    for f in spec["features"]:
        raw = raw + feature_points(f, table[f["name"]])
    score = ibis.least(ibis.greatest(raw, _int(SCORE_MIN)), _int(SCORE_MAX)).cast("int64")
    return table.select("subject_id", score=score)
