"""Plotly figures for the screen: indicator progress and 工程表 (Gantt).

An indicator chart's content (series, reference lines, labels and their positions, axes)
comes from ``kpi.charts.data.indicator_chart_data``; this module only draws it with plotly,
as ``kpi.reports.print_charts`` draws the same data with matplotlib for PDFs and PNGs; the
工程表's rows, bars and ● come from ``kpi.charts.gantt_data`` (drawn also as the screen's static
SVG, ``kpi.reports.gantt_svg``). No
Streamlit here. One palette (``kpi.text.palette.STATUS_STYLES``) and one font stack
(``FONT_STACK``) for every chart. Titles carry the indicator (or project) and the as-of month
so that a screenshot stands alone.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kpi.charts.data import (
    AS_OF_COLOR,
    IndicatorChartData,
    indicator_chart_data,
)
from kpi.charts.gantt_data import (
    BAR_COLOR,
    BAR_LINE,
    GANTT_MONTHS,
    HEADER_FILL,
    LONG_GANTT_ROWS,
    MILESTONE_ORDER,
    SMALL_BAR_TEXT_PX,
    GanttData,
    bar_lines,
    bar_tip,
    gantt_data,
    mark_tip,
)
from kpi.charts.label_placement import LINE_GAP, MARGIN_L, MARGIN_R, TEXT_PX, TITLE_PX, text_width_em
from kpi.domain.fiscal import Month, fiscal_year_short
from kpi.domain.plan import PlanData
from kpi.text.catalog import t
from kpi.text.labels import status_text
from kpi.text.palette import FONT_STACK, STATUS_STYLES

__all__ = [
    "SMALL_BAR_TEXT_PX",
    "chart_config",
    "chart_filename",
    "gantt_chart",
    "gantt_figure",
    "indicator_chart",
    "indicator_figure",
]

DASH = {"solid": "solid", "dash": "dash", "dot": "dot", "dashdot": "dashdot"}


# ---------------------------------------------------------------- small pure helpers


def chart_filename(fiscal_year: int, name: str, as_of: Month) -> str:
    """Download name of a chart image: ``R8_04-mynumber-card-rate_2026-10``."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")
    return f"{fiscal_year_short(fiscal_year)}_{safe}_{as_of}"


def chart_config(filename: str) -> dict[str, Any]:
    """``st.plotly_chart(config=...)``: the toolbar's camera saves a 2× PNG with this name."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def _esc(text: str) -> str:
    """Plan and user text shown literally: plotly reads <b>, <br> and <a href> in text."""
    return html.escape(text, quote=False)


def _base_layout(fig: go.Figure, title: str, subtitle: str, height: int, top: int = 80) -> None:
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT_STACK, "size": 13, "color": "#212121"},
        title={"text": title, "subtitle": {"text": subtitle}, "x": 0.01, "xanchor": "left", "font": {"size": 16}},
        height=height,
        margin={"l": 60, "r": 30, "t": top, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT_STACK}},
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
    )


# ---------------------------------------------------------------- indicator progress


def indicator_chart(
    data: PlanData,
    code: str,
    as_of: Month,
    status: Mapping[str, Any] | None = None,
    lang: str = "ja",
    height: int = 400,
) -> go.Figure:
    """The screen figure of one indicator (see ``kpi.charts.data.indicator_chart_data``)."""
    return indicator_figure(indicator_chart_data(data, code, as_of, status, lang), height)


def indicator_figure(chart: IndicatorChartData, height: int = 400) -> go.Figure:
    """Draw an ``IndicatorChartData`` with plotly: every series, line and placed label."""
    unit = chart.unit
    fig = go.Figure()
    for s in chart.series:
        fig.add_trace(
            go.Scatter(
                x=list(s.xs),
                y=list(s.ys),
                mode="lines+markers" if s.markers else "lines",
                name=s.name,
                meta=f"series:{s.key}",
                line={"color": s.color, "dash": DASH[s.dash], "width": s.width},
                marker={"size": 8, "color": s.color} if s.markers else None,
                hovertemplate="%{y:,.4~g}" + _esc(unit) + "<extra>" + s.name + "</extra>",
            )
        )
    if chart.status is not None:
        m = chart.status
        fig.add_trace(
            go.Scatter(
                x=[m.x],
                y=[m.y],
                mode="markers",
                name=m.name,
                meta="status",
                marker={"size": 18, "symbol": m.marker, "color": m.color, "line": {"color": "#212121", "width": 1.5}},
                hovertemplate="%{y:,.4~g}" + _esc(unit) + "<extra>" + m.name + "</extra>",
            )
        )
    # Built once and set once: add_hline/add_annotation re-validate every shape per call.
    shapes = []
    for ln in chart.lines:
        line = {"color": ln.color, "width": ln.width, "dash": DASH[ln.dash]}
        if ln.vertical:
            shapes.append(
                {"type": "line", "name": f"line:{ln.key}", "xref": "x", "yref": "y domain",
                 "x0": ln.value, "x1": ln.value, "y0": 0, "y1": 1, "line": line}
            )  # fmt: skip
        else:
            shapes.append(
                {"type": "line", "name": f"line:{ln.key}", "xref": "x domain", "yref": "y",
                 "x0": 0, "x1": 1, "y0": ln.value, "y1": ln.value, "line": line}
            )  # fmt: skip
    annotations = [
        {
            "name": f"label:{lb.key}",
            "text": _esc(lb.text),
            "x": lb.x,
            "y": lb.y,
            "xref": "x",
            "yref": "y",
            "xanchor": lb.ha,
            "yanchor": lb.va,
            "showarrow": False,
            "borderpad": 0,
            "borderwidth": 0,
            # The box as placed (kpi.charts.label_placement): the font's own box is taller
            # (16-17 px for 11 px CJK) and its white ground would cover a line the placement kept clear of.
            "width": text_width_em(lb.text) * TEXT_PX,
            "height": LINE_GAP * TEXT_PX,
            "font": {"size": TEXT_PX, "color": lb.color},
            "bgcolor": "rgba(255,255,255,0.8)",
        }
        for lb in chart.labels
    ]
    title = "<br>".join(_esc(line) for line in chart.title_lines)
    subtitle = "<br>".join(_esc(line) for line in chart.subtitle_lines)
    # The screen uses the print sizes (+1 px for the title) so that the nominal label sizes of
    # kpi.charts.data hold in a report column as narrow as 440 px.
    top = int(20 + LINE_GAP * (TITLE_PX + 1) * len(chart.title_lines) + LINE_GAP * TEXT_PX * len(chart.subtitle_lines))
    _base_layout(fig, title, subtitle, height, top + 8)
    fig.update_layout(
        shapes=shapes,
        annotations=annotations,
        title_font_size=TITLE_PX + 1,
        title_subtitle_font_size=TEXT_PX,
        legend_font_size=TEXT_PX,
        margin={"l": MARGIN_L, "r": MARGIN_R},
    )
    fig.update_xaxes(
        range=list(chart.x_range),
        tickvals=[x for x, _ in chart.x_ticks],
        ticktext=[s for _, s in chart.x_ticks],
        tickangle=0,
        tickfont_size=TEXT_PX - 1,
        showgrid=False,
    )
    fig.update_yaxes(
        title={"text": chart.y_title},
        range=list(chart.y_range),
        tickvals=[y for y, _ in chart.y_ticks],
        ticktext=[s for _, s in chart.y_ticks],
        zeroline=True,
    )
    return fig


# ---------------------------------------------------------------- 工程表 (Gantt)


def _lines(lines: Sequence[str]) -> str:
    """Plain lines, each escaped, joined as plotly breaks them."""
    return "<br>".join(_esc(line) for line in lines)


def _bar_text(text: str, months: int) -> tuple[str, int]:
    """A bar's text, escaped, and its size in px (``kpi.charts.gantt_data.bar_lines``)."""
    lines, size = bar_lines(text, months)
    return _lines(lines), size


def gantt_chart(
    data: PlanData,
    statuses: pd.DataFrame,
    as_of: Month,
    project_nos: Sequence[int] | None = None,
    lang: str = "ja",
    title: str | None = None,
) -> go.Figure:
    """The 工程表 of one or more projects (``kpi.charts.gantt_data``) drawn with plotly: bars
    with their text, ● milestones in status colour, a bold header row per project."""
    return gantt_figure(gantt_data(data, statuses, as_of, project_nos, lang, title), lang)


def gantt_figure(g: GanttData, lang: str = "ja") -> go.Figure:
    """Draw a ``GanttData`` with plotly."""
    tick_y = [r.y for r in g.rows]
    tick_text = [f"<b>{_lines(r.lines)}</b>" if r.header else _lines(r.lines) for r in g.rows]
    headers = [r.y for r in g.rows if r.header]
    fig = go.Figure()
    if g.bars:
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[b.y for b in g.bars],
                x=[b.length for b in g.bars],
                base=[b.base for b in g.bars],
                text=[_lines(b.lines) for b in g.bars],
                textposition="inside",
                insidetextanchor="middle",
                # Never shrunk to fit: plotly drew 「各課照会」 in a one-month bar 5 px high.
                # A text longer than its bar is broken between phrases instead (bar_lines).
                constraintext="none",
                textfont={"size": [b.size for b in g.bars], "color": "#212121"},
                marker={"color": BAR_COLOR, "line": {"color": BAR_LINE, "width": 1}},
                width=0.6,
                name=t("chart_schedule_bar", lang),
                customdata=[[_esc(bar_tip(b, lang))] for b in g.bars],  # one month format: 2026年10月
                hovertemplate="%{customdata[0]}<extra></extra>",
            )
        )
    for code in MILESTONE_ORDER:
        own = [m for m in g.marks if m.status == code.value]
        if not own:
            continue
        style = STATUS_STYLES[code]
        fig.add_trace(
            go.Scatter(
                x=[m.x for m in own],
                y=[m.y for m in own],
                mode="markers+text",
                name=f"{t('milestone', lang)}: {status_text(code, lang)}",
                marker={
                    "size": 15,
                    "symbol": style.marker,
                    "color": style.color,
                    "line": {"color": "#212121", "width": 1.5},
                },
                text=[_esc(m.text) for m in own],
                textposition="middle right",
                textfont={"size": 11},
                customdata=[[_esc(mark_tip(m, lang))] for m in own],
                hovertemplate="%{customdata[0]}<extra></extra>",
            )
        )

    # One shapes list and one annotation set once: add_hrect / add_vline / add_annotation each
    # re-validate every shape already there (quadratic in the number of header rows).
    as_of_x = g.as_of_x
    n_rows = g.n_rows
    vlines = [
        (12, {"color": "#9E9E9E", "width": 1}),  # R8 / R9 boundary
        (as_of_x, {"color": AS_OF_COLOR, "dash": "dashdot", "width": 2}),
    ]
    fig.update_layout(
        shapes=[
            *({"type": "rect", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": h - 0.5, "y1": h + 0.5,
               "fillcolor": HEADER_FILL, "line": {"width": 0}, "layer": "below"} for h in headers),
            *({"type": "line", "xref": "x", "yref": "y domain", "x0": x, "x1": x, "y0": 0, "y1": 1, "line": line}
              for x, line in vlines),
        ],
        # The as-of label sits under the chart, where it can never cover a bar's text.
        annotations=[
            {"x": as_of_x, "y": 0, "xref": "x", "yref": "paper", "yanchor": "top", "xanchor": "center",
             "yshift": -40 if n_rows > LONG_GANTT_ROWS else 0,  # below the bottom month labels
             "text": g.as_of_label, "showarrow": False, "font": {"size": 11, "color": AS_OF_COLOR},
             "bgcolor": "rgba(255,255,255,0.85)"}
        ],
    )  # fmt: skip
    height = 200 + 34 * n_rows
    _base_layout(fig, g.title, g.subtitle, height)
    fig.update_layout(
        margin={"l": 20, "r": 20, "t": 150, "b": 30},
        legend={"orientation": "h", "yref": "container", "yanchor": "top", "y": 0.999, "xanchor": "right", "x": 1},
        bargap=0.3,
        showlegend=True,
    )
    months_axis = {
        "range": [0, GANTT_MONTHS],
        "tickvals": [i + 0.5 for i in range(GANTT_MONTHS)],
        "ticktext": [f"{year}<br>{month}" for year, month in g.ticks],
        "tickangle": 0,
        "tickfont": {"size": 11},
        "showgrid": False,
        "fixedrange": True,
    }
    fig.update_xaxes(
        side="top", minor={"tickvals": list(range(GANTT_MONTHS + 1)), "showgrid": True, "gridcolor": "#EEEEEE"},
        **months_axis,
    )  # fmt: skip
    if n_rows > LONG_GANTT_ROWS:
        # A long schedule repeats its months at the bottom (an empty trace makes plotly draw the axis).
        fig.add_trace(go.Scatter(x=[], y=[], xaxis="x2", showlegend=False, hoverinfo="skip"))
        fig.update_layout(xaxis2={**months_axis, "overlaying": "x", "side": "bottom", "matches": "x"})
        fig.update_layout(margin={"b": 80})
    fig.update_yaxes(
        range=[n_rows - 0.5, -0.5],
        tickvals=tick_y,
        ticktext=tick_text,
        showgrid=False,
        automargin=True,
        fixedrange=True,
    )
    return fig
