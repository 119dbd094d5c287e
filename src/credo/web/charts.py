"""Server-side SVG charts: pure functions from numbers to accessible SVG strings.

Each chart is ``role="img"`` with a ``<title>`` and ``<desc>`` it is labelled by, so a screen
reader announces what a sighted reader sees; no JavaScript, no external assets. Colours come
from one palette whose every ink meets WCAG AA (4.5:1) on white (``tests/web`` checks it).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from html import escape

SCORE_MIN, SCORE_MAX = 350, 950

#: Band floors and inks (each ≥ 4.5:1 on white).
BANDS: tuple[tuple[int, str, str], ...] = (
    (350, "poor", "#b3261e"),
    (550, "fair", "#9a4a00"),
    (600, "good", "#6b5a00"),
    (650, "very good", "#2e6b1f"),
    (700, "excellent", "#1b5e20"),
)
INK = "#1a1a1a"
MUTED = "#555555"
ACCENT = "#0b5394"
GRID = "#767676"


def contrast(fg: str, bg: str = "#ffffff") -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""

    def lum(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def band_of(score: int) -> tuple[str, str]:
    """(band name, ink) of a score."""
    name, ink = BANDS[0][1], BANDS[0][2]
    for floor, n, c in BANDS:
        if score >= floor:
            name, ink = n, c
    return name, ink


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def _polar(cx: float, cy: float, r: float, angle: float) -> tuple[float, float]:
    return cx + r * math.cos(angle), cy - r * math.sin(angle)


def _angle(score: float) -> float:
    """Gauge angle in radians: π at 350 (left) to 0 at 950 (right)."""
    frac = (min(max(score, SCORE_MIN), SCORE_MAX) - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)
    return math.pi * (1 - frac)


def _arc(cx: float, cy: float, r: float, a0: float, a1: float) -> str:
    x0, y0 = _polar(cx, cy, r, a0)
    x1, y1 = _polar(cx, cy, r, a1)
    return f"M{x0:.1f},{y0:.1f} A{r},{r} 0 0 1 {x1:.1f},{y1:.1f}"


def gauge(score: int, *, chart_id: str = "gauge") -> str:
    """A half-circle gauge of a 350–950 score, its five band segments and a needle."""
    name, ink = band_of(score)
    width, height, cx, cy, r = 320, 190, 160, 160, 120
    desc = (
        f"Score {score} on a scale from {SCORE_MIN} to {SCORE_MAX}; band {name}. Bands: "
        + ", ".join(f"{n} from {f}" for f, n, _ in BANDS)
        + "."
    )
    parts = [_open(chart_id, width, height, f"Score {score}, {name}", desc)]
    floors = [b[0] for b in BANDS] + [SCORE_MAX]
    for (floor, _n, colour), top in zip(BANDS, floors[1:], strict=True):
        parts.append(
            f'<path d="{_arc(cx, cy, r, _angle(floor), _angle(top))}" fill="none" '
            f'stroke="{colour}" stroke-width="22"/>'
        )
    x0, y0 = _polar(cx, cy, r - 22, _angle(score))
    x1, y1 = _polar(cx, cy, r + 16, _angle(score))
    parts.append(
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{INK}" '
        'stroke-width="5" stroke-linecap="round"/>'
        f'<text x="{cx}" y="{cy - 20}" text-anchor="middle" font-size="40" font-weight="700" '
        f'fill="{INK}">{score}</text>'
        f'<text x="{cx}" y="{cy + 26}" text-anchor="middle" font-size="18" fill="{ink}" '
        f'font-weight="700">{escape(name)}</text>'
        f'<text x="{cx - r}" y="{cy + 26}" text-anchor="middle" font-size="13" '
        f'fill="{MUTED}">{SCORE_MIN}</text>'
        f'<text x="{cx + r}" y="{cy + 26}" text-anchor="middle" font-size="13" '
        f'fill="{MUTED}">{SCORE_MAX}</text>'
        "</svg>"
    )
    return "".join(parts)


def radar(dimensions: Mapping[str, int | None], *, chart_id: str = "radar") -> str:
    """A five-axis radar of 0–100 dimension sub-scores (a missing one is drawn at 0, labelled)."""
    names = list(dimensions)
    n = max(len(names), 3)
    width, height, cx, cy, r = 420, 300, 210, 150, 100
    shown = [f"{k} {'no data' if v is None else v}" for k, v in dimensions.items()]
    parts = [
        _open(
            chart_id,
            width,
            height,
            "Dimension sub-scores",
            "Sub-scores from 0 to 100: " + ", ".join(shown) + ".",
        )
    ]

    def point(i: int, value: float) -> tuple[float, float]:
        return _polar(cx, cy, r * value / 100, math.pi / 2 - 2 * math.pi * i / n)

    for ring in (25, 50, 75, 100):
        ring_pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(
            f'<polygon points="{ring_pts}" fill="none" stroke="{GRID}" stroke-width="0.75"/>'
        )
    for i, key in enumerate(names):
        x, y = point(i, 100)
        lx, ly = point(i, 122)
        value = dimensions[key]
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(
            f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" '
            'stroke-width="0.75"/>'
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" font-size="13" '
            f'fill="{INK}">{escape(key)} {"–" if value is None else value}</text>'
        )
    pts = " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (point(i, dimensions[k] or 0) for i, k in enumerate(names))
    )
    parts.append(
        f'<polygon points="{pts}" fill="{ACCENT}" fill-opacity="0.25" stroke="{ACCENT}" '
        'stroke-width="2"/></svg>'
    )
    return "".join(parts)


def line(
    points: Sequence[tuple[dt.date, int]],
    *,
    chart_id: str = "history",
    lo: int = SCORE_MIN,
    hi: int = SCORE_MAX,
) -> str:
    """A line chart of scores over time, with band gridlines and one marker per point."""
    width, height = 520, 220
    left, right, top, bottom = 48, 16, 16, 36
    pw, ph = width - left - right, height - top - bottom
    if points:
        listed = "; ".join(f"{d.isoformat()}: {v}" for d, v in points)
        desc = f"{len(points)} published scores, oldest first. {listed}."
    else:
        desc = "No scores published yet."
    parts = [_open(chart_id, width, height, "Score history", desc)]

    def y_of(v: float) -> float:
        return top + ph * (1 - (min(max(v, lo), hi) - lo) / (hi - lo))

    for floor, _name, _c in BANDS:
        y = y_of(floor)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" '
            'stroke-width="0.5" stroke-dasharray="3 3"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{floor}</text>'
        )
    if points:
        first, last = points[0][0], points[-1][0]
        span = max((last - first).days, 1)

        def x_of(d: dt.date) -> float:
            if len(points) == 1:
                return left + pw / 2
            return left + pw * (d - first).days / span

        coords = [(x_of(d), y_of(v)) for d, v in points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>'
        )
        for (x, y), (d, v) in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ACCENT}">'
                f"<title>{d.isoformat()}: {v}</title></circle>"
            )
        parts.append(
            f'<text x="{left}" y="{height - 10}" font-size="11" fill="{MUTED}">'
            f"{first.isoformat()}</text>"
            f'<text x="{width - right}" y="{height - 10}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{last.isoformat()}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
