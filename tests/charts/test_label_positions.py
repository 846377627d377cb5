"""Issue 22 item 6: no chart label (年度末予測, 目標値, 基準値, 基準月, 起点, the no-target note) is
drawn on a line — the target line, the planned path, the actual line, the projection, the as-of
line — nor on the status mark.

Positions are checked three ways, each in its renderer's own coordinates: the chart data's
geometry (label text box from ``text_width_em`` at the nominal plot size, lines as segments),
the matplotlib figure of the PDF (text extents as the font draws them, line paths as drawn), and
the public SVG (its <text> and <path>/<polyline> elements). Over every sample chart and month,
and adversarial ones: a projection equal to, just above and just below the target, the target
at the top of the axis, flat lines, one actual, a 0 target (security incidents), a
decreasing-is-better indicator.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import pairwise

import pandas as pd
import pytest
from sqlalchemy import Engine

from kpi.charts import data as chart_data
from kpi.charts.label_placement import LINE_GAP, PLOT_H, PLOT_W, TEXT_PX, text_width_em
from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.domain.statuses import indicator_statuses
from kpi.services.demo import load_demo
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.reads import plan_data
from tests.conftest import ADMIN, TODAY

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Seg = tuple[tuple[float, float], tuple[float, float]]
CLEARANCE = 1.0  # px: half a line's width; a line this close to a text reads as touching it
MARK_R = 5.0  # px: half the status mark (10 pt in print)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> PlanData:
    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('labels') / 'kpi.db'}")
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
    with transaction(engine) as s:
        loaded = plan_data(s, 2026)
    engine.dispose()
    assert loaded is not None
    return loaded


# ---------------------------------------------------------------- geometry


def _hits(box: Box, seg: Seg, clearance: float = CLEARANCE) -> bool:
    """Whether a segment passes within ``clearance`` of the box (sampled every 0.25 px)."""
    x0, y0, x1, y1 = box[0] - clearance, box[1] - clearance, box[2] + clearance, box[3] + clearance
    (ax, ay), (bx, by) = seg
    n = max(1, int(max(abs(bx - ax), abs(by - ay)) * 4))
    for k in range(n + 1):
        px, py = ax + (bx - ax) * k / n, ay + (by - ay) * k / n
        if x0 < px < x1 and y0 < py < y1:
            return True
    return False


def _boxes_meet(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _nominal(chart: chart_data.IndicatorChartData) -> tuple[dict[str, Box], dict[str, list[Seg]], list[Box]]:
    """Label boxes, line segments and the status mark in nominal plot px (origin bottom left),
    recomputed from the drawn anchors (not from ``Label.box``)."""
    (xa, xb), (ya, yb) = chart.x_range, chart.y_range

    def p(x: float, y: float) -> tuple[float, float]:
        return ((x - xa) / (xb - xa) * PLOT_W, (y - ya) / (yb - ya) * PLOT_H)

    boxes = {}
    for lb in chart.labels:
        w, h = text_width_em(lb.text) * TEXT_PX, LINE_GAP * TEXT_PX
        ax, ay = p(lb.x, lb.y)
        x0 = ax if lb.ha == "left" else ax - w if lb.ha == "right" else ax - w / 2
        y0 = ay if lb.va == "bottom" else ay - h if lb.va == "top" else ay - h / 2
        boxes[lb.key] = (x0, y0, x0 + w, y0 + h)
    lines: dict[str, list[Seg]] = {}
    for s in chart.series:
        pts = [p(x, y) for x, y in zip(s.xs, s.ys, strict=True)]
        lines[f"series:{s.key}"] = list(pairwise(pts)) or [(q, q) for q in pts]
    for ln in chart.lines:
        if ln.vertical:
            x = p(ln.value, ya)[0]
            lines[f"line:{ln.key}"] = [((x, 0.0), (x, PLOT_H))]
        else:
            y = p(xa, ln.value)[1]
            lines[f"line:{ln.key}"] = [((0.0, y), (PLOT_W, y))]
    marks = []
    if chart.status is not None:
        mx, my = p(chart.status.x, chart.status.y)
        marks.append((mx - MARK_R, my - MARK_R, mx + MARK_R, my + MARK_R))
    return boxes, lines, marks


def _crossings(boxes: dict[str, Box], lines: dict[str, list[Seg]], marks: Sequence[Box]) -> list[str]:
    out = []
    for key, box in boxes.items():
        for line, segs in lines.items():
            if any(_hits(box, seg) for seg in segs):
                out.append(f"label:{key} on {line}")
        if any(_boxes_meet(box, m) for m in marks):
            out.append(f"label:{key} on the status mark")
    return out


def _where(chart: chart_data.IndicatorChartData) -> str:
    return f"{chart.code} y={tuple(round(v, 2) for v in chart.y_range)} " + ", ".join(
        f"{lb.key}@({lb.x:.2f},{lb.y:.2f},{lb.ha},{lb.va})" for lb in chart.labels
    )


# ---------------------------------------------------------------- the charts


def _row(data: PlanData, code: str, as_of: Month) -> dict | None:
    table = indicator_statuses(data, as_of)
    rows = table[table["id"] == code]
    return rows.iloc[0].to_dict() if len(rows) else None


def _chart(data: PlanData, code: str, as_of: Month, lang: str = "ja") -> chart_data.IndicatorChartData:
    return chart_data.indicator_chart_data(data, code, as_of, _row(data, code, as_of), lang)


def _sample_charts(data: PlanData) -> Iterator[chart_data.IndicatorChartData]:
    codes = list(data.indicators["code"])
    for as_of in [Month(2026, 4).add(i) for i in range(12)]:
        for code in codes:
            yield _chart(data, code, as_of)
    for code in codes:
        yield _chart(data, code, Month(2026, 11), "en")


def _variant(data: PlanData, code: str, values: Sequence[float], **fields: object) -> PlanData:
    """``data`` with ``code``'s actuals replaced by ``values`` (April on) and its fields set."""
    inds = data.indicators.copy()
    for name, value in fields.items():
        inds[name] = inds[name].astype(object)
        inds.loc[inds["code"] == code, name] = value
    acts = data.actuals.loc[data.actuals["code"] != code]
    template = data.actuals.loc[data.actuals["code"] == code].iloc[0].to_dict()
    rows = [{**template, "month": str(Month(2026, 4).add(i)), "value": v, "note": None} for i, v in enumerate(values)]
    return replace(data, indicators=inds, actuals=pd.concat([acts, pd.DataFrame(rows)], ignore_index=True))


def _towards(end: float, n: int, slope: float) -> list[float]:
    """n monthly values on a line that reaches ``end`` in March (the projection lands on it)."""
    return [end - slope * (12 - i) for i in range(1, n + 1)]


def _adversarial(data: PlanData) -> Iterator[tuple[str, chart_data.IndicatorChartData]]:
    card = "04-mynumber-card-rate"  # level %, baseline 85, target 89
    for n in (3, 7, 10, 11):
        month = Month(2026, 4).add(n - 1)
        for name, end in [("equal", 89.0), ("above", 89.08), ("below", 88.92), ("far above", 89.6)]:
            ahead = _variant(data, card, _towards(end, n, 1 / 3))
            yield (f"projection {name} target, {n} months", _chart(ahead, card, month))
        on_path = _variant(data, card, _towards(89.0, n, 1 / 3))
        yield (f"projection on the planned path, {n} months", _chart(on_path, card, month))
        yield (f"flat on the baseline, {n} months", _chart(_variant(data, card, [85.0] * n), card, month))
        yield (f"flat under the baseline, {n} months", _chart(_variant(data, card, [84.9] * n), card, month))
        flat_target = _variant(data, card, [89.0] * n)
        yield (f"flat on the target, {n} months", _chart(flat_target, card, month))
        yield (f"target at the axis top, {n} months", _chart(_variant(data, card, [85.2] * n), card, month))
        falling = _variant(data, card, _towards(83.0, n, 0.5), baseline=89.0, target=85.0, direction="decrease")
        yield (f"decreasing is better, {n} months", _chart(falling, card, month))
        rising_bad = _variant(data, card, _towards(91.0, n, 0.2), baseline=89.0, target=85.0, direction="decrease")
        yield (f"decreasing is better, going up, {n} months", _chart(rising_bad, card, month))
        incidents = "21-security-incidents"
        yield (f"0 target, none, {n} months", _chart(_variant(data, incidents, [0.0] * n), incidents, month))
        some = [0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0][:n]
        yield (f"0 target, some, {n} months", _chart(_variant(data, incidents, some), incidents, month))
        hours = "14-ai-rpa-hours-saved"  # flow, target 3,100
        yield (f"flow reaching the target, {n} months", _chart(_variant(data, hours, [3100 / 12] * n), hours, month))
        yield (f"flow just short, {n} months", _chart(_variant(data, hours, [3090 / 12] * n), hours, month))
    yield ("one actual", _chart(_variant(data, card, [85.3]), card, Month(2026, 4)))
    yield ("one actual on the target", _chart(_variant(data, card, [89.0]), card, Month(2026, 4)))
    yield ("year over, on the target", _chart(_variant(data, card, _towards(89.0, 12, 1 / 3)), card, Month(2027, 3)))


# ---------------------------------------------------------------- chart data (screen and paper geometry)


def test_no_label_of_a_sample_chart_sits_on_a_line_or_the_status_mark(data: PlanData) -> None:
    bad = []
    for chart in _sample_charts(data):
        found = _crossings(*_nominal(chart))
        if found:
            bad.append(f"{_where(chart)}: {found}")
    assert not bad, "\n".join(bad)


def test_no_label_sits_on_a_line_in_adversarial_charts(data: PlanData) -> None:
    bad = []
    for name, chart in _adversarial(data):
        assert "label:as_of" in chart.elements
        found = _crossings(*_nominal(chart))
        if found:
            bad.append(f"{name}: {_where(chart)}: {found}")
    assert not bad, "\n".join(bad)


def test_the_year_end_projection_is_labelled_in_the_adversarial_charts(data: PlanData) -> None:
    # The cases above are the hard ones only if the projection and its label are there.
    names = [name for name, chart in _adversarial(data) if "label:projection" in chart.elements]
    assert "projection equal target, 7 months" in names and "projection below target, 11 months" in names


def test_the_screen_plot_is_at_least_the_nominal_size(data: PlanData) -> None:
    # Labels are placed in the nominal plot (PLOT_W x PLOT_H px); on a plot at least as large the
    # same text (TEXT_PX) takes a smaller share, so each box shrinks towards its anchor and stays clear.
    from kpi.charts import figures

    chart = _chart(data, "04-mynumber-card-rate", Month(2026, 11))
    fig = figures.indicator_figure(chart)
    margin = fig.layout.margin
    assert fig.layout.height - margin.t - margin.b >= PLOT_H
    assert all(a.font.size == TEXT_PX and a.xref == "x" and a.yref == "y" for a in fig.layout.annotations)


# ---------------------------------------------------------------- the PDF (matplotlib as drawn)


def _printed_crossings(chart: chart_data.IndicatorChartData) -> list[str]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from kpi.reports import print_charts

    fig = print_charts.figure(chart)
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = {}
    for text in ax.texts:
        ext = text.get_window_extent(renderer)
        boxes[str(text.get_gid()).removeprefix("label:")] = (ext.x0, ext.y0, ext.x1, ext.y1)
    lines: dict[str, list[Seg]] = {}
    marks = []
    for line in ax.lines:
        pts = [tuple(p) for p in line.get_transform().transform(line.get_xydata())]
        if line.get_gid() == "status":
            ((mx, my),) = pts
            marks.append((mx - MARK_R, my - MARK_R, mx + MARK_R, my + MARK_R))
            continue
        lines[str(line.get_gid())] = list(pairwise(pts)) or [(q, q) for q in pts]
    assert len(boxes) == len(chart.labels)
    return _crossings(boxes, lines, marks)


def test_no_label_sits_on_a_line_in_the_printed_charts(data: PlanData) -> None:
    charts = [c for c in _sample_charts(data) if c.code != "x"][::3]
    charts += [c for _, c in _adversarial(data)][::2]
    bad = [f"{_where(c)}: {found}" for c in charts if (found := _printed_crossings(c))]
    assert not bad, "\n".join(bad)


# ---------------------------------------------------------------- the public SVG


def _svg_crossings(chart: chart_data.IndicatorChartData) -> list[str]:
    from kpi.reports import public_svg

    svg = ET.fromstring(public_svg.chart_svg(chart, "c", "d"))
    ns = "{http://www.w3.org/2000/svg}"
    top, bottom = public_svg.MARGIN_T, public_svg.MARGIN_T + PLOT_H
    left, right = public_svg.MARGIN_L, public_svg.MARGIN_L + PLOT_W
    boxes = {}
    label_texts = {lb.text for lb in chart.labels}
    for el in svg.iter(f"{ns}text"):
        if el.text not in label_texts or el.get("stroke") != "#fff":
            continue
        x, y, size = float(el.get("x", 0)), float(el.get("y", 0)), float(el.get("font-size", TEXT_PX))
        w = text_width_em(el.text) * size
        anchor, base = el.get("text-anchor"), el.get("dominant-baseline")
        x0 = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        # The glyphs' extent from the baseline rule: central centres the em box; the edges put
        # its top (text-before-edge) or bottom (text-after-edge) at y; auto sets the alphabetic
        # baseline at y (0.88 em above, 0.12 em below).
        y0, y1 = {
            "central": (y - size / 2, y + size / 2),
            "text-before-edge": (y, y + size),
            "text-after-edge": (y - size, y),
        }.get(str(base), (y - 0.88 * size, y + 0.12 * size))
        key = next(lb.key for lb in chart.labels if lb.text == el.text)
        boxes[key] = (x0, y0, x0 + w, y1)
    lines: dict[str, list[Seg]] = {}
    for i, el in enumerate(svg.iter()):
        if el.tag == f"{ns}polyline":
            pts = [(float(p.split(",")[0]), float(p.split(",")[1])) for p in str(el.get("points")).split()]
            lines[f"polyline {i}"] = list(pairwise(pts)) or [(q, q) for q in pts]
        elif el.tag == f"{ns}path" and el.get("stroke") not in ("#e0e0e0",):
            d = str(el.get("d"))
            if m := re.fullmatch(r"M([\d.]+),([\d.]+)v([\d.]+)", d):
                x, y, dy = map(float, m.groups())
                lines[f"vline {i}"] = [((x, y), (x, y + dy))]
            elif m := re.fullmatch(r"M([\d.]+),([\d.]+)h([\d.]+)", d):
                x, y, dx = map(float, m.groups())
                if top <= y <= bottom and x == left:  # a reference line across the plot (not the legend)
                    lines[f"hline {i}"] = [((x, y), (x + dx, y))]
    assert right > left
    assert len(boxes) == len(chart.labels), (sorted(boxes), [lb.key for lb in chart.labels])
    return _crossings(boxes, lines, [])


def test_no_label_sits_on_a_line_in_the_public_svg(data: PlanData) -> None:
    charts = [c for c in _sample_charts(data)][::2] + [c for _, c in _adversarial(data)]
    bad = [f"{_where(c)}: {found}" for c in charts if (found := _svg_crossings(c))]
    assert not bad, "\n".join(bad)


def test_the_projection_label_stays_near_its_point(data: PlanData) -> None:
    """「年度末予測」 could sit seven months left of its point (80 of 192 sample and adversarial
    charts more than two months away), where one a few lines higher was clear: now a label
    moves up or down first and further left than MAX_LEFT months only when nothing nearer is
    clear of the lines."""
    from kpi.charts.label_placement import MAX_LEFT

    gaps = []
    for chart in [*_sample_charts(data), *(c for _, c in _adversarial(data))]:
        for lb in chart.labels:
            if lb.key == "projection":
                gaps.append(12.0 - lb.x if lb.ha == "right" else lb.x - 12.0)
    assert len(gaps) > 100
    near = [g for g in gaps if g <= MAX_LEFT + 0.3]
    assert len(near) >= 0.75 * len(gaps), sorted(gaps)[-10:]
    assert max(gaps) < 6, sorted(gaps)[-10:]
