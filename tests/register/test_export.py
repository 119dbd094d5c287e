"""Open data: the dated export read back with DuckDB equals the API; checksums hold."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from credo.register import export
from tests.register.fixtures import TODAY, Registry
from tests.web.seed import FOODS, ORGS


def _export(factory: sessionmaker[Session], folder: Path) -> dict:
    with factory() as s, s.begin():
        return export.export(session=s, folder=folder)


def test_export_read_back_with_duckdb_equals_the_api(
    api: TestClient, factory: sessionmaker[Session], registry: Registry, tmp_path: Path
) -> None:
    manifest = _export(factory, tmp_path)
    day = tmp_path / TODAY.isoformat()
    assert manifest["path"] == str(day) and manifest["rows"]["organisations"] == len(ORGS)
    con = duckdb.connect()
    cursor = con.execute(
        f"SELECT * FROM read_parquet('{day / 'organisations.parquet'}') ORDER BY uscc"
    )
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    assert [r["uscc"] for r in rows] == sorted(ORGS)
    for row in rows:
        body = api.get(f"/v1/public/organisations/{row['uscc']}").json()
        assert row["name"] == body["name"]
        assert row["grade"] == body["grade"]["grade"]
        assert row["grade_score"] == body["grade"]["score"]
        assert json.loads(row["grade_reasons"]) == body["grade"]["reasons"]
        ratings = {r["domain"]: r for r in body["ratings"]}
        for domain in ("food", "drug", "construction"):
            if domain in ratings:
                assert row[f"{domain}_rating"] == ratings[domain]["rating"]
                on = str(row[f"{domain}_inspected_on"])
                assert on == ratings[domain]["inspection_on"]
                assert row[f"{domain}_status"] == ratings[domain]["status"]
            else:
                assert row[f"{domain}_status"] is None
        assert row["lists"] == ",".join(sorted(e["list"] for e in body["lists"]))
        records = sum(len(g["records"]) for g in body["groups"])
        assert row["public_records"] == records
        from_csv = con.execute(
            f"SELECT count(*) FROM read_csv_auto('{day / 'records.csv'}') WHERE uscc = ?",
            [row["uscc"]],
        ).fetchone()
        assert from_csv is not None and from_csv[0] == records
    ids = con.execute(
        f"SELECT list(record_id ORDER BY record_id) FROM read_parquet('{day / 'records.parquet'}') "
        "WHERE uscc = ?", [FOODS]).fetchone()
    body = api.get(f"/v1/public/organisations/{FOODS}").json()
    assert ids is not None and ids[0] == sorted(r["id"] for g in body["groups"]
                                                for r in g["records"])


def test_manifest_schema_and_checksums(
    factory: sessionmaker[Session], registry: Registry, tmp_path: Path
) -> None:
    _export(factory, tmp_path)
    day = tmp_path / TODAY.isoformat()
    names = {p.name for p in day.iterdir()}
    assert names == {"organisations.parquet", "organisations.csv", "records.parquet",
                     "records.csv", "schema.json", "manifest.json", "SHA256SUMS"}
    for line in (day / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((day / name).read_bytes()).hexdigest() == digest
    manifest = json.loads((day / "manifest.json").read_text())
    assert manifest["as_of"] == TODAY.isoformat() and manifest["policy"]["version"] == 2
    schema = json.loads((day / "schema.json").read_text())
    parquet = duckdb.connect().execute(
        f"DESCRIBE SELECT * FROM read_parquet('{day / 'organisations.parquet'}')").fetchall()
    assert [c["name"] for c in schema["organisations"]] == [c[0] for c in parquet]
    assert all(c["description"] for c in schema["organisations"] + schema["records"])
    again = _export(factory, tmp_path)  # a rerun replaces the day's folder whole
    assert again["rows"] == manifest["rows"] and not list(tmp_path.glob(".*partial"))


def test_cli_publish_open_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``credo publish open-data`` on a file store (regrades first, prints the manifest)."""
    import os

    from credo.cli.main import app
    from credo.config import get_settings
    from credo.core.db import make_engine, session_factory
    from credo.models import metadata
    from tests.web.seed import seed

    if os.environ.get("CREDO_TEST_DATABASE_URL"):
        monkeypatch.setenv("CREDO_DATABASE_URL", f"sqlite:///{tmp_path}/cli-register.db")
        get_settings.cache_clear()
    engine = make_engine(get_settings().database_url)
    metadata.create_all(engine)
    seed(session_factory(engine))
    engine.dispose()
    out = tmp_path / "open"
    result = CliRunner().invoke(app, ["publish", "open-data", "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    assert printed["rows"]["organisations"] == len(ORGS)
    grades = duckdb.connect().execute(
        f"SELECT grade FROM read_parquet('{printed['path']}/organisations.parquet') "
        "WHERE uscc = ?", [FOODS]).fetchone()
    assert grades == ("C",)
    bad = CliRunner().invoke(app, ["publish", "open-data", "--as-of", "2026-13-01"])
    assert bad.exit_code != 0


def test_the_state_column_states_the_one_disputed_rule() -> None:
    from credo.register.export import RECORD_COLUMNS

    (state,) = [text for name, _, text in RECORD_COLUMNS if name == "state"]
    assert "court order" in state and "stays in force" in state  # court orders count
