"""Charts are pure functions: well-formed, labelled SVG whose inks meet WCAG AA."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from credo.web import charts

NS = "{http://www.w3.org/2000/svg}"
CSS = Path(charts.__file__).parent / "static" / "credo.css"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    labelled = root.get("aria-labelledby", "").split()
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert labelled and set(labelled) <= ids
    assert root.find(f"{NS}title") is not None and root.find(f"{NS}desc") is not None
    return root


@pytest.mark.parametrize(("score", "band"), [(350, "poor"), (599, "fair"), (631, "good"),
                                             (699, "very good"), (950, "excellent")])
def test_gauge_names_score_and_band(score: int, band: str) -> None:
    root = _parse(charts.gauge(score))
    assert root.findtext(f"{NS}title") == f"Score {score}, {band}"
    assert f"band {band}" in (root.findtext(f"{NS}desc") or "")
    assert len(root.findall(f"{NS}path")) == 5  # one arc per band


def test_radar_describes_every_dimension_and_missing_ones() -> None:
    dims = {"history": 58, "capacity": 71, "compliance": 90, "payments": None, "identity": 64}
    root = _parse(charts.radar(dims, chart_id="r1"))
    desc = root.findtext(f"{NS}desc") or ""
    assert "history 58" in desc and "payments no data" in desc
    assert root.get("aria-labelledby") == "r1-title r1-desc"


def test_line_lists_points_and_handles_none_or_one() -> None:
    pts = [(dt.date(2026, 1, 1), 598), (dt.date(2026, 3, 1), 631)]
    root = _parse(charts.line(pts))
    assert "2026-03-01: 631" in (root.findtext(f"{NS}desc") or "")
    assert len(root.findall(f"{NS}circle")) == 2
    _parse(charts.line([]))
    _parse(charts.line(pts[:1]))


def test_text_is_escaped() -> None:
    svg = charts.radar({"<script>": 10, "b": 20, "c": 30})
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    _parse(svg)


def test_palette_meets_wcag_aa() -> None:
    inks = [c for _f, _n, c in charts.BANDS] + [charts.INK, charts.MUTED, charts.ACCENT]
    for ink in inks:
        assert charts.contrast(ink) >= 4.5, ink
    css = CSS.read_text()
    variables = dict(re.findall(r"--(ink|muted|link|bad|warn|ok):(#[0-9a-f]{6})", css))
    assert len(variables) == 6
    for name, colour in variables.items():
        assert charts.contrast(colour) >= 4.5, name
        assert charts.contrast(colour, "#f4f6f8") >= 4.5, name  # table heads, statements
    assert charts.contrast("#ffffff", variables["link"]) >= 4.5  # button text
    assert charts.contrast("#ffffff", variables["ink"]) >= 4.5  # header links
    assert charts.contrast(variables["warn"], "#fff8ef") >= 4.5  # pending badge
