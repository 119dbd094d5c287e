"""The synthetic population: valid identifiers, zero intake rejections, determinism,
planted ground truth, audit-only attributes kept out of records, and a realistic AUC."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import typer
from stdnum import numdb
from stdnum.cn import ric
from typer.testing import CliRunner

from credo.catalogue import get_catalogue
from credo.cli.synth import register
from credo.config import get_settings
from credo.core.db import Base, make_engine
from credo.errors import InvalidInput
from credo.furnishers.service import check_categories
from credo.records.readers import iter_chunks
from credo.records.validation import Validator
from credo.subjects.identifiers import normalise_cn_ric, normalise_cn_uscc
from credo.synth import synthesise
from credo.synth.identities import REGIONS
from tests.synth.features import holdout_auc, person_features, read_records

TODAY = dt.date(2026, 11, 21)
AS_OF = dt.date(2026, 6, 30)
SMALL = {"persons_n": 400, "organisations_n": 120, "years": 2, "seed": 3, "today": TODAY}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    synthesise(out=out, **SMALL)
    return out


def _json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def test_identifiers_are_valid_and_varied(small: Path) -> None:
    subjects = pq.read_table(small / "subjects.parquet").to_pylist()
    persons = [s["id"] for s in subjects if s["scheme"] == "cn_ric"]
    orgs = [s["id"] for s in subjects if s["scheme"] == "cn_uscc"]
    assert len(persons) == 400 and len(orgs) == 120
    assert len(set(persons)) == 400 and len(set(orgs)) == 120
    for number in persons:
        assert normalise_cn_ric(number, today=TODAY) == number
        assert number[:6] in REGIONS
    loc = numdb.get("cn/loc")
    assert all(any(props for _, props in loc.info(region)) for region in REGIONS)
    for code in orgs:
        assert normalise_cn_uscc(code) == code
        assert code[2:8] in REGIONS
    assert {c[0] for c in orgs} & set("ANY"), "letter registration authorities"
    assert len({c[:2] for c in orgs}) >= 6, "varied authority and type codes"
    assert {int(p[16]) % 2 for p in persons} == {0, 1}, "both sexes"
    cutoff = dt.date(2025, 6, 30)
    ages = [(cutoff - ric.get_birth_date(p)).days / 365.25 for p in persons]
    assert any(a < 18 for a in ages), "some minors"
    assert sum(a >= 18 for a in ages) > 0.95 * len(ages)
    audit = pq.read_table(small / "audit_only.parquet").to_pylist()
    assert {a["sex"] for a in audit} == {"female", "male"}
    assert "under_18" in {a["age_band"] for a in audit}


def _validate_all(folder: Path) -> tuple[int, list[object]]:
    rows, errors = 0, []
    for spec in _json(folder / "furnishers.json"):  # type: ignore[union-attr]
        assert check_categories(kind=spec["kind"], categories=spec["categories"])
        validator = Validator(
            catalogue=get_catalogue(),
            permitted=frozenset(spec["categories"]),
            secret=b"test",
            today=TODAY,
        )
        seen: set[str] = set()
        for name in spec["files"]:
            assert name.startswith(f"records/{spec['slug']}/")
            for chunk in iter_chunks(folder / name, 5000):
                for _number, envelope in chunk:
                    assert isinstance(envelope, dict)
                    assert envelope["external_id"] not in seen
                    seen.add(envelope["external_id"])
                    result = validator.validate(envelope)
                    rows += 1
                    if isinstance(result, list):
                        errors.append((envelope, [e.to_dict() for e in result]))
    return rows, errors


def test_every_record_passes_the_validator(small: Path) -> None:
    rows, errors = _validate_all(small)
    manifest = _json(small / "manifest.json")
    assert rows == manifest["counts"]["records"] > 10_000  # type: ignore[index]
    assert errors == []
    categories = set(manifest["counts"]["by_category"])  # type: ignore[index]
    assert len(categories) == len(get_catalogue().categories)


def test_jsonl_is_valid_and_output_is_deterministic(tmp_path: Path) -> None:
    args = {**SMALL, "persons_n": 150, "organisations_n": 40, "fmt": "jsonl"}
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synthesise(out=first, **args)
    synthesise(out=second, **args)
    synthesise(out=other, **{**args, "seed": 4})
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "subjects.parquet").read_bytes() != (other / "subjects.parquet").read_bytes()
    rows, errors = _validate_all(first)
    assert rows > 1000 and errors == []


def test_parquet_output_is_deterministic(tmp_path: Path, small: Path) -> None:
    again = tmp_path / "again"
    synthesise(out=again, **SMALL)
    files = sorted(p.relative_to(small) for p in small.rglob("*") if p.is_file())
    assert any(str(f).endswith(".parquet") and str(f).startswith("records") for f in files)
    for name in files:
        assert (small / name).read_bytes() == (again / name).read_bytes(), name


def test_planted_ground_truth_matches_the_records(small: Path) -> None:
    truth = _json(small / "ground_truth.json")
    records = read_records(small)
    transfers = records[records["category"] == "payment.transfer"]
    edges = {
        (s, f["counterparty_id"], f["direction"])
        for s, f in zip(transfers["subject_id"], transfers["fields"].map(json.loads), strict=True)
    }
    assert truth["rings"]  # type: ignore[index]
    for ring in truth["rings"]:  # type: ignore[index]
        members = ring["members"]
        assert 3 <= len(members) <= 12
        for a, b in zip(members, members[1:] + members[:1], strict=True):
            assert (a, b, "out") in edges and (b, a, "in") in edges
    ring_members = {m for r in truth["rings"] for m in r["members"]}  # type: ignore[index]
    background = {s for s, _, _ in edges} - ring_members
    assert len(background) > 50, "normal transfers between other persons too"

    identity = records[records["category"] == "identity.verification"]
    hashes = dict(zip(identity["subject_id"], identity["fields"].map(json.loads), strict=True))
    first_seen = records.groupby("subject_id")["occurred_on"].min()
    assert truth["sybil_clusters"]  # type: ignore[index]
    for cluster in truth["sybil_clusters"]:  # type: ignore[index]
        members = cluster["members"]
        assert len(members) >= 3
        for key in ("phone_hash", "address_hash", "device_hash"):
            assert len({hashes[m][key] for m in members}) == 1
        assert all(first_seen[m] >= AS_OF - dt.timedelta(days=190) for m in members)
    others = [
        h["phone_hash"]
        for s, h in hashes.items()
        if s not in {m for c in truth["sybil_clusters"] for m in c["members"]}
    ]
    assert len(set(others)) == len(others)

    inflating = truth["inflating_furnisher"]  # type: ignore[index]
    assert inflating["subjects"]
    specs = _json(small / "furnishers.json")
    files = next(f for f in specs if f["name"] == inflating["name"])["files"]  # type: ignore[union-attr]
    padded = (
        pq.read_table(small / files[0])
        .filter(pc.equal(pq.read_table(small / files[0])["category"], "loan.repayment"))
        .to_pandas()
    )
    for subject in inflating["subjects"]:
        mine = padded[padded["subject_id"] == subject]
        assert len(mine) >= 30
        assert all(json.loads(f)["days_late"] == 0 for f in mine["fields"])
    subjects = pq.read_table(small / "subjects.parquet").to_pandas()
    assert set(subjects[subjects["inflated"]]["id"]) == set(inflating["subjects"])
    assert set(subjects[subjects["ring"].notna()]["id"]) == ring_members


def test_audit_only_attributes_never_in_records(small: Path) -> None:
    audit_columns = set(pq.read_schema(small / "audit_only.parquet").names) - {"scheme", "id"}
    assert audit_columns == {"age_band", "sex"}
    records = read_records(small)
    assert not audit_columns & set(records.columns)
    keys = set().union(*records["fields"].map(lambda f: set(json.loads(f))))
    assert not keys & {"age", "age_band", "sex", "gender", "birth_date", "latent_risk"}
    for column in ("latent_risk", "default_in_window"):
        assert column not in records.columns


def test_default_is_predictable_but_not_trivially(tmp_path: Path) -> None:
    synthesise(out=tmp_path, persons_n=4000, organisations_n=0, years=3, seed=11, today=TODAY)
    x, y = person_features(tmp_path)
    assert 0.02 < y.mean() < 0.15
    auc = sum(holdout_auc(x, y, seed=s) for s in range(5)) / 5
    assert 0.70 <= auc <= 0.90, auc


def test_arguments_are_checked(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="future"):
        synthesise(
            out=tmp_path, persons_n=10, organisations_n=0, as_of=dt.date(2027, 1, 1), today=TODAY
        )
    with pytest.raises(InvalidInput, match="years"):
        synthesise(out=tmp_path, persons_n=10, organisations_n=0, years=1, today=TODAY)


def test_cli_synth_then_load_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import credo.core.audit
    import credo.furnishers.models
    import credo.records.models
    import credo.subjects.models  # noqa: F401

    url = f"sqlite:///{tmp_path}/synth.db"
    monkeypatch.setenv("CREDO_DATABASE_URL", url)
    get_settings.cache_clear()
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    out = tmp_path / "pop"
    made = runner.invoke(
        app,
        [
            "synth",
            "--persons",
            "120",
            "--organisations",
            "30",
            "--years",
            "2",
            "--seed",
            "5",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert made.exit_code == 0, made.output
    manifest = json.loads(made.stdout.strip().splitlines()[-1])
    assert manifest["counts"]["records"] > 1000
    first = runner.invoke(app, ["load", str(out), "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    assert summary["rejected"] == 0 and summary["report"] is None
    assert summary["accepted"] == manifest["counts"]["records"]
    assert all(f["created"] and f["api_key"] for f in summary["furnishers"])
    second = runner.invoke(app, ["load", str(out), "--json"])
    assert second.exit_code == 0, second.output
    again = json.loads(second.stdout.strip().splitlines()[-1])
    assert again["accepted"] == 0 and again["rejected"] == 0
    assert again["duplicates"] == manifest["counts"]["records"]
    assert [f["id"] for f in again["furnishers"]] == [f["id"] for f in summary["furnishers"]]
    assert not any(f["created"] or f["api_key"] for f in again["furnishers"])
    missing = runner.invoke(app, ["load", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1
