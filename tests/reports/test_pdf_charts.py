"""The PDF's charts: matplotlib draws onto a recorder that reportlab replays on the report's
canvas (kpi.reports.pdf_charts): vector, text in the one embedded subset of the Japanese font,
laid out as matplotlib lays it out, and no SVG round trip (issue 12: the 60-chart PDF)."""

from __future__ import annotations

import io
import sys
from collections import Counter
from typing import Any

import pytest
from pypdf import PdfReader

from kpi.charts.data import IndicatorChartData
from kpi.domain.fiscal import Month
from kpi.reports import print_charts
from kpi.reports.content import Scope, build_report
from kpi.reports.images import report_charts
from kpi.reports.pdf_charts import ChartFlowable, Recorder, TextOp
from kpi.reports.service import Inputs, report_bytes
from tests.conftest import TODAY

AS_OF = Month(2026, 10)


@pytest.fixture(scope="module")
def inputs(sample_inputs: Inputs) -> Inputs:
    return sample_inputs


@pytest.fixture(scope="module")
def charts(inputs: Inputs) -> list[IndicatorChartData]:
    content = build_report(inputs.data, AS_OF, Scope.parse("all"), generated_on=TODAY)
    return [c.chart for c in report_charts(inputs.data, content)]


def test_pdf_charts_are_replayed_on_the_report_canvas_not_converted_from_svg(
    inputs: Inputs, charts: list[IndicatorChartData], monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    calls = {"svg": 0, "drawn": 0}
    real_draw = ChartFlowable.draw

    def svg(*args: Any, **kwargs: Any) -> None:
        calls["svg"] += 1

    def draw(self: ChartFlowable) -> None:
        calls["drawn"] += 1
        real_draw(self)

    monkeypatch.setattr(FigureCanvasSVG, "print_svg", svg)
    monkeypatch.setattr(ChartFlowable, "draw", draw)
    done: list[tuple[int, int]] = []
    pdf = report_bytes(inputs, AS_OF, Scope.parse("all"), "pdf", TODAY, lambda i, n: done.append((i, n)))
    assert calls == {"svg": 0, "drawn": len(charts)}  # each chart drawn once, where it is placed
    assert done == [(i, len(charts)) for i in range(1, len(charts) + 1)]  # the progress bar still moves
    assert "svglib" not in sys.modules
    reader = PdfReader(io.BytesIO(pdf))
    assert sum(len(p.images) for p in reader.pages) == 0  # vector, not pictures
    # One embedded subset of the font for the whole document, charts and tables alike
    # (reportlab splits it into objects of 256 glyphs each), not one per chart.
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    fonts = [
        ref.get_object()
        for p in reader.pages
        for ref in p["/Resources"].get_object().get("/Font", {}).values()
        if "IPAexGothic" in str(ref.get_object()["/BaseFont"])
    ]
    subsets = {str(f["/BaseFont"]) for f in fonts}
    assert len(charts) > 10 and 1 <= len(subsets) <= 1 + len(set(text)) // 200
    assert all("/FontFile2" in f["/FontDescriptor"].get_object() for f in fonts)  # embedded
    for chart in charts:
        for line in chart.title_lines:
            assert line.replace(" ", "") in text.replace(" ", ""), line


class Tracking(Recorder):
    """A recorder that notes which element keys (matplotlib gids) produced operations."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__(width, height)
        self.open: list[tuple[str | None, int]] = []
        self.drawn: set[str] = set()

    def open_group(self, s: str, gid: str | None = None) -> None:
        self.open.append((gid, len(self.ops)))

    def close_group(self, s: str) -> None:
        gid, before = self.open.pop()
        if gid and len(self.ops) > before:
            self.drawn.add(gid)


def test_recorded_chart_draws_every_element_with_text_where_matplotlib_lays_it_out(
    charts: list[IndicatorChartData],
) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from kpi.reports.fonts import FONT_NAME, register_japanese_font

    register_japanese_font()
    for chart in charts:
        fig = print_charts.figure(chart)
        w, h = fig.get_size_inches() * 72
        assert (w, h) == pytest.approx(print_charts.chart_size_pt(chart))
        recorder = Tracking(w, h)
        fig.draw(recorder)
        assert chart.elements <= recorder.drawn, chart.code
        assert {"title", "subtitle"} <= recorder.drawn
        texts = [op for op in recorder.ops if isinstance(op, TextOp)]
        shown = [t for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_visible() and t.get_text()]
        lines = Counter(line for t in shown for line in t.get_text().replace(r"\$", "$").split("\n"))
        drawn = Counter(op.text for op in texts)
        assert drawn <= lines  # nothing drawn that the figure does not hold
        legend = [s.name for s in chart.series] + ([chart.status.name] if chart.status else [])
        must = [*chart.title_lines, *chart.subtitle_lines, *legend, *(lb.text for lb in chart.labels), chart.y_title]
        assert not Counter(must) - drawn, chart.code  # every title, legend entry and label is text
        # Unrotated text: reportlab's string box, placed by the recorded anchor, covers the
        # extent matplotlib laid out (so labels, ticks and legend entries land where they did).
        boxes = [(t.get_text().replace(r"\$", "$"), t.get_window_extent(recorder)) for t in shown]
        for op in texts:
            if op.angle:
                continue
            width = stringWidth(op.text, FONT_NAME, op.size)
            x0 = op.x - width * {"start": 0, "middle": 0.5, "end": 1}[op.anchor]
            assert any(
                abs(x0 - box.x0) < 1 and abs(x0 + width - box.x1) < 1 and box.y0 <= op.y <= box.y1
                for text, box in boxes
                if text == op.text
            ), (chart.code, op.text)


def test_a_png_drawn_after_a_pdf_chart_matches_one_from_a_fresh_figure(charts: list[IndicatorChartData]) -> None:
    print_charts._reused.clear()
    fresh = print_charts.chart_png(charts[1], dpi=40)
    print_charts.chart_recording(charts[0])
    print_charts.chart_recording(charts[1])
    assert print_charts.chart_png(charts[1], dpi=40) == fresh


def test_pdf_charts_measure_each_distinct_text_once(
    charts: list[IndicatorChartData], monkeypatch: pytest.MonkeyPatch
) -> None:
    measured: Counter[str] = Counter()
    real = Recorder.get_text_width_height_descent

    def counted(self: Recorder, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        measured[s] += 1
        return real(self, s, prop, ismath)

    monkeypatch.setattr(Recorder, "get_text_width_height_descent", counted)
    print_charts._recorder.clear()  # a new recorder: nothing measured yet
    print_charts.chart_recording(charts[0])
    first = sum(measured.values())
    again = [print_charts.chart_recording(c) for c in [charts[0], charts[0]]]
    assert first > 0 and sum(measured.values()) == first  # the same chart again: all sizes known
    assert again[0] == again[1]
