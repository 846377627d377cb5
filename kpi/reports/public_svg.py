"""An indicator chart as inline SVG for the public site: the same ``IndicatorChartData`` the
screen (plotly) and the PDF (matplotlib) draw, at the nominal geometry of
``kpi.charts.label_placement`` so that its label positions hold.

Every text is escaped; the SVG has a <title> and <desc> (role="img"), and the page puts the
chart's numbers in a table beside it.
"""

from __future__ import annotations

from html import escape

from kpi.charts.data import IndicatorChartData
from kpi.charts.label_placement import LINE_GAP, MARGIN_L, MARGIN_R, PLOT_H, PLOT_W, TEXT_PX, text_width_em

MARGIN_T = 12
MARGIN_B = 52  # x ticks and the legend
DASHES = {"solid": "", "dash": "6 4", "dot": "2 3", "dashdot": "7 3 2 3"}
ANCHOR = {"left": "start", "right": "end", "center": "middle"}
# The em box's edges: a label set "bottom" ends at its anchor (no descent below it), as placed.
BASELINE = {"bottom": "text-after-edge", "top": "text-before-edge", "middle": "central"}


def _font(font: str) -> str:
    return f' font-family="{escape(font)}"' if font else ""


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def status_marker(kind: str, x: float, y: float, color: str, r: float = 6.0) -> str:
    """A status shape (the palette's plotly marker ``kind``) centred at (x, y): the latest
    actual of an indicator chart, a ● of the 工程表 (kpi.reports.gantt_svg)."""
    if kind in ("triangle-up",):
        pts = f"{_n(x)},{_n(y - r)} {_n(x - r)},{_n(y + r * 0.8)} {_n(x + r)},{_n(y + r * 0.8)}"
        return f'<polygon points="{pts}" fill="{color}" stroke="#000" stroke-width="1"/>'
    if kind in ("x",):
        d = f"M{_n(x - r)},{_n(y - r)}L{_n(x + r)},{_n(y + r)}M{_n(x - r)},{_n(y + r)}L{_n(x + r)},{_n(y - r)}"
        return f'<path d="{d}" stroke="{color}" stroke-width="3"/>'
    if kind in ("diamond", "diamond-open", "hourglass"):
        pts = f"{_n(x)},{_n(y - r)} {_n(x + r)},{_n(y)} {_n(x)},{_n(y + r)} {_n(x - r)},{_n(y)}"
        fill = "none" if kind.endswith("open") else color
        return f'<polygon points="{pts}" fill="{fill}" stroke="{color}" stroke-width="1.5"/>'
    if kind == "star":
        import math

        pts = " ".join(
            f"{_n(x + (r if i % 2 == 0 else r / 2.2) * math.sin(i * math.pi / 5))},"
            f"{_n(y - (r if i % 2 == 0 else r / 2.2) * math.cos(i * math.pi / 5))}"
            for i in range(10)
        )
        return f'<polygon points="{pts}" fill="{color}" stroke="#000" stroke-width="0.8"/>'
    if kind == "line-ew-open":
        return f'<path d="M{_n(x - r)},{_n(y)}H{_n(x + r)}" stroke="{color}" stroke-width="2.5"/>'
    fill = "none" if kind.endswith("open") else color
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}" stroke="#000" stroke-width="1"/>'


def chart_svg(chart: IndicatorChartData, chart_id: str, description: str, font: str = "") -> str:
    """The chart as one <svg> element; ``description`` is its text alternative (<desc>).
    ``font``: its font-family (a stand-alone image, e.g. the screen's <img>, has no page CSS)."""
    width, height = MARGIN_L + PLOT_W + MARGIN_R, MARGIN_T + PLOT_H + MARGIN_B
    (x0, x1), (y0, y1) = chart.x_range, chart.y_range

    def px(x: float) -> float:
        return MARGIN_L + (x - x0) / (x1 - x0) * PLOT_W

    def py(y: float) -> float:
        span = (y1 - y0) or 1.0
        return MARGIN_T + PLOT_H - (y - y0) / span * PLOT_H

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" class="chart"{_font(font)}>',
        f'<title id="{chart_id}-t">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<rect x="{MARGIN_L}" y="{MARGIN_T}" width="{PLOT_W}" height="{PLOT_H}" fill="#fff" stroke="#9e9e9e"/>',
    ]
    for value, text in chart.y_ticks:
        y = py(value)
        out.append(f'<path d="M{MARGIN_L},{_n(y)}h{PLOT_W}" stroke="#e0e0e0"/>')
        out.append(
            f'<text x="{MARGIN_L - 4}" y="{_n(y)}" text-anchor="end" dominant-baseline="central" '
            f'font-size="{TEXT_PX}">{escape(text)}</text>'
        )
    if chart.y_title:
        out.append(f'<text x="4" y="{MARGIN_T - 2}" font-size="{TEXT_PX}">{escape(chart.y_title)}</text>')
    for value, text in chart.x_ticks:
        out.append(
            f'<text x="{_n(px(value))}" y="{MARGIN_T + PLOT_H + 14}" text-anchor="middle" '
            f'font-size="{TEXT_PX}">{escape(text)}</text>'
        )
    for ln in chart.lines:
        dash = DASHES.get(ln.dash, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if ln.vertical:
            d = f"M{_n(px(ln.value))},{MARGIN_T}v{PLOT_H}"
        else:
            d = f"M{MARGIN_L},{_n(py(ln.value))}h{PLOT_W}"
        out.append(f'<path d="{d}" stroke="{ln.color}" stroke-width="{ln.width}" fill="none"{dash_attr}/>')
    for s in chart.series:
        if not s.xs:
            continue
        pts = " ".join(f"{_n(px(x))},{_n(py(y))}" for x, y in zip(s.xs, s.ys, strict=True))
        dash = DASHES.get(s.dash, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline points="{pts}" fill="none" stroke="{s.color}" stroke-width="{s.width}"{dash_attr}/>')
        if s.markers:
            out += [
                f'<circle cx="{_n(px(x))}" cy="{_n(py(y))}" r="2.5" fill="{s.color}"/>'
                for x, y in zip(s.xs, s.ys, strict=True)
            ]
    for lb in chart.labels:
        x, y = px(lb.x), py(lb.y)  # where the placement put it (off every line)
        out.append(
            f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{ANCHOR.get(lb.ha, "start")}" '
            f'dominant-baseline="{BASELINE.get(lb.va, "auto")}" font-size="{TEXT_PX}" fill="{lb.color}" '
            f'stroke="#fff" stroke-width="3" paint-order="stroke">{escape(lb.text)}</text>'
        )
    if chart.status is not None:
        out.append(status_marker(chart.status.marker, px(chart.status.x), py(chart.status.y), chart.status.color))
    # The legend under the axis: a short line and the series' name, wrapped to the width.
    lx, ly = float(MARGIN_L), MARGIN_T + PLOT_H + 14 + TEXT_PX * LINE_GAP + 8
    for s in chart.series:
        step = 30 + TEXT_PX * text_width_em(s.name)
        if lx > MARGIN_L and lx + step > width:
            lx, ly = float(MARGIN_L), ly + TEXT_PX * LINE_GAP + 4
        dash = DASHES.get(s.dash, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<path d="M{_n(lx)},{_n(ly)}h18" stroke="{s.color}" stroke-width="{s.width}"{dash_attr}/>')
        out.append(
            f'<text x="{_n(lx + 22)}" y="{_n(ly)}" dominant-baseline="central" '
            f'font-size="{TEXT_PX}">{escape(s.name)}</text>'
        )
        lx += step
    bottom = ly + TEXT_PX
    if bottom > height:  # a wrapped legend makes the drawing taller
        out[0] = out[0].replace(f"0 0 {width} {height}", f"0 0 {width} {_n(bottom + 4)}")
    out.append("</svg>")
    return "".join(out)
