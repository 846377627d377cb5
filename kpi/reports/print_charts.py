"""Print charts: an ``IndicatorChartData`` drawn with matplotlib, as vector operations (PDF)
or PNG (zip).

No browser: the PDF report and the chart PNGs come from matplotlib with the Japanese font
shipped by the ``matplotlib-fontja`` package (IPAex Gothic, TrueType), so
``pip install -r requirements.txt`` alone draws them. The figure is laid out in points with
the nominal geometry of ``kpi.charts.label_placement`` (1 px there = 1 pt here), so the label positions
computed there hold on paper. Every artist carries the element key (``gid``) it draws.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kpi.charts.data import IndicatorChartData
from kpi.charts.label_placement import LINE_GAP, MARGIN_L, MARGIN_R, PLOT_H, PLOT_W, TEXT_PX, TITLE_PX
from kpi.reports.fonts import FONT_NAME, font_path

if TYPE_CHECKING:
    from kpi.reports.pdf_charts import Op

PNG_DPI = 200  # print quality: a chart half an A4 page wide stays sharp
# Chart data speaks plotly's anchors; matplotlib calls the vertical middle "center".
MPL_VA = {"middle": "center"}
MARGIN_B = 46  # x ticks and the legend below the plot
DASHES = {"solid": "-", "dash": (0, (5, 3)), "dot": (0, (1, 2)), "dashdot": (0, (6, 2, 1, 2))}
# plotly marker symbols (kpi.text.palette.STATUS_STYLES) → matplotlib markers, filled or open.
MARKERS = {
    "star": ("*", True),
    "circle": ("o", True),
    "triangle-up": ("^", True),
    "x": ("X", True),
    "line-ew-open": ("_", False),
    "hourglass": ("d", True),
    "circle-open": ("o", False),
    "diamond-open": ("D", False),
    "diamond": ("D", True),
}

RC: Any = {"font.family": FONT_NAME, "axes.unicode_minus": False}
_lock = threading.Lock()  # matplotlib's font cache and rc settings are process-wide


@lru_cache(maxsize=1)
def _setup() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))
    return font_manager.FontProperties(fname=str(font_path()))


def _plain(text: str) -> str:
    """Text drawn literally: a pair of ``$`` would otherwise start matplotlib's math mode."""
    return text.replace("$", r"\$")


def top_margin(chart: IndicatorChartData) -> float:
    return 8 + LINE_GAP * (TITLE_PX * len(chart.title_lines) + TEXT_PX * len(chart.subtitle_lines)) + 8


def figure(chart: IndicatorChartData) -> Any:
    """The matplotlib ``Figure`` of a chart (not yet saved)."""
    _setup()
    import matplotlib

    # Text takes its font when it is created: build the whole figure in the report's font.
    with matplotlib.rc_context(RC):
        return _figure(chart)


def _size(chart: IndicatorChartData) -> tuple[float, float, tuple[float, float, float, float]]:
    """(width, height, axes rectangle in figure fractions) in points."""
    top = top_margin(chart)
    width = MARGIN_L + PLOT_W + MARGIN_R
    height = top + PLOT_H + MARGIN_B
    return width, height, (MARGIN_L / width, MARGIN_B / height, PLOT_W / width, PLOT_H / height)


def _new_figure(chart: IndicatorChartData) -> Any:
    from matplotlib.figure import Figure

    width, height, rect = _size(chart)
    fig = Figure(figsize=(width / 72, height / 72), dpi=72)
    ax = fig.add_axes(rect)
    # No tick marks (the grid and labels carry the scale): fewer operations, a faster PDF.
    ax.tick_params(bottom=False, left=False, pad=3)
    ax.grid(axis="y", color="#ECEFF1", linewidth=0.6, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


_reused: list[Any] = []  # the one figure the report writers draw on, guarded by _lock
_recorder: list[Any] = []  # the one PDF chart recorder (its text sizes cached), guarded by _lock


def _reused_figure(chart: IndicatorChartData) -> Any:
    """The writers' figure emptied and sized for ``chart``. Making a new Figure per chart cost
    a third of each chart: its axes and every tick (five artists each) were built anew;
    emptied, the axes keep their ticks and settings for the next chart."""
    if not _reused:
        _reused.append(_new_figure(chart))
        return _reused[0]
    fig = _reused[0]
    ax = fig.axes[0]
    for artist in [*fig.texts, *ax.lines, *ax.texts]:
        artist.remove()
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()
    width, height, rect = _size(chart)
    fig.set_dpi(72)
    fig.set_size_inches(width / 72, height / 72)
    ax.set_position(rect)
    return fig


def _figure(chart: IndicatorChartData, fig: Any = None) -> Any:
    fig = _new_figure(chart) if fig is None else fig
    ax = fig.axes[0]
    width, height, _ = _size(chart)
    y = height - 8
    for i, line in enumerate(chart.title_lines):
        at = (y - i * LINE_GAP * TITLE_PX) / height
        fig.text(4 / width, at, _plain(line), fontsize=TITLE_PX, va="top", gid="title")
    y -= LINE_GAP * TITLE_PX * len(chart.title_lines)
    for i, line in enumerate(chart.subtitle_lines):
        fig.text(4 / width, (y - i * LINE_GAP * TEXT_PX) / height, _plain(line), fontsize=TEXT_PX - 1, color="#455A64",
                 va="top", gid="subtitle")  # fmt: skip

    for s in chart.series:
        ax.plot(
            s.xs, s.ys, color=s.color, linestyle=DASHES[s.dash], linewidth=s.width * 0.75,
            marker="o" if s.markers else None, markersize=4, label=_plain(s.name), gid=f"series:{s.key}", zorder=3,
        )  # fmt: skip
    if chart.status is not None:
        m = chart.status
        marker, filled = MARKERS.get(m.marker, ("o", True))
        ax.plot(
            [m.x], [m.y], linestyle="none", marker=marker, markersize=10, markeredgecolor="#212121",
            markerfacecolor=m.color if filled else "none", color=m.color, label=_plain(m.name), gid="status", zorder=4,
        )  # fmt: skip
    for ln in chart.lines:
        draw = ax.axvline if ln.vertical else ax.axhline
        draw(
            ln.value,
            color=ln.color,
            linestyle=DASHES[ln.dash],
            linewidth=ln.width * 0.75,
            gid=f"line:{ln.key}",
            zorder=2,
        )
    for lb in chart.labels:
        ax.text(
            lb.x, lb.y, _plain(lb.text), ha=lb.ha, va=MPL_VA.get(lb.va, lb.va), color=lb.color, fontsize=TEXT_PX,
            gid=f"label:{lb.key}",
            zorder=5, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0},
        )  # fmt: skip

    ax.set_xlim(*chart.x_range)
    ax.set_ylim(*chart.y_range)
    ax.set_xticks([x for x, _ in chart.x_ticks], [s for _, s in chart.x_ticks], fontsize=TEXT_PX - 1)
    ax.set_yticks([y for y, _ in chart.y_ticks], [s for _, s in chart.y_ticks], fontsize=TEXT_PX - 1)
    ax.set_ylabel(chart.y_title, fontsize=TEXT_PX - 1)
    ax.legend(
        loc="upper left", bbox_to_anchor=(-MARGIN_L / PLOT_W + 0.01, -20 / PLOT_H), ncol=4, frameon=False,
        fontsize=TEXT_PX - 2, handlelength=2.2, columnspacing=1.2, borderaxespad=0,
    )  # fmt: skip
    return fig


def chart_png(chart: IndicatorChartData, dpi: int = PNG_DPI) -> bytes:
    """PNG at ``dpi``: drawn on an Agg canvas and written by Pillow directly (a third faster
    than ``savefig``), zlib level 1 (files a few percent larger, much faster)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    _setup()
    with _lock, matplotlib.rc_context(RC):
        fig = _figure(chart, _reused_figure(chart))
        fig.set_dpi(dpi)
        fig.set_facecolor("white")
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        buf = io.BytesIO()
        image.save(buf, "PNG", dpi=(dpi, dpi), compress_level=1)
    return buf.getvalue()


def chart_recording(chart: IndicatorChartData) -> tuple[float, float, list[Op]]:
    """Vector drawing for the PDF: (width, height, operations) in points, replayed on the
    report's canvas by ``kpi.reports.pdf_charts``; text stays text, set in the report's
    embedded font, so a reader can search and copy it."""
    import matplotlib

    from kpi.reports.pdf_charts import Recorder, record

    _setup()
    with _lock, matplotlib.rc_context(RC):
        fig = _figure(chart, _reused_figure(chart))
        fig.set_dpi(72)
        fig.set_facecolor("white")
        if not _recorder:
            _recorder.append(Recorder())
        return record(fig, _recorder[0])


def chart_size_pt(chart: IndicatorChartData) -> tuple[float, float]:
    """(width, height) of the chart in points, as its figure is made."""
    width, height, _ = _size(chart)
    return width, height
