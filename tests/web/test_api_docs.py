"""/docs and /redoc come from the package (no CDN) under a same-origin CSP (issue 18)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import credo.web

STATIC = Path(credo.web.__file__).parent / "static" / "docs"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_same_origin_assets(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert "<script>" not in html  # no inline script: the CSP allows none
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert re.search(r"script-src 'self'(;|$)", csp)
    assert "http" not in csp and "*" not in csp
    if page == "/docs":  # Swagger UI runs under the pages' style policy as it is
        assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        asset = client.get(src)
        assert asset.status_code == 200, src
        assert len(asset.content) > 100


def test_vendored_assets_are_in_the_package_and_nothing_else_is_served(
    client: TestClient,
) -> None:
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert (STATIC / name).stat().st_size > 100_000
    assert client.get("/static/docs/README.md").status_code == 404
    assert client.get("/static/docs/..%2F..%2Fconfig.py").status_code == 404
    spec = client.get("/openapi.json").json()
    assert "/docs" not in spec["paths"] and "/redoc" not in spec["paths"]


@pytest.mark.browser
def test_docs_render_in_a_real_browser_with_no_csp_violation_or_outside_request(
    engine: Any, settings: Any
) -> None:
    """Chromium on loopback: both viewers draw the API, nothing is blocked, nothing leaves."""
    import socket
    import threading
    import time

    import uvicorn
    from playwright import sync_api

    from credo.api.app import create_app
    from tests.web.test_browser import ARGS, CHROMIUM

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app = create_app(settings, engine=engine)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    problems: list[str] = []
    outside: list[str] = []
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("request", lambda r: None if r.url.startswith((base, "blob:", "data:"))
                    else outside.append(r.url))  # fmt: skip
            page.goto(f"{base}/docs")
            page.wait_for_selector(".opblock", timeout=20_000)
            assert page.locator(".opblock").count() >= 20
            page.goto(f"{base}/redoc")
            page.wait_for_selector("text=\"/v1/records\"", timeout=20_000)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(5)
    csp = [p for p in problems if "Content Security Policy" in p and "cdn.redoc.ly" not in p]
    assert not csp, csp
    assert not [u for u in outside if "cdn.redoc.ly" not in u], outside
