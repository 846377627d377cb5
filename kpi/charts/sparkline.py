"""A small inline SVG sparkline of an indicator's monthly values (no JavaScript, prints).

Pure: fiscal month indices and values in, an SVG string out. A month without a value is a
gap in the line; a month standing alone between gaps is a dot.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from kpi.charts.data import ACTUAL_COLOR

WIDTH = 96
HEIGHT = 24
PAD = 3  # room for the dots at the edges
MONTHS = 12  # a fiscal year: index 1 = April … 12 = March


def segments(
    points: Sequence[tuple[int, float]], width: int = WIDTH, height: int = HEIGHT
) -> list[list[tuple[float, float]]]:
    """SVG coordinates of each run of consecutive months (a missing month ends a run).

    x places month ``i`` of 1…12 on the width; y spans the values' range (a flat series
    sits in the middle), larger values higher.
    """
    pts = sorted((int(i), float(v)) for i, v in points)
    if not pts:
        return []
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    step = (width - 2 * PAD) / (MONTHS - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        y = height / 2 if hi == lo else height - PAD - (v - lo) / (hi - lo) * (height - 2 * PAD)
        return round(PAD + (i - 1) * step, 1), round(y, 1)

    runs: list[list[tuple[float, float]]] = []
    previous = None
    for i, v in pts:
        if previous is None or i != previous + 1:
            runs.append([])
        runs[-1].append(xy(i, v))
        previous = i
    return runs


def sparkline_svg(points: Sequence[tuple[int, float]], label: str, empty: str = "―") -> str:
    """The sparkline as inline SVG with ``label`` as its accessible name and tooltip;
    ``empty`` (「―」) when there is no value at all."""
    runs = segments(points)
    name = html.escape(label)
    if not runs:
        return f'<span class="kpi-spark-none" title="{name}" aria-label="{name}">{html.escape(empty)}</span>'
    parts = []
    for run in runs:
        if len(run) == 1:
            x, y = run[0]
            parts.append(f'<circle cx="{x}" cy="{y}" r="1.8" fill="{ACTUAL_COLOR}"/>')
        else:
            coords = " ".join(f"{x},{y}" for x, y in run)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{ACTUAL_COLOR}" stroke-width="1.5" '
                'stroke-linejoin="round" stroke-linecap="round"/>'
            )
    x, y = runs[-1][-1]  # the latest value: where the line ends now
    parts.append(f'<circle cx="{x}" cy="{y}" r="2.4" fill="{ACTUAL_COLOR}"/>')
    return (
        f'<svg class="kpi-spark" role="img" aria-label="{name}" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}"><title>{name}</title>{"".join(parts)}</svg>'
    )
