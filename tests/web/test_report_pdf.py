"""The organisation's credit report as PDF: printed by headless Chromium, rendered back to
PNG with pdftoppm and its text checked with pdftotext (poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from credo.register import service
from tests.web.seed import FOODS, ORGS, PERSON_NAME

pytestmark = pytest.mark.browser


def test_report_pdf_renders_and_reads_back(
    web: TestClient, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "run make system-deps"
    with factory() as s, s.begin():
        service.publish(session=s)
    r = web.get(f"/org/{FOODS}/report.pdf")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    assert f"credo-report-{FOODS}-" in r.headers["content-disposition"]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(r.content)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    [png] = list(tmp_path.glob("page*.png"))
    with Image.open(png) as image:
        width, height = image.size
        assert height > width > 300  # A4 portrait
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
        assert dark > 1000, "the first page is blank"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    assert "Public credit report" in text and ORGS[FOODS] in text and FOODS in text
    assert "Public credit grade" in text and "Food safety: 3 / 5" in text
    assert "JS-2026-17" in text and PERSON_NAME not in text
