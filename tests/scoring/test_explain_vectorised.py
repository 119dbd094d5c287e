"""explain_frame (vectorised over bin indices) gives exactly what the per-row loop gave."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest

from credo.scoring import Scorecard
from credo.scoring import reasons as rs
from credo.scoring.scaling import band, clip_scores
from credo.scoring.scorecard import _value, what_would_raise
from credo.scoring.validation import DIMENSIONS, as_frame
from tests.scoring import test_reasons_render


@pytest.fixture(scope="module")
def registry_card() -> Scorecard:
    """The registry-shaped scorecard of the reason-rendering tests (issue 15)."""
    return test_reasons_render.registry_card.__wrapped__()  # type: ignore[attr-defined]


def reference_explain_frame(sc: Scorecard, X: Any) -> list[dict[str, Any]]:
    """The per-row explain_frame as it was before it was vectorised (issue 21)."""
    frame, _ = as_frame(X, fitting=False)
    index = sc.bin_index(X)
    pts = sc._points(index)
    raw = sc.intercept_points_ + pts.sum(axis=1)
    scores = clip_scores(raw)
    subs = rs.dimension_scores(pts, sc.bins_, sc.dimensions_, DIMENSIONS)
    actionable = set(sc.actionable_)
    units = {
        name: t.get("unit", "number")
        for name, t in sc.descriptions_.items()
        if isinstance(t, Mapping)
    }
    out = []
    for i in range(len(frame)):
        values = [_value(frame.iat[i, j]) for j in range(len(sc.bins_))]
        score = int(scores[i])
        out.append(
            {
                "score": score,
                "band": band(score),
                "dimensions": {d: (None if v is None else int(v[i])) for d, v in subs.items()},
                "reasons": rs.top_reasons(sc.bins_, values, index[i], sc.descriptions_),
                "counterfactual": rs.counterfactual(
                    sc.bins_,
                    index[i],
                    int(raw[i]),
                    score,
                    actionable,
                    getattr(sc, "directions_", None),
                    units,
                ),
                "points": {
                    fb.name: {"value": v, "bin": fb.label(b), "points": int(p)}
                    for fb, v, b, p in zip(sc.bins_, values, index[i], pts[i], strict=True)
                },
                "intercept": sc.intercept_points_,
                "clip_adjustment": score - int(raw[i]),
            }
        )
    return out


def _typed(explained: list[dict[str, Any]]) -> list[Any]:
    """The output with the type of every leaf, so 1 and 1.0 and True are told apart."""

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return (type(x).__name__, x)

    return walk(explained)


def _random_rows(sc: Scorecard, source: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """Rows drawn column by column from ``source`` and from bin examples, with missing values."""
    rng = np.random.default_rng(seed)
    cols = {}
    for fb in sc.bins_:
        col = source[fb.name]
        drawn = col.iloc[rng.integers(0, len(col), n)].reset_index(drop=True)
        examples = pd.Series([fb.example(int(b)) for b in rng.integers(0, fb.n_bins, n)])
        pick = rng.random(n) < 0.3
        merged = drawn.astype(object).where(~pick, examples.astype(object))
        merged = merged.where(rng.random(n) >= 0.1, None)  # missing values
        if pd.api.types.is_numeric_dtype(col):
            merged = pd.to_numeric(merged, errors="coerce").astype("float64")
        cols[fb.name] = merged
    return pd.DataFrame(cols)


def test_vectorised_explain_frame_is_identical_on_the_german_card(fitted, split) -> None:
    X = _random_rows(fitted, split["X_train"], 3000, seed=21)
    assert X.isna().any().all()  # every feature has missing values
    new = fitted.explain_frame(X)
    old = reference_explain_frame(fitted, X)
    assert len(new) == 3000
    assert _typed(new) == _typed(old)
    assert sum(bool(e["counterfactual"]) for e in new) > 100
    assert sum(len(e["reasons"]) == 4 for e in new) > 1000


def test_vectorised_explain_frame_is_identical_on_the_registry_card(registry_card) -> None:
    sc = registry_card
    rng = np.random.default_rng(4)
    n = 4000
    X = pd.DataFrame(
        {
            fb.name: np.where(
                rng.random(n) < 0.15,
                np.nan,
                [
                    float(fb.example(int(b)) or 0) + rng.random()
                    for b in rng.integers(0, fb.n_bins - 1, n)
                ],
            )
            for fb in sc.bins_
        }
    )
    X.iloc[::7] = np.rint(X.iloc[::7])  # whole numbers, zero and one for those templates
    new = sc.explain_frame(X)
    old = reference_explain_frame(sc, X)
    assert _typed(new) == _typed(old)
    assert any(e["counterfactual"] for e in new)
    texts = {r["text"] for e in new for r in e["reasons"]}
    assert len(texts) > 50  # sentences carry the value, not just the bin


def test_one_row_explain_and_what_would_raise_agree_with_the_reference(fitted, split) -> None:
    X = split["X_test"].head(40)
    for i in range(len(X)):
        row = X.iloc[[i]]
        assert _typed([fitted.explain(row)]) == _typed(reference_explain_frame(fitted, row))
        values = {k: _value(v) for k, v in X.iloc[i].items()}
        expected = reference_explain_frame(fitted, row)[0]["counterfactual"]
        assert what_would_raise(fitted, values) == expected


def test_rows_sharing_a_plan_get_their_own_copies(fitted, split) -> None:
    X = pd.concat([split["X_test"].head(1)] * 3, ignore_index=True)
    a, b, _ = fitted.explain_frame(X)
    assert a["counterfactual"] == b["counterfactual"]
    if a["counterfactual"]:
        a["counterfactual"][0]["points_gained"] = -1
        assert b["counterfactual"][0]["points_gained"] != -1


def test_empty_frame_explains_to_nothing(fitted, split) -> None:
    assert fitted.explain_frame(split["X_test"].head(0)) == []


# ---- drawn rows: every bin, split edges, ties, missing and unseen values (issue 21) ---------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from credo.scoring.explainer import SMALL, explainer_for  # noqa: E402


def _cell(fb: Any) -> st.SearchStrategy[Any]:
    """A value for one feature: an example of any bin, a split edge and its neighbours, missing."""
    examples = [fb.example(b) for b in range(fb.n_bins)]
    if fb.kind == "numerical":
        edges = [x for s in fb.splits for x in (s, np.nextafter(s, -np.inf), s + 0.5)]
        return st.one_of(
            st.sampled_from(examples),
            st.sampled_from(edges or [0.0]),
            st.sampled_from([-0.0, 0.0, -1e9, 1e9, None]),
            st.floats(-1e4, 1e5, allow_infinity=False),
            st.just(float("nan")),
        )
    return st.one_of(st.sampled_from(examples), st.sampled_from(["never seen", None]))


@st.composite
def _frames(draw: st.DrawFn, sc: Scorecard) -> pd.DataFrame:
    """1 to 60 rows (a few take the small path, more the factorized one), some repeated."""
    n = draw(st.integers(1, 60))
    distinct = draw(st.integers(1, n))
    cols = {}
    for fb in sc.bins_:
        cells = draw(st.lists(_cell(fb), min_size=distinct, max_size=distinct))
        picks = draw(st.lists(st.integers(0, distinct - 1), min_size=n, max_size=n))
        values = [cells[p] for p in picks]
        if fb.kind == "numerical":
            col = pd.Series(values, dtype="float64")
            if not col.isna().any() and (col == col.round()).all() and draw(st.booleans()):
                col = col.astype("int64")  # whole numbers as integers, as the German data has
        else:
            col = pd.Series(values, dtype=draw(st.sampled_from(["str", "object"])))
        cols[fb.name] = col
    return pd.DataFrame(cols)


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_drawn_frames_explain_as_the_reference_does(fitted, data) -> None:
    X = data.draw(_frames(fitted))
    assert _typed(fitted.explain_frame(X)) == _typed(reference_explain_frame(fitted, X))


def _twins_card() -> Scorecard:
    """A card whose features come in identical pairs: every loss ties with its twin's."""
    rng = np.random.default_rng(7)
    n = 3000
    risk = rng.normal(size=n)
    a = np.rint(5 + 2 * risk + rng.normal(0, 1, n))
    b = np.where(rng.random(n) < 0.2, np.nan, np.rint(10 - 3 * risk + rng.normal(0, 2, n)))
    X = pd.DataFrame({"a1": a, "a2": a, "b1": b, "b2": b, "c": rng.integers(0, 3, n) * 1.0})
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1 + risk)))).astype(int)
    return Scorecard(actionable={"a1", "b2", "c"}).fit(X, y)


def test_ties_keep_the_feature_order() -> None:
    sc = _twins_card()
    assert [fb.points.tolist() for fb in sc.bins_[:2]] == [sc.bins_[0].points.tolist()] * 2
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {fb.name: [fb.example(int(b)) for b in rng.integers(0, fb.n_bins, 500)] for fb in sc.bins_}
    ).astype("float64")
    new = sc.explain_frame(X)
    assert _typed(new) == _typed(reference_explain_frame(sc, X))
    tied = [e for e in new if len({r["points_lost"] for r in e["reasons"]}) < len(e["reasons"])]
    assert len(tied) > 100
    position = {fb.name: j for j, fb in enumerate(sc.bins_)}
    for e in tied:
        for a, b in itertools.pairwise(e["reasons"]):
            assert a["points_lost"] >= b["points_lost"]
            if a["points_lost"] == b["points_lost"]:
                assert position[a["feature"]] < position[b["feature"]]


@pytest.mark.parametrize("card", ["german", "registry", "twins"])
def test_every_plan_of_every_actionable_pattern_is_the_reference_plan(
    card, fitted, registry_card
) -> None:
    """What-if tables against ``reasons.counterfactual``: each pattern, needs up to 600 points."""
    sc = {"german": fitted, "registry": registry_card}.get(card) or _twins_card()
    planner = explainer_for(sc).planner
    units = {n: t.get("unit", "number") for n, t in sc.descriptions_.items() if isinstance(t, dict)}
    patterns = list(itertools.product(*[range(sc.bins_[j].n_bins) for j in planner.cols]))
    rng = np.random.default_rng(1)
    some = [patterns[i] for i in rng.permutation(len(patterns))[:150]]
    longest = 0
    for pattern in some:
        index = [fb.missing_bin for fb in sc.bins_]
        for j, b in zip(planner.cols, pattern, strict=True):
            index[j] = b
        for raw in range(150, 1000, 11):
            score = int(clip_scores(np.array([raw]))[0])
            want = rs.counterfactual(
                sc.bins_, index, raw, score, set(sc.actionable_), sc.directions_, units
            )
            assert planner.plan(pattern, raw, score) == want, (pattern, raw)
            longest = max(longest, len(want))
    if card != "twins":
        assert longest > rs.MAX_EXHAUSTIVE_CHANGES  # the greedy plans were compared too


def test_what_would_raise_reads_plain_values_as_a_frame_would(fitted, split) -> None:
    """Plain values skip pandas; others (NumPy scalars, text for numbers, inf) take the frame."""
    X = split["X_test"].head(60)
    numeric = [fb.name for fb in fitted.bins_ if fb.kind == "numerical"]
    for i in range(len(X)):
        values = {k: _value(v) for k, v in X.iloc[i].items()}
        if i % 3 == 1:
            values[numeric[i % len(numeric)]] = None
        if i % 5 == 2:
            values.pop(fitted.bins_[i % len(fitted.bins_)].name)
        if i % 7 == 3:
            values[fitted.bins_[0].name] = "no such status"
        frame = pd.DataFrame([{n: values.get(n) for n in fitted.features_}])
        for name in numeric:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        expected = reference_explain_frame(fitted, frame)[0]["counterfactual"]
        assert explainer_for(fitted).what_would_raise(values) == expected
        assert what_would_raise(fitted, values) == expected
        odd = dict(values)
        odd[numeric[0]] = np.float64(odd.get(numeric[0]) or 12.0)  # not plain: frame path
        odd[numeric[1]] = str(odd.get(numeric[1]) or 3)
        assert explainer_for(fitted).what_would_raise(odd) is None
        assert what_would_raise(fitted, odd) == what_would_raise(
            fitted, {**odd, numeric[0]: float(odd[numeric[0]]), numeric[1]: float(odd[numeric[1]])}
        )
    with pytest.raises(ValueError, match="inf"):
        what_would_raise(fitted, {**values, numeric[0]: float("inf")})


def test_tables_are_kept_per_model_and_rebuilt_when_it_changes(fitted, split) -> None:
    from credo.scoring import dumps, loads

    ex = explainer_for(fitted)
    assert explainer_for(fitted) is ex
    again = loads(dumps(fitted))
    assert explainer_for(again) is ex  # the same model loaded afresh: same tables
    X = split["X_test"].head(SMALL + 30)
    fb = again.bins_[0]
    fb.points = fb.points.copy()
    fb.points[fb.points.argmax()] += 40  # an edit: new best bin, new losses, new plans
    assert explainer_for(again) is not ex
    assert _typed(again.explain_frame(X)) == _typed(reference_explain_frame(again, X))
    assert again.explain_frame(X) != fitted.explain_frame(X)


def test_threads_loading_the_model_per_request_get_the_same_plans(fitted, split) -> None:
    """Reports load the model per request, in a thread pool: each finds or builds the tables."""
    from concurrent.futures import ThreadPoolExecutor

    from credo.scoring import dumps, loads
    from credo.scoring import explainer as ex

    text = dumps(fitted)
    X = split["X_test"].head(40)
    rows = [{k: _value(v) for k, v in X.iloc[i].items()} for i in range(len(X))]
    expected = [
        reference_explain_frame(fitted, X.iloc[[i]])[0]["counterfactual"] for i in range(40)
    ]
    ex._by_content.clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda i: what_would_raise(loads(text), rows[i % 40]), range(160)))
    assert got == [expected[i % 40] for i in range(160)]
    assert len(ex._by_content) == 1


@pytest.mark.parametrize("n", [5, 40])
def test_nullable_and_category_columns_explain_as_the_reference_does(fitted, split, n) -> None:
    """Columns of pandas' own dtypes take the value-by-value path on either side of SMALL."""
    X = split["X_test"].head(n).copy()
    numeric = [fb.name for fb in fitted.bins_ if fb.kind == "numerical"]
    text = [fb.name for fb in fitted.bins_ if fb.kind != "numerical"]
    X[numeric[0]] = X[numeric[0]].astype("Int64")
    X.loc[::3, numeric[0]] = pd.NA
    X[numeric[1]] = X[numeric[1]].astype("Float64")
    X.loc[1::4, numeric[1]] = pd.NA
    X[text[0]] = X[text[0]].astype("category")
    X[text[1]] = X[text[1]].astype(object)
    X.loc[2::5, text[1]] = None
    assert _typed(fitted.explain_frame(X)) == _typed(reference_explain_frame(fitted, X))


# ---- the columnar form (issue 21): explain_frame is its to_records ------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_drawn_frames_explain_by_columns_as_the_reference_does(fitted, data) -> None:
    """Every row read from the columns, in any order, is the reference's row."""
    X = data.draw(_frames(fitted))
    got = fitted.explain_columns(X)
    want = _typed(reference_explain_frame(fitted, X))
    order = data.draw(st.permutations(range(len(X))))
    assert [_typed([got.row(i)])[0] for i in order] == [want[i] for i in order]
    assert _typed(got.to_records()) == want


def test_columns_hold_what_the_rows_show(fitted, split) -> None:
    X = _random_rows(fitted, split["X_train"], 2000, seed=5)
    cols = fitted.explain_columns(X)
    rows = reference_explain_frame(fitted, X)
    assert len(cols) == 2000
    assert cols.score.tolist() == fitted.credit_score(X).tolist() == [r["score"] for r in rows]
    assert cols.bands().tolist() == [r["band"] for r in rows]
    assert cols.band.dtype == np.int8
    for d, v in cols.dimensions.items():
        got = [None] * 2000 if v is None else v.tolist()
        assert got == [r["dimensions"][d] for r in rows], d
    names = cols.features
    for i, r in enumerate(rows):
        c = int(cols.reason_count[i])
        assert c == len(r["reasons"])
        assert [names[j] for j in cols.reason_feature[i, :c]] == [
            x["feature"] for x in r["reasons"]
        ]
        assert (cols.reason_feature[i, c:] == -1).all()
        assert cols.reason_points_lost[i, :c].tolist() == [x["points_lost"] for x in r["reasons"]]
        labels = [
            fitted.bins_[j].label(int(b))
            for j, b in zip(cols.reason_feature[i, :c], cols.reason_bin[i, :c], strict=True)
        ]
        assert labels == [x["bin"] for x in r["reasons"]]
        assert [cols.value(i, j) for j in range(len(names))] == [
            r["points"][n]["value"] for n in names
        ]
        assert cols.counterfactual(int(cols.plan[i])) == r["counterfactual"]
    assert 1 < len(cols.plan_rows) < 2000  # rows share plans
    assert (cols.reason_count == 4).sum() > 500


def test_rows_of_the_columns_are_fresh_and_indexed_as_a_list(fitted, split) -> None:
    X = pd.concat([split["X_test"].head(SMALL + 4)] * 2, ignore_index=True)
    cols = fitted.explain_columns(X)
    n = len(cols)
    assert _typed([cols.row(-1)]) == _typed([cols.row(n - 1)])
    first = cols.row(0)
    if first["counterfactual"]:
        first["counterfactual"][0]["points_gained"] = -1
        first["reasons"][0]["text"] = "changed"
        assert cols.row(0)["counterfactual"][0]["points_gained"] != -1
        assert cols.row(SMALL + 4)["counterfactual"] == cols.row(0)["counterfactual"]
    first["points"][fitted.features_[0]]["points"] = 10_000
    assert cols.row(0)["points"][fitted.features_[0]]["points"] != 10_000
    for bad in (n, -n - 1):
        with pytest.raises(IndexError, match=f"row {bad} is outside the {n} explained rows"):
            cols.row(bad)


def test_empty_frame_explains_to_empty_columns(fitted, split) -> None:
    cols = fitted.explain_columns(split["X_test"].head(0))
    assert len(cols) == 0
    assert cols.to_records() == []
    assert cols.reason_feature.shape == (0, rs.N_REASONS)
    with pytest.raises(IndexError, match="row 0 is outside the 0 explained rows"):
        cols.row(0)


@pytest.mark.parametrize("n", [3, 700])
def test_the_columns_as_a_frame_show_what_the_rows_show(fitted, split, n) -> None:
    X = _random_rows(fitted, split["X_train"], n, seed=n)
    frame = fitted.explain_columns(X).to_frame()
    rows = reference_explain_frame(fitted, X)
    assert frame["score"].tolist() == [r["score"] for r in rows]
    assert frame["band"].astype(str).tolist() == [r["band"] for r in rows]
    for d in DIMENSIONS:
        assert [None if v is pd.NA else v for v in frame[d].tolist()] == [
            r["dimensions"][d] for r in rows
        ]
    for k in range(rs.N_REASONS):
        for key in ("feature", "points_lost", "text"):
            col = frame[f"reason_{k + 1}_{key}"].tolist()
            want = [r["reasons"][k][key] if k < len(r["reasons"]) else None for r in rows]
            assert [None if v is pd.NA else v for v in col] == want, (k, key)
    plans = [r["counterfactual"] for r in rows]
    for i, j in itertools.combinations(range(min(n, 60)), 2):
        if frame["plan"][i] == frame["plan"][j]:
            assert plans[i] == plans[j]
