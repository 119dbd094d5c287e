"""``credo ledgers validate | apply | policies | show``: exit codes and FILE:LINE messages."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from credo.cli.ledgers import register
from credo.config import get_settings
from credo.core.db import make_engine
from credo.models import metadata
from tests.ledgers.conftest import EXAMPLE, policy_text, rule

runner = CliRunner()


@pytest.fixture
def cli() -> typer.Typer:
    """A CLI with the ledgers group (the lead registers it in credo.cli.main) and a store."""
    engine = make_engine(get_settings().database_url)
    metadata.create_all(engine)
    engine.dispose()
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test root."""

    return app


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_validate_example_exits_zero(cli: typer.Typer) -> None:
    result = runner.invoke(cli, ["ledgers", "validate", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["valid"] is True and data["scheme"] == "city"


def test_validate_names_file_line_and_reason(cli: typer.Typer, tmp_path: Path) -> None:
    text = policy_text(rule("ok", "commendation", 5), rule("bad", "tax.arrears", -5, basis=""))
    path = write(tmp_path, "bad.toml", text)
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1
    header = [i for i, s in enumerate(text.splitlines(), 1) if s == "[[rules]]"][1]
    assert f"{path}:{header}: rule 'bad': legal_basis is required" in result.output


def test_validate_reports_syntax_errors_with_line(cli: typer.Typer, tmp_path: Path) -> None:
    path = write(tmp_path, "broken.toml", 'scheme = "city"\nversion = 1\nbase = \n')
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1 and f"{path}:3: not valid TOML" in result.output


def test_apply_installs_and_a_bad_policy_leaves_it_in_force(
    cli: typer.Typer, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["ledgers", "apply", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["version"] == 1
    bad = write(tmp_path, "v2.toml", policy_text(rule("x", "loan.bogus", -5), version=2))
    result = runner.invoke(cli, ["ledgers", "apply", bad])
    assert (
        result.exit_code == 1
        and f"{bad}:8: rule 'x': category 'loan.bogus' is not in the catalogue" in result.output
    )
    stale = write(tmp_path, "stale.toml", policy_text(rule("x", "commendation", 5), version=1))
    result = runner.invoke(cli, ["ledgers", "apply", stale])
    assert result.exit_code == 1 and f"{stale}:3: version 1 is not above" in result.output
    result = runner.invoke(cli, ["ledgers", "policies", "--json"])
    rows = json.loads(result.stdout.strip().splitlines()[-1])["policies"]
    assert [(r["scheme"], r["version"], r["in_force"]) for r in rows] == [("city", 1, True)]


def test_show_without_ledger_is_an_error(cli: typer.Typer) -> None:
    result = runner.invoke(cli, ["ledgers", "show", "city", "cn_uscc", "91110000600037341L"])
    assert result.exit_code == 1 and "not_found" in result.output


def installed() -> list[tuple[str, int]]:
    result = runner.invoke(_app(), ["ledgers", "policies", "--json"])
    rows = json.loads(result.stdout.strip().splitlines()[-1])["policies"]
    return [(r["scheme"], r["version"]) for r in rows]


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test root."""

    return app


HOSTILE = {
    "deep.toml": ("x = " + "[" * 5000 + "]" * 5000 + "\n", 1, "nested too deeply"),
    "huge-base.toml": (
        policy_text(rule("t", "tax.arrears", -5)).replace("base = 1000", "base = " + "9" * 30),
        4,
        "base 999",
    ),
    "huge-version.toml": (
        policy_text(rule("t", "tax.arrears", -5), version=10**30),
        3,
        "version 1000",
    ),
    "nan.toml": (
        policy_text(
            rule(
                "t",
                "card.utilisation",
                -5,
                when='{ field = "credit_limit", op = ">", value = nan }',
            )
        ),
        9,
        "value nan is not a decimal",
    ),
    "huge-int.toml": (
        policy_text(
            rule(
                "t",
                "loan.repayment",
                -5,
                when='{ field = "days_late", op = ">", value = 1000000000000000000000000000000 }',
            )
        ),
        9,
        "value 1000000000000000000000000000000 is not a integer",
    ),
    "huge-band.toml": (
        policy_text(rule("t", "tax.arrears", -5))
        + '[[grades]]\ngrade = "AAA"\nmin = 99999999999999999999\n'
        + '[[grades]]\ngrade = "D"\nmax = 99999999999999999998\n',
        14,
        "grade AAA: min 99999999999999999999 must be",
    ),
    "big.toml": (
        policy_text(rule("t", "tax.arrears", -5)).replace("Test city", "x" * 10_000_000),
        1,
        "larger than",
    ),
    "long-title.toml": (
        policy_text(rule("t", "tax.arrears", -5)).replace("Test city", "x" * 201),
        2,
        "title must be text of at most 200",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_policy_is_refused_with_line_and_nothing_installed(
    cli: typer.Typer, tmp_path: Path, name: str
) -> None:
    """Huge numbers, NaN, deep nesting, a 10 MB file: FILE:LINE: reason, never a traceback,
    and nothing installed (the numbers would overflow the store's columns at apply or the
    engines' at refresh)."""
    text, line, reason = HOSTILE[name]
    path = write(tmp_path, name, text)
    before = installed()
    for verb in ("validate", "apply"):
        result = runner.invoke(cli, ["ledgers", verb, path])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"{path}:{line}: " in result.output and reason in result.output, result.output
    assert installed() == before


def test_points_may_not_outlast_the_record(cli: typer.Typer, tmp_path: Path) -> None:
    """A commendation is kept 3 years: a rule counting it 120 months would show the person a
    stop date the record never reaches (it expires first). Refused on the months line."""
    text = policy_text(rule("c", "commendation", 30, months=120))
    path = write(tmp_path, "long.toml", text)
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1
    assert (
        f"{path}:10: rule 'c': months 120 outlast the record: commendation records are kept "
        "3 years, so points may count at most 36 months"
    ) in result.output
    ok = write(tmp_path, "ok.toml", policy_text(rule("c", "commendation", 30, months=36)))
    assert runner.invoke(cli, ["ledgers", "validate", ok]).exit_code == 0


def test_too_many_rules_conditions_or_values_are_refused(cli: typer.Typer, tmp_path: Path) -> None:
    many = policy_text(*(rule(f"r{i}", "tax.arrears", -1) for i in range(201)))
    path = write(tmp_path, "many.toml", many)
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1 and "at most 200 rules (this one has 201)" in result.output
    values = ", ".join(f'"A{i}"' for i in range(1001))
    when = f'{{ field = "authority", op = "in", value = [{values}] }}'
    path = write(tmp_path, "in.toml", policy_text(rule("r", "penalty.imposed", -1, when=when)))
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1
    assert (
        f"{path}:9: rule 'r': 'in' needs a non-empty list of at most 1000 values" in result.output
    )
    when = ", ".join(['{ field = "authority", op = "==", value = "A" }'] * 21)
    path = write(tmp_path, "when.toml", policy_text(rule("r", "penalty.imposed", -1, when=when)))
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1 and "at most 20 conditions (this one has 21)" in result.output


def test_a_long_file_with_many_problems_is_checked_in_seconds(
    cli: typer.Typer, tmp_path: Path
) -> None:
    """Every problem's line was found by rescanning the file from the top (200 rules under
    the size limit, each with two problems: about half a minute); blocks are found once."""
    rules_ = [rule(f"r{i}", "tax.arrears", 0, basis="") + "#\n" * 2400 for i in range(200)]
    path = write(tmp_path, "long.toml", policy_text(*rules_))
    started = time.monotonic()
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1 and result.output.count("legal_basis is required") == 200
    assert time.monotonic() - started < 8


@pytest.mark.parametrize(
    ("basis", "reason"),
    [
        ("\u200b", "must name a law or regulation"),  # a zero-width space: an empty basis
        ("Law art. 1\u202e5 .tra", "invisible or control characters (U+202E)"),
    ],
)
def test_a_legal_basis_that_shows_nothing_or_hides_text_is_refused(
    cli: typer.Typer, tmp_path: Path, basis: str, reason: str
) -> None:
    """The person reads each point's legal basis; one that displays as nothing or reorders
    itself (a right-to-left override) is no basis."""
    path = tmp_path / "hidden.toml"
    path.write_text(policy_text(rule("t", "tax.arrears", -5, basis=basis)), encoding="utf-8")
    result = runner.invoke(cli, ["ledgers", "validate", str(path)])
    assert result.exit_code == 1 and f"{path}:11: rule 't': " in result.output
    assert reason in result.output, result.output


def test_apply_from_a_path_longer_than_the_store_holds_is_refused(
    cli: typer.Typer, tmp_path: Path
) -> None:
    deep = tmp_path
    while len(str(deep)) < 560:
        deep = deep / ("d" * 60)
    deep.mkdir(parents=True)
    path = write(deep, "city.toml", EXAMPLE.read_text().replace("version = 1", "version = 99"))
    before = installed()
    result = runner.invoke(cli, ["ledgers", "apply", path])
    assert result.exit_code == 1 and "longer than 512 characters" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert installed() == before


@pytest.mark.parametrize(
    ("ends", "reason"),
    [
        (
            '{ category = "court.judgment", field = "case_number" }',
            "ends_with category 'court.judgment' is the rule's own",
        ),
        (
            '{ category = "payment.transfer", field = "direction" }',
            "ends_with: category 'payment.transfer' feeds integrity checks only",
        ),
    ],
)
def test_ends_with_its_own_or_an_integrity_category_is_refused(
    cli: typer.Typer, tmp_path: Path, ends: str, reason: str
) -> None:
    text = policy_text(rule("j", "court.judgment", -50, extra=f"ends_with = {ends}"))
    path = write(tmp_path, "ends.toml", text)
    result = runner.invoke(cli, ["ledgers", "validate", path])
    assert result.exit_code == 1 and f"{path}:12: rule 'j': {reason}" in result.output, (
        result.output
    )


def test_policy_text_is_printed_as_text_not_rich_markup(cli: typer.Typer, tmp_path: Path) -> None:
    """A title (or legal basis) with square brackets is the operator's text: `[/]` once made
    `credo ledgers policies` fail with a Rich MarkupError, and `[link=...]` tags were hidden."""
    text = policy_text(rule("t", "tax.arrears", -5), version=77).replace(
        "Test city", "City [/] rules [link=https://example.org]see[/link]"
    )
    path = write(tmp_path, "brackets.toml", text.replace('scheme = "city"', 'scheme = "brk"'))
    assert runner.invoke(cli, ["ledgers", "apply", path]).exit_code == 0
    result = runner.invoke(cli, ["ledgers", "policies"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "City [/] rules [link=https://example.org]see[/link]" in result.output
