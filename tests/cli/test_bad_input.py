"""Bad input to ``credo`` commands: one clear error naming the option (or setting) and the
value, a failing exit code, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from credo.cli.main import app
from credo.config import get_settings
from tests.envelopes import repayment


def cli(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "400"}).invoke(app, list(args))


def refused(result: Any, *words: str, code: int = 1) -> None:
    """Exit ``code``, no traceback, every word in the output (Rich's wrapping undone)."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    text = " ".join(result.output.split())
    assert "Traceback" not in text
    for word in words:
        assert word in text, (word, result.output)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("nonsense", "nonsense"),
        ("postgresql+psycopg://u:hush@127.0.0.1:1/x", "postgresql+psycopg://u:***@127.0.0.1:1/x"),
        ("mysql://u:hush@127.0.0.1:1/x", "mysql://u:***@127.0.0.1:1/x"),
    ],
)
@pytest.mark.parametrize("command", [["init"], ["furnishers", "list"]])
def test_a_store_url_that_does_not_open_is_named(
    monkeypatch: pytest.MonkeyPatch, url: str, shown: str, command: list[str]
) -> None:
    monkeypatch.setenv("CREDO_DATABASE_URL", url)
    get_settings.cache_clear()
    result = cli(*command)
    refused(result, "CREDO_DATABASE_URL", shown)
    assert "hush" not in result.output


def test_init_does_not_print_the_store_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDO_DATABASE_URL", "postgresql+psycopg://u:hush@127.0.0.1:1/x")
    get_settings.cache_clear()
    assert "hush" not in cli("init").output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--limit", "0"], ["--limit", "0"]),
        (["--limit", "-1"], ["--limit", "-1"]),
        (["--limit", "5000"], ["--limit", "5000"]),
        (["--state", "weird"], ["--state", "'weird'"]),
    ],
)
def test_lists_show_refuses_what_the_api_refuses(args: list[str], words: list[str]) -> None:
    assert cli("init").exit_code == 0
    refused(cli("lists", "show", "defaulter", *args), *words)


@pytest.mark.parametrize(
    "args",
    [
        ["notices", "retry", "99999999999999999999"],
        ["notices", "retry", "0"],
        ["register", "decide", "99999999999999999999", "upheld"],
    ],
)
def test_ids_out_of_range_are_named(args: list[str]) -> None:
    assert cli("init").exit_code == 0
    refused(cli(*args), "ID", args[2])


@pytest.mark.parametrize("poll", ["0", "-1"])
def test_worker_refuses_a_poll_that_would_spin(poll: str) -> None:
    refused(cli("worker", "--poll", poll), "--poll", poll)


@pytest.mark.parametrize("key", ["zz", "abcd", "00" * 31])
def test_audit_verify_names_a_malformed_public_key(key: str) -> None:
    assert cli("init").exit_code == 0
    refused(cli("audit", "verify", "--public-key", key), "--public-key", key)


def test_audit_verify_names_a_server_it_cannot_reach() -> None:
    assert cli("init").exit_code == 0
    url = "http://127.0.0.1:9"
    refused(cli("audit", "verify", "--url", url), "--url", url)


@pytest.mark.parametrize("command", ["apply", "psi", "card"])
def test_model_commands_name_a_missing_model_file(tmp_path: Path, command: str) -> None:
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,2\n")
    missing = str(tmp_path / "nowhere.json")
    args = ["model", command, "--model", missing]
    if command != "card":
        args += ["--table", str(table)]
    if command == "apply":
        args += ["--out", str(tmp_path / "o.parquet")]
    refused(cli(*args), "--model", missing)


def test_model_fit_names_a_missing_audit_file_before_fitting(tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    missing = str(tmp_path / "audit_only.parquet")
    refused(
        cli("model", "fit", "--registry", "--audit-file", missing, "--as-of", "2026-06-30"),
        "--audit-file",
        missing,
    )


def test_open_data_out_that_is_a_file_is_named(tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    taken = tmp_path / "taken"
    taken.write_text("x")
    refused(cli("publish", "open-data", "--out", str(taken)), "--out", str(taken))


def test_the_demo_stores_its_records_through_the_intake_workflow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``credo demo``'s notices step submits as the API does: the batch is refused whole when
    one external_id comes twice with different content (its own copy stored it)."""
    from credo.cli import notices_demo
    from credo.cli.common import transaction
    from credo.errors import InvalidInput
    from credo.furnishers import service as furnishers
    from credo.records import service as records

    assert cli("init").exit_code == 0
    with transaction() as session:
        bank, _ = furnishers.add(
            session=session, name="Bank", kind="bank", categories=["loan.repayment"]
        )
        twice = [repayment("r-1"), repayment("r-1", amount="99.00")]
        with pytest.raises(InvalidInput, match="r-1"):
            notices_demo._store(session, bank, twice)
    calls: list[str] = []
    real = records.submit
    monkeypatch.setattr(records, "submit", lambda **kw: calls.append("submit") or real(**kw))
    with transaction() as session:
        bank = furnishers.get(session=session, furnisher_id=bank.id)
        notices_demo._store(session, bank, [repayment("r-2")])
    assert calls == ["submit"]
    listed = cli("report", "cn_ric", repayment()["subject"]["id"], "--json")
    assert len(json.loads(listed.stdout.strip().splitlines()[-1])["records"]) == 1


@pytest.fixture
def table(tmp_path: Path) -> Path:
    rows = ["x,y"] + [f"{i % 7},{int(i % 7 > 3)}" for i in range(200)]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        (["--out", "{nodir}/m.json"], "--out"),
        (["--out", "{tmp}/m.json", "--card", "{nodir}/c.md"], "--card"),
        (["--out", "{tmp}/m.json", "--seed", "-1"], "--seed"),
    ],
)
def test_model_fit_table_checks_where_it_writes_before_fitting(
    tmp_path: Path, table: Path, extra: list[str], option: str
) -> None:
    args = [a.format(tmp=tmp_path, nodir=tmp_path / "nodir") for a in extra]
    value = args[args.index(option) + 1]
    result = cli("model", "fit", "--table", str(table), "--target", "y", "--bad", "1", *args)
    refused(result, option, value)
    assert not (tmp_path / "m.json").exists()


def test_model_apply_checks_its_out_folder(tmp_path: Path, table: Path) -> None:
    model = tmp_path / "m.json"
    fitted = cli(
        "model", "fit", "--table", str(table), "--target", "y", "--bad", "1", "--out", str(model)
    )
    assert fitted.exit_code == 0, fitted.output
    out = str(tmp_path / "nodir" / "o.parquet")
    result = cli("model", "apply", "--model", str(model), "--table", str(table), "--out", out)
    refused(result, "--out", out)


def test_model_fit_names_an_audit_file_that_is_not_parquet(tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    garbage = tmp_path / "audit_only.parquet"
    garbage.write_text("not parquet")
    result = cli(
        "model", "fit", "--registry", "--audit-file", str(garbage), "--as-of", "2026-06-01"
    )
    refused(result, "--audit-file", str(garbage), "Parquet")


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "--port", "70000"],
        ["demo", "--port", "0", "--no-serve"],
        ["demo", "--persons", "-5", "--no-serve"],
        ["demo", "--years", "1", "--no-serve"],
    ],
)
def test_serve_and_demo_name_a_bad_number(args: list[str]) -> None:
    result = cli(*args)
    refused(result, args[1], args[2])
    assert not (Path(get_settings().data_dir) / "demo").exists()


def test_keys_list_names_a_holder_that_does_not_exist() -> None:
    assert cli("init").exit_code == 0
    refused(cli("keys", "list", "fur_nobody"), "fur_nobody")
    added = cli("furnishers", "add", "B", "--kind", "bank", "--categories", "loan.opened", "--json")
    holder = json.loads(added.stdout.strip().splitlines()[-1])["id"]
    listed = cli("keys", "list", holder, "--json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)["keys"]) == 1


def test_ledgers_show_names_a_bad_day_before_looking_up_the_subject() -> None:
    assert cli("init").exit_code == 0
    refused(cli("ledgers", "show", "city", "cn_ric", "11010519491231002X", "--on", "nope"), "--on")


@pytest.mark.parametrize("args", [["register", "grade"], ["publish", "open-data"]])
def test_publishing_as_of_a_future_day_is_refused(args: list[str]) -> None:
    """Public grades and a dated open-data export as of a day not yet come (credo refresh
    refuses a future as-of too)."""
    assert cli("init").exit_code == 0
    refused(cli(*args, "--as-of", "2999-01-01"), "--as-of", "2999-01-01", "future")


def test_serve_says_the_store_was_never_initialised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: served.append(a))
    missing = tmp_path / "never.db"
    monkeypatch.setenv("CREDO_DATABASE_URL", f"sqlite:///{missing}")
    get_settings.cache_clear()
    refused(cli("serve", "--port", "8799"), "store_not_initialised", "credo init")
    assert not served and not missing.exists()
    assert cli("init").exit_code == 0
    assert cli("serve", "--port", "8799").exit_code == 0 and len(served) == 1


def test_audit_verify_json_gives_the_reason_a_server_check_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from credo.cli import audit

    assert cli("init").exit_code == 0
    problem = "entry 3: inclusion proof does not verify"
    monkeypatch.setattr(audit, "check_remote", lambda url, public: [problem])
    result = cli("audit", "verify", "--url", "https://credo.example", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ok"] is False and report["reason"] == problem


@pytest.mark.parametrize("name", ["F" * 201, "Bank\x00Seven", "   "])
def test_furnishers_add_names_a_bad_name(name: str) -> None:
    """The store holds 200 characters: a longer name was a DataError traceback on
    PostgreSQL (SQLite kept it); a NUL or an empty name is refused likewise."""
    assert cli("init").exit_code == 0
    result = cli("furnishers", "add", name, "--kind", "bank", "--categories", "loan.opened")
    refused(result, "name")
    listed = cli("furnishers", "list", "--json")
    assert listed.exit_code == 0 and "F" * 201 not in listed.stdout


def test_tables_print_furnished_text_as_text_not_markup() -> None:
    """A name holding Rich markup ('[/]' closes nothing: MarkupError; '[link=...]' hides
    words) is printed as written in every table."""
    assert cli("init").exit_code == 0
    for name in ("[/]Bank", "[link=https://x.example]Court[/link] of Appeal"):
        added = cli("furnishers", "add", name, "--kind", "bank", "--categories", "loan.opened")
        assert added.exit_code == 0, added.output
    listed = cli("furnishers", "list")
    assert listed.exit_code == 0, listed.output
    text = " ".join(listed.output.split())
    assert "[/]Bank" in text and "[link=https://x.example]Court[/link]" in text



def test_an_error_quoting_markup_is_printed_not_a_traceback() -> None:
    """An error message quotes the bad value: '[/]' in it made the error a MarkupError."""
    assert cli("init").exit_code == 0
    refused(cli("keys", "list", "fur_[/]x"), "fur_[/]x")


def test_model_apply_writes_only_what_its_out_name_says(tmp_path: Path, table: Path) -> None:
    """Scores are written as Parquet: an --out named .csv got Parquet bytes under that name."""
    model = tmp_path / "m.json"
    fitted = cli(
        "model", "fit", "--table", str(table), "--target", "y", "--bad", "1", "--out", str(model)
    )
    assert fitted.exit_code == 0, fitted.output
    out = tmp_path / "scores.csv"
    refused(cli("model", "apply", "--model", str(model), "--table", str(table), "--out", str(out)),
            "--out", ".parquet")  # fmt: skip
    assert not out.exists()
