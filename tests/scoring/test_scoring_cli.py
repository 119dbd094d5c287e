"""``credo model fit --table``, ``apply``, ``psi`` and ``card`` on files (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from credo.cli.main import app

AUDIT = "personal_status_and_sex,age_in_years,foreign_worker"
SUBSCORES = ["history", "capacity", "compliance", "payments", "identity"]

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def _last_json(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def data(tmp_path_factory, german: pd.DataFrame) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("model")
    csv = d / "german.csv"
    german.to_csv(csv, index=False)
    parquet = d / "german.parquet"
    german.to_parquet(parquet, index=False)
    model = d / "model.json"
    card = d / "card.html"
    result = _run(
        "model", "fit", "--table", parquet, "--target", "creditability", "--bad", "bad",
        "--audit-only", AUDIT, "--out", model, "--card", card, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return {"dir": d, "csv": csv, "parquet": parquet, "model": model, "card": card,
            "summary": _last_json(result)}  # fmt: skip


def test_fit_table_with_audit_only(data):
    s = data["summary"]
    assert s["holdout"]["n"] == 300 and s["training"]["n"] == 700
    assert s["holdout"]["auc"] > 0.7 and 0 < s["holdout"]["ks"] < 1
    assert s["holdout"]["gini"] == pytest.approx(2 * s["holdout"]["auc"] - 1)
    doc = json.loads(data["model"].read_text())
    names = [f["name"] for f in doc["features"]]
    assert doc["format"] == "credo-scorecard" and len(names) == 17
    for col in AUDIT.split(","):
        assert col not in names
    assert "score_distribution" in doc["training"]


def test_fit_csv_prints_holdout(data, tmp_path):
    out = tmp_path / "m.json"
    result = _run(
        "model", "fit", "--table", data["csv"], "--target", "creditability", "--bad", "bad",
        "--audit-only", AUDIT, "--out", out, "--seed", "3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "AUC" in result.output and "KS" in result.output and "Gini" in result.output
    assert out.is_file()


def test_fit_refuses_protected_attribute(data, tmp_path):
    result = _run(
        "model", "fit", "--table", data["csv"], "--target", "creditability", "--bad", "bad",
        "--out", tmp_path / "m.json",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "personal_status_and_sex" in result.output and "--audit-only" in result.output
    assert not (tmp_path / "m.json").exists()


def test_fit_needs_exactly_one_source(data, tmp_path):
    assert _run("model", "fit", "--out", tmp_path / "m.json").exit_code == 1
    both = _run("model", "fit", "--registry", "--table", data["csv"], "--out", tmp_path / "m")
    assert both.exit_code == 1 and "exactly one" in both.output


def _bad_fit(tmp_path, frame: pd.DataFrame | None, *args: str, text: str | None = None):
    path = tmp_path / "t.csv"
    if frame is not None:
        frame.to_csv(path, index=False)
    else:
        path.write_text(text or "")
    return _run("model", "fit", "--table", path, "--out", tmp_path / "m.json", *args)


def test_fit_bad_inputs(tmp_path, german):
    ok = german.drop(columns=AUDIT.split(","))
    r = _bad_fit(tmp_path, ok, "--target", "outcome", "--bad", "bad")
    assert r.exit_code == 1 and "'outcome'" in r.output
    r = _bad_fit(tmp_path, ok.assign(creditability="good"), "--target", "creditability",
                 "--bad", "bad")  # fmt: skip
    assert r.exit_code == 1 and "single class" in r.output
    r = _bad_fit(tmp_path, ok, "--target", "creditability", "--bad", "defaulted")
    assert r.exit_code == 1 and "'defaulted'" in r.output
    r = _bad_fit(tmp_path, None, "--target", "creditability", "--bad", "bad", text="")
    assert r.exit_code == 1 and "empty" in r.output
    r = _bad_fit(tmp_path, None, "--target", "creditability", "--bad", "bad", text="a,b\n")
    assert r.exit_code == 1 and "no rows" in r.output


def test_apply_writes_scores(data, german):
    out = data["dir"] / "scores.parquet"
    result = _run("model", "apply", "--model", data["model"], "--table", data["csv"],
                  "--out", out, "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    scores = pd.read_parquet(out)
    assert len(scores) == len(german)
    assert {"score", "band", "reasons", *SUBSCORES} <= set(scores.columns)
    assert scores["score"].between(350, 950).all()
    reasons = json.loads(scores["reasons"].iloc[0])
    assert reasons and {"feature", "text", "points_lost"} <= set(reasons[0])
    from credo.scoring import load

    sc = load(data["model"])
    explained = sc.explain(german.loc[[5], sc.features_])
    assert explained["score"] == scores["score"].iloc[5]
    assert [r["text"] for r in explained["reasons"]] == [
        r["text"] for r in json.loads(scores["reasons"].iloc[5])
    ]
    assert _last_json(result)["rows"] == len(german)


def test_apply_refuses_garbage_in_numeric_column(data, german, tmp_path):
    bad = german.astype({"credit_amount": object})
    bad.loc[7, "credit_amount"] = "abc"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    result = _run("model", "apply", "--model", data["model"], "--table", path,
                  "--out", tmp_path / "s.parquet")  # fmt: skip
    assert result.exit_code == 1
    assert "'credit_amount'" in result.output and "'abc'" in result.output


def test_apply_refuses_missing_column_and_other_version(data, german, tmp_path):
    path = tmp_path / "few.csv"
    german.drop(columns=["purpose"]).to_csv(path, index=False)
    r = _run("model", "apply", "--model", data["model"], "--table", path, "--out", tmp_path / "s")
    assert r.exit_code == 1 and "'purpose'" in r.output
    doc = json.loads(data["model"].read_text())
    doc["version"] = 99
    other = tmp_path / "v99.json"
    other.write_text(json.dumps(doc))
    r = _run("model", "apply", "--model", other, "--table", data["csv"], "--out", tmp_path / "s")
    assert r.exit_code == 1 and "version 99" in r.output


def test_psi_stable_on_training_data_and_shifted(data, german, tmp_path):
    r = _run("model", "psi", "--model", data["model"], "--table", data["csv"], "--json")
    assert r.exit_code == 0, r.output
    same = _last_json(r)
    assert same["score"]["psi"] < 0.05
    assert max(f["psi"] for f in same["features"].values()) < 0.05
    shifted = german.assign(
        duration_in_month=german["duration_in_month"] * 3,
        credit_amount=german["credit_amount"] * 3,
    )
    path = tmp_path / "shifted.parquet"
    shifted.to_parquet(path, index=False)
    r = _run("model", "psi", "--model", data["model"], "--table", path, "--json")
    moved = _last_json(r)
    assert moved["score"]["psi"] > 0.1
    assert moved["features"]["duration_in_month"]["psi"] > 0.1
    text = _run("model", "psi", "--model", data["model"], "--table", path)
    assert text.exit_code == 0 and "score PSI" in text.output


def test_card_html(data, tmp_path):
    html = data["card"].read_text()
    assert html.startswith("<!DOCTYPE html>") and "<table>" in html
    assert "Fairness" in html and "PSI baseline" in html and "Known limits" in html
    out = tmp_path / "card.html"
    r = _run("model", "card", "--model", data["model"], "--table", data["csv"],
             "--target", "creditability", "--bad", "bad", "--audit-only", AUDIT,
             "--html", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "age_in_years" in out.read_text()
    md = _run("model", "card", "--model", data["model"])
    assert md.exit_code == 0 and "## PSI baseline" in md.output and "## Known limits" in md.output
    page = _run("model", "card", "--model", data["model"], "--format", "html")
    assert page.exit_code == 0 and "<h2>Known limits</h2>" in page.output
