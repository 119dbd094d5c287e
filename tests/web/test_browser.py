"""Real-browser flows: Debian's Chromium via Playwright against uvicorn on a file SQLite store."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from credo.config import Settings
from credo.core.db import make_engine, session_factory
from credo.models import metadata
from tests.web.conftest import OPERATOR_KEY, web_app
from tests.web.seed import FOODS, PERSON_ID, PERSON_NAME, Seeded, seed

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded]]:
    import uvicorn

    mp = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("browser")
    mp.setenv("CREDO_SECRET", "test-secret")
    mp.setenv("CREDO_OPERATOR_KEY", OPERATOR_KEY)
    mp.setenv("CREDO_DATABASE_URL", f"sqlite:///{folder}/credo.db")
    settings = Settings()
    engine = make_engine(settings.database_url)
    metadata.create_all(engine)
    seeded = seed(session_factory(engine))
    port = _free_port()
    config = uvicorn.Config(web_app(settings, engine), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", seeded
    srv.should_exit = True
    thread.join(5)
    engine.dispose()
    mp.undo()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run make system-deps"
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _shot(page: Any, name: str, doc: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if doc and os.environ.get("CREDO_UPDATE_SCREENSHOTS"):  # README pictures, on request
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_SHOTS / f"{name}.png")


def test_public_search_to_organisation_page(server: tuple[str, Seeded], browser: Any) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(base + "/")
    page.keyboard.press("Tab")  # the skip link is the first stop and becomes visible
    assert page.evaluate("document.activeElement.className") == "skip"
    page.get_by_label("Name or unified social credit code").fill("beijing foods")
    page.get_by_role("button", name="Search").click()
    _shot(page, "public-search")
    assert PERSON_NAME not in page.content()
    page.get_by_role("link", name="Beijing Foods Ltd").click()
    page.wait_for_url(f"**/org/{FOODS}")
    assert page.get_by_role("heading", name="Inspections").is_visible()
    content = page.content()
    assert "JS-2026-17" in content and PERSON_NAME not in content and PERSON_ID not in content
    _shot(page, "public-organisation", doc=True)
    page.goto(base + "/?q=" + PERSON_NAME.replace(" ", "+"))
    assert "No organisation matches" in page.content()
    page.close()


def test_subject_signs_in_reads_report_and_disputes(
    server: tuple[str, Seeded], browser: Any
) -> None:
    base, seeded = server
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(base + "/me")
    page.wait_for_url("**/me/signin")
    page.get_by_label("Subject token").fill(seeded.token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me")
    cookie = next(c for c in context.cookies() if c["name"] == "credo_subject")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.locator("svg[role=img]").count() == 3
    _shot(page, "subject-portal", doc=True)
    page.get_by_role("link", name="Printable report").click()
    page.wait_for_url("**/me/report")
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    _shot(page, "subject-report")
    page.emulate_media(media="screen")
    page.goto(base + "/me")
    row = page.locator("tr", has=page.get_by_text("days late: 45")).first
    row.get_by_text("Dispute this record").click()
    row.get_by_label("What is wrong with it?").fill("I paid on time; the bank has my receipt.")
    row.get_by_role("button", name="Dispute record").click()
    page.wait_for_url("**/me?done=dispute*")
    assert page.get_by_role("status").is_visible()
    assert page.locator("#records .badge.pending").count() == 1
    _shot(page, "subject-disputed")
    context.close()


def test_operator_approves_a_repair(server: tuple[str, Seeded], browser: Any) -> None:
    base, seeded = server
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(base + "/admin")
    page.get_by_label("Operator key").fill(OPERATOR_KEY)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin")
    assert page.get_by_role("heading", name="Credit-repair queue").is_visible()
    _shot(page, "operator-console", doc=True)
    page.get_by_role("button", name=f"Approve repair {seeded.repair_id}").click()
    page.wait_for_url("**/admin?done=repair*")
    assert "Repair decision recorded" in page.content()
    assert "No repair applications are waiting" in page.content()
    context.close()
