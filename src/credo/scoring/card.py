"""Model card: what a scorecard uses, how well it ranks, how scores spread, and who it favours.

Fairness is measured on audit-only attributes (for example sex or age band) that the model must
never use as features; the card refuses an audit attribute that is also a feature.
"""

from __future__ import annotations

import html
import importlib.util
import itertools
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from credo.scoring.metrics import discrimination
from credo.scoring.persist import FORMAT, FORMAT_VERSION
from credo.scoring.scaling import BANDS, band
from credo.scoring.validation import DIMENSIONS, ScoringInputError

if TYPE_CHECKING:
    from credo.scoring.scorecard import Scorecard

#: Fairness compares how often each group reaches this score ("good" band or better).
APPROVAL_SCORE = 600
#: Selection rates per group are reported at each of these scores (good, very good, excellent).
FAIRNESS_THRESHOLDS: tuple[int, ...] = (600, 650, 700)
#: The four-fifths rule: a group selected at under 80 % of the best group's rate is flagged.
FOUR_FIFTHS = 0.8
#: Numerical audit attributes with more distinct values than this are cut into quartiles.
MAX_AUDIT_LEVELS = 10
#: What every card says the model cannot do.
KNOWN_LIMITS: tuple[str, ...] = (
    "Learnt from one historical sample: it ranks applicants like those it was fitted on and "
    "drifts when the population changes; watch the PSI (credo model psi), refit above 0.25.",
    "Associations, not causes: points say which values went with defaults in training, not "
    "that changing them alone changes the risk.",
    "Values never seen in training and missing values fall into each feature's missing bin.",
    "Protected attributes are never features, but other features may still correlate with "
    "them; read the fairness section, measured on audit-only attributes.",
    "Scores are clipped to 350-950 and reasons are limited to the four largest point losses.",
)


def model_card(
    scorecard: Scorecard,
    X_test: Any = None,
    y_test: Any = None,
    audit: pd.DataFrame | None = None,
    *,
    approval_score: int = APPROVAL_SCORE,
) -> dict[str, Any]:
    """Describe a fitted scorecard; the dict's ``markdown`` entry is the same card as text.

    ``y_test`` adds hold-out AUC/KS/Gini and bad rates; ``audit`` (rows aligned with ``X_test``)
    adds fairness metrics per attribute, computed with fairlearn when it is installed, where
    approval means a score of at least ``approval_score`` (default 600, the "good" band).
    """
    card: dict[str, Any] = {
        "format": {"name": FORMAT, "version": FORMAT_VERSION},
        "training": dict(scorecard.training_),
        "scaling": dict(scorecard.scaling_),
        "intercept_points": scorecard.intercept_points_,
        "features": [
            {
                "name": fb.name,
                "kind": fb.kind,
                "dimension": scorecard.dimensions_[fb.name],
                "bins": fb.n_bins,
                "points_min": int(fb.points.min()),
                "points_max": int(fb.points.max()),
                "actionable": fb.name in scorecard.actionable_,
            }
            for fb in scorecard.bins_
        ],
        "dimensions": {
            d: [f for f, dim in scorecard.dimensions_.items() if dim == d] for d in DIMENSIONS
        },
        "holdout": scorecard.training_.get("holdout"),
        "bands": scorecard.training_.get("bands"),
        "rank_ordered": scorecard.training_.get("rank_ordered"),
        "fairness": scorecard.training_.get("fairness"),
        "directions": dict(getattr(scorecard, "directions_", {})),
        "directions_contradicted": scorecard.training_.get("directions_contradicted", []),
        "psi_baseline": scorecard.training_.get("score_distribution"),
        "limits": list(KNOWN_LIMITS),
    }
    if X_test is not None:
        scores = scorecard.credit_score(X_test)
        bad = None
        if y_test is not None:
            bad = (np.asarray(y_test) == scorecard.classes_[1]).astype(int)
            if len(bad) != len(scores):
                raise ScoringInputError(f"y_test has {len(bad)} values, X_test {len(scores)} rows")
            p_bad = scorecard.predict_proba(X_test)[:, 1]
            card["holdout"] = {
                "kind": "random split",
                "window": None,
                "n": len(bad),
                "bad_rate": float(bad.mean()),
                "probability": discrimination(bad, p_bad),
                "score": discrimination(bad, -scores),
            }
        card["bands"] = _bands(scores, bad)
        card["rank_ordered"] = rank_ordered(card["bands"])
        if audit is not None:
            card["fairness"] = _fairness(scorecard, scores, bad, audit, approval_score)
    card["markdown"] = render_markdown(card)
    return card


def holdout_report(
    scorecard: Scorecard,
    X: Any,
    y: Any,
    audit: pd.DataFrame | None,
    *,
    kind: str,
    window: str | None,
) -> dict[str, Any]:
    """Hold-out figures, band table and fairness of a scorecard on data it was not fitted on.

    JSON-ready: stored in the model's ``training`` so the card, the console and the demo show
    the same figures. ``kind`` says what the hold-out is (e.g. ``out-of-time``).
    """
    if len(X) == 0:
        return {"holdout": None, "bands": None, "rank_ordered": None, "fairness": None}
    scores = scorecard.credit_score(X)
    bad = (np.asarray(y) == scorecard.classes_[1]).astype(int)
    p_bad = scorecard.predict_proba(X)[:, 1]
    bands = _bands(scores, bad)
    fairness = None
    if audit is not None and len(audit.columns):
        fairness = _fairness(scorecard, scores, bad, audit, APPROVAL_SCORE)
    return {
        "holdout": {
            "kind": kind,
            "window": window,
            "n": len(bad),
            "defaults": int(bad.sum()),
            "bad_rate": float(bad.mean()),
            "probability": discrimination(bad, p_bad),
            "score": discrimination(bad, -scores),
        },
        "bands": bands,
        "rank_ordered": rank_ordered(bands),
        "fairness": fairness,
    }


def rank_ordered(bands: list[dict[str, Any]] | None) -> bool | None:
    """True when the observed bad rate falls strictly from each band to the next one up."""
    if not bands:
        return None
    rates = [b["bad_rate"] for b in bands if b["n"] and b["bad_rate"] is not None]
    if len(rates) < 2:
        return None
    return all(a > b for a, b in itertools.pairwise(rates))


def _bands(scores: np.ndarray, bad: np.ndarray | None) -> list[dict[str, Any]]:
    names = np.array([band(int(s)) for s in scores])
    rows = []
    for lower, name in reversed(BANDS):
        mask = names == name
        rows.append(
            {
                "band": name,
                "from": lower,
                "n": int(mask.sum()),
                "defaults": int(bad[mask].sum()) if bad is not None else None,
                "share": float(mask.mean()) if len(scores) else 0.0,
                "bad_rate": float(bad[mask].mean()) if bad is not None and mask.any() else None,
            }
        )
    return rows


def _audit_groups(col: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(col) and col.nunique() > MAX_AUDIT_LEVELS:
        return pd.qcut(col, 4, duplicates="drop").astype(str)
    return col.astype(str)


def _fairness(
    sc: Scorecard,
    scores: np.ndarray,
    bad: np.ndarray | None,
    audit: pd.DataFrame,
    approval_score: int,
) -> dict[str, Any]:
    leaked = [c for c in audit.columns if c in sc.features_]
    if leaked:
        raise ScoringInputError(
            f"audit attribute {leaked[0]!r} is a model feature; "
            "audit attributes must never be scored"
        )
    if len(audit) != len(scores):
        raise ScoringInputError(f"audit has {len(audit)} rows, X_test {len(scores)}")
    if importlib.util.find_spec("fairlearn") is None:
        return {"available": False, "note": "fairlearn is not installed; no fairness metrics"}
    from fairlearn.metrics import (
        MetricFrame,
        count,
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
        selection_rate,
    )

    approved = (scores >= approval_score).astype(int)
    good = 1 - bad if bad is not None else approved
    out: dict[str, Any] = {"available": True, "approval_score": approval_score, "attributes": {}}
    for name in audit.columns:
        groups = _audit_groups(audit[name].reset_index(drop=True))
        frame = MetricFrame(
            metrics={"n": count, "approval_rate": selection_rate},
            y_true=good,
            y_pred=approved,
            sensitive_features=groups,
        )
        by_group = frame.by_group
        mean_score = pd.Series(scores).groupby(groups.to_numpy()).mean()
        entry: dict[str, Any] = {
            "groups": {
                str(g): {
                    "n": int(by_group.loc[g, "n"]),
                    "approval_rate": float(by_group.loc[g, "approval_rate"]),
                    "mean_score": float(mean_score.loc[g]),
                }
                for g in by_group.index
            },
            "demographic_parity_difference": float(
                demographic_parity_difference(good, approved, sensitive_features=groups)
            ),
            "demographic_parity_ratio": _finite(
                demographic_parity_ratio(good, approved, sensitive_features=groups)
            ),
        }
        entry["thresholds"] = _at_thresholds(scores, good, groups, bad is not None)
        if bad is not None:
            # true and false positive rates need goods and bads: undefined with one class
            entry["equalized_odds_difference"] = (
                _finite(equalized_odds_difference(good, approved, sensitive_features=groups))
                if len(np.unique(good)) == 2
                else None
            )
            for g, row in entry["groups"].items():
                row["bad_rate"] = float(bad[(groups == g).to_numpy()].mean())
        out["attributes"][str(name)] = entry
    return out


def _at_thresholds(
    scores: np.ndarray, good: np.ndarray, groups: pd.Series, labelled: bool
) -> dict[str, Any]:
    """Per threshold: selection rate per group, demographic-parity ratio against the 4/5 rule
    and equalised-odds difference (fairlearn)."""
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_ratio,
        equalized_odds_difference,
        selection_rate,
    )

    out: dict[str, Any] = {}
    for t in FAIRNESS_THRESHOLDS:
        selected = (scores >= t).astype(int)
        frame = MetricFrame(
            metrics=selection_rate, y_true=good, y_pred=selected, sensitive_features=groups
        )
        ratio = _finite(demographic_parity_ratio(good, selected, sensitive_features=groups))
        eo = None
        if labelled and len(np.unique(good)) == 2:
            eo = _finite(equalized_odds_difference(good, selected, sensitive_features=groups))
        out[str(t)] = {
            "selection_rate": {str(g): float(v) for g, v in frame.by_group.items()},
            "demographic_parity_ratio": ratio,
            # no group selected at all: the ratio is 0/0 and the rule can be neither met nor failed
            "four_fifths_met": None if ratio is None else ratio >= FOUR_FIFTHS,
            "equalized_odds_difference": eo,
        }
    return out


def _finite(x: Any) -> float | None:
    """A metric as a float, None where it is undefined (NaN: 0/0)."""
    x = float(x)
    return x if np.isfinite(x) else None


def _met(met: bool | None) -> str:
    return "n/a (none selected)" if met is None else "met" if met else "NOT met"


def _fmt(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def render_markdown(card: dict[str, Any]) -> str:
    """The model card as Markdown."""
    t = card["training"]
    s = card["scaling"]
    lines = [
        "# Scorecard model card",
        "",
        f"Format {card['format']['name']} v{card['format']['version']}; fitted {t['fitted_at']} "
        f"on {t['n']} rows (bad rate {_fmt(t['bad_rate'])}"
        + (f"; {t['window']}" if t.get("window") else "")
        + f"). On the training data itself (in-sample, optimistic): AUC {_fmt(t['auc'])}, "
        f"KS {_fmt(t['ks'])}, Gini {_fmt(t['gini'])}.",
        "",
        f"Scaling: {s['base_score']:g} points at good:bad odds {s['base_odds']:g}:1, "
        f"{s['pdo']:g} points to double the odds; every subject starts from "
        f"{card['intercept_points']} points; scores are clipped to 350–950.",
        "",
        "## Features",
        "",
        "| feature | kind | dimension | direction | bins | points | actionable |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    directions = card.get("directions") or {}
    for f in card["features"]:
        direction = directions.get(f["name"], "learn").replace("_", " ")
        lines.append(
            f"| {f['name']} | {f['kind']} | {f['dimension']} | {direction} | {f['bins']} | "
            f"{f['points_min']} to {f['points_max']} | {'yes' if f['actionable'] else 'no'} |"
        )
    for note in card.get("directions_contradicted") or []:
        lines += ["", f"Direction contradicted by the data (kept): {note['message']}."]
    empty = [d for d, fs in card["dimensions"].items() if not fs]
    if empty:
        lines += ["", f"Dimensions without features (sub-score null): {', '.join(empty)}."]
    if card["holdout"]:
        h = card["holdout"]
        kind = h.get("kind") or "random split"
        lines += [
            "",
            f"## Hold-out ({kind}: data the model was not fitted on)",
            "",
            f"{h.get('window') or ''}".strip(),
            "",
            "| measure | AUC | KS | Gini |",
            "| --- | --- | --- | --- |",
        ]
        for what in ("probability", "score"):
            m = h[what]
            lines.append(f"| {what} | {_fmt(m['auc'])} | {_fmt(m['ks'])} | {_fmt(m['gini'])} |")
        lines += ["", f"{h['n']} rows, bad rate {_fmt(h['bad_rate'])}."]
    if card["bands"]:
        lines += [
            "",
            "## Scores by band (hold-out)",
            "",
            "| band | from | subjects | share | defaults | observed bad rate |",
        ]
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for b in card["bands"]:
            lines.append(
                f"| {b['band']} | {b['from']} | {b['n']} | {_fmt(b['share'])} | "
                f"{'n/a' if b.get('defaults') is None else b['defaults']} | "
                f"{_fmt(b['bad_rate'])} |"
            )
        ordered = card.get("rank_ordered")
        if ordered is not None:
            lines += [
                "",
                "Rank ordering: the observed bad rate "
                + (
                    "falls from every band to the next one up."
                    if ordered
                    else "does NOT fall from every band to the next one up."
                ),
            ]
    fair = card["fairness"]
    if fair:
        lines += ["", "## Fairness (audit-only attributes, never features)", ""]
        if not fair["available"]:
            lines.append(fair["note"])
        else:
            lines.append(f"Approval means a score of {fair['approval_score']} or more.")
            for name, entry in fair["attributes"].items():
                eo = entry.get("equalized_odds_difference")
                lines += [
                    "",
                    f"### {name}",
                    "",
                    "Demographic parity difference "
                    f"{_fmt(entry['demographic_parity_difference'])}, "
                    f"ratio {_fmt(entry['demographic_parity_ratio'])}; equalized odds "
                    f"difference {_fmt(eo)}.",
                    "",
                    "| group | n | approval rate | mean score | bad rate |",
                    "| --- | --- | --- | --- | --- |",
                ]
                for g, row in entry["groups"].items():
                    lines.append(
                        f"| {g} | {row['n']} | {_fmt(row['approval_rate'])} | "
                        f"{row['mean_score']:.0f} | {_fmt(row.get('bad_rate'))} |"
                    )
                at = entry.get("thresholds") or {}
                if at:
                    groups = list(entry["groups"])
                    lines += [
                        "",
                        "| score at least | "
                        + " | ".join(groups)
                        + " | parity ratio | 4/5 rule | equalised-odds difference |",
                        "| --- | " + " | ".join("---" for _ in groups) + " | --- | --- | --- |",
                    ]
                    for t, row in at.items():
                        rates = " | ".join(_fmt(row["selection_rate"].get(g)) for g in groups)
                        lines.append(
                            f"| {t} | {rates} | {_fmt(row['demographic_parity_ratio'])} | "
                            f"{_met(row['four_fifths_met'])} | "
                            f"{_fmt(row['equalized_odds_difference'])} |"
                        )
    drift = card.get("drift")
    if drift:
        lines += [
            "",
            "## Drift of the model in use (PSI against the training baseline, per score run)",
            "",
            "| run | as of | score PSI | flagged (PSI > 0.25) |",
            "| --- | --- | --- | --- |",
        ]
        for d in drift:
            flagged = ", ".join(d.get("flagged") or []) or "none"
            lines.append(f"| {d['run_id']} | {d['as_of']} | {_fmt(d['score_psi'])} | {flagged} |")
    base = card.get("psi_baseline")
    if base:
        total = sum(base["counts"]) or 1
        edges = base["edges"]
        lines += [
            "",
            "## PSI baseline (training score distribution)",
            "",
            "| score from | to | n | share |",
            "| --- | --- | --- | --- |",
        ]
        for lo, hi, n in zip(edges[:-1], edges[1:], base["counts"], strict=True):
            lines.append(f"| {lo} | {hi} | {n} | {_fmt(n / total)} |")
    if card.get("limits"):
        lines += ["", "## Known limits", ""]
        lines += [f"- {limit}" for limit in card["limits"]]
    return "\n".join(lines) + "\n"


def render_html(card: dict[str, Any]) -> str:
    """The model card as a standalone HTML page (the Markdown card's headings, tables, lists)."""
    body: list[str] = []
    table: list[list[str]] = []
    items: list[str] = []

    def flush() -> None:
        if table:
            head, rows = table[0], table[2:]
            body.append("<table>")
            body.append("<tr>" + "".join(f"<th>{c}</th>" for c in head) + "</tr>")
            body.extend("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
            body.append("</table>")
            table.clear()
        if items:
            body.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in render_markdown(card).splitlines():
        text = html.escape(line)
        if line.startswith("|"):
            table.append([html.escape(c.strip()) for c in line.strip("|").split("|")])
            continue
        if line.startswith("- "):
            items.append(html.escape(line[2:]))
            continue
        flush()
        level = len(line) - len(line.lstrip("#"))
        if level and line[level : level + 1] == " ":
            body.append(f"<h{level}>{html.escape(line[level + 1 :])}</h{level}>")
        elif line.strip():
            body.append(f"<p>{text}</p>")
    flush()
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>Scorecard model card</title><style>{style}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
