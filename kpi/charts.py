"""Plotly figures for the dashboard and reports: indicator progress and 工程表 (Gantt).

Pure functions from ``PlanData`` / DataFrames to ``plotly.graph_objects.Figure``; no
Streamlit, so reports can render the same figures to PNG/PDF with kaleido. One palette
(``kpi.labels.STATUS_STYLES``) and one font stack (``FONT_STACK``) for every chart. Titles
carry the indicator (or project) and the as-of month so that a screenshot stands alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kpi.evaluate import rule_of
from kpi.fiscal import Month, fiscal_months, fiscal_year_short
from kpi.labels import FONT_STACK, STATUS_STYLES, status_text, t
from kpi.status import Accumulation, Direction, Status, expected_value
from kpi.store import PlanData

# Colours that are not statuses: ink for actuals, greys for reference lines.
ACTUAL_COLOR = "#1F3A5F"
TRAJECTORY_COLOR = "#5C6B7A"
TARGET_COLOR = "#0D47A1"
BASELINE_COLOR = "#8D8D8D"
AS_OF_COLOR = "#6D4C41"
BAR_COLOR = "#CFD8DC"
BAR_LINE = "#78909C"
HEADER_FILL = "#ECEFF1"

PROJECTION_WINDOW = 3  # months of recent actuals the year-end projection follows
GANTT_MONTHS = 15  # R8 April … R9 June, the span the plan's 工程表 prints
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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


def linear_projection(
    points: Sequence[tuple[float, float]], at: float, window: int = PROJECTION_WINDOW
) -> float | None:
    """Least-squares line through the last ``window`` points, evaluated at ``at``.

    None with fewer than two points: one month gives no trend to project.
    """
    recent = sorted(points)[-window:]
    if len(recent) < 2:
        return None
    n = len(recent)
    mx = math.fsum(x for x, _ in recent) / n
    my = math.fsum(y for _, y in recent) / n
    sxx = math.fsum((x - mx) ** 2 for x, _ in recent)
    if sxx == 0:
        return None
    slope = math.fsum((x - mx) * (y - my) for x, y in recent) / sxx
    return my + slope * (at - mx)


def month_tick(month: Month, lang: str) -> str:
    if lang == "en":
        return EN_MONTHS[month.month - 1]
    return f"{month.month}月"


def as_of_text(as_of: Month, lang: str) -> str:
    return f"{t('as_of', lang)} {as_of.label_ja() if lang == 'ja' else str(as_of)}"


def format_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".rstrip()


def _base_layout(fig: go.Figure, title: str, subtitle: str, height: int) -> None:
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT_STACK, "size": 13, "color": "#212121"},
        title={"text": title, "subtitle": {"text": subtitle}, "x": 0.01, "xanchor": "left", "font": {"size": 16}},
        height=height,
        margin={"l": 60, "r": 30, "t": 80, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT_STACK}},
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
    )


# ---------------------------------------------------------------- indicator progress


def indicator_points(data: PlanData, code: str) -> list[tuple[int, float]]:
    """(fiscal month index, value as charted): flow indicators are charted as running totals."""
    ind = data.indicators.loc[data.indicators["code"] == code].iloc[0]
    rows = data.actuals.loc[data.actuals["code"] == code, ["month", "value"]]
    monthly = sorted(
        (Month.parse(m).fiscal_index, float(v))
        for m, v in rows.itertuples(index=False)
        if Month.parse(m).fiscal_year == data.year
    )
    cumulative = ind["accumulation"] == Accumulation.FLOW.value or ind["direction"] == Direction.AT_MOST.value
    if not cumulative:
        return monthly
    total = 0.0
    out = []
    for i, v in monthly:
        total += v
        out.append((i, total))
    return out


def indicator_chart(
    data: PlanData,
    code: str,
    as_of: Month,
    status: Mapping[str, Any] | None = None,
    lang: str = "ja",
    height: int = 400,
) -> go.Figure:
    """Monthly actuals against the expected trajectory and the target, as of ``as_of``.

    ``status`` is this indicator's row of ``kpi.evaluate.indicator_statuses`` (status and
    ratio for the subtitle and the as-of marker). Only actuals up to ``as_of`` are drawn,
    so that the chart tells what was known then.
    """
    ind = data.indicators.loc[data.indicators["code"] == code].iloc[0]
    rule = rule_of(ind)
    unit = str(ind["unit"] or "")
    months = fiscal_months(data.year)
    cutoff = min(as_of, months[-1])
    known = cutoff.fiscal_index if cutoff.fiscal_year == data.year else (12 if cutoff > months[-1] else 0)
    points = [(i, v) for i, v in indicator_points(data, code) if i <= known]
    flow = rule.accumulation is Accumulation.FLOW or rule.direction is Direction.AT_MOST
    target = rule.resolved_target
    fig = go.Figure()
    starts_at_baseline = False

    # Expected trajectory (dashed): where the indicator should be each month.
    trajectory = [(i, expected_value(rule, i)) for i in range(1, 13)]
    if rule.direction is not Direction.AT_MOST and all(v is not None for _, v in trajectory):
        xs = [i for i, _ in trajectory]
        ys = [v for _, v in trajectory]
        if rule.accumulation is Accumulation.LEVEL and rule.baseline is not None and rule.monthly_plan is None:
            xs, ys = [0, *xs], [rule.baseline, *ys]
            starts_at_baseline = True
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=t("chart_trajectory", lang),
                line={"color": TRAJECTORY_COLOR, "dash": "dash", "width": 2},
                hovertemplate="%{y:,.4~g}" + unit + "<extra>" + t("chart_trajectory", lang) + "</extra>",
            )
        )

    # Actuals (markers and line).
    actual_name = t("chart_actual_cumulative" if flow else "actual", lang)
    fig.add_trace(
        go.Scatter(
            x=[i for i, _ in points],
            y=[v for _, v in points],
            mode="lines+markers",
            name=actual_name,
            line={"color": ACTUAL_COLOR, "width": 3},
            marker={"size": 8, "color": ACTUAL_COLOR},
            hovertemplate="%{y:,.4~g}" + unit + "<extra>" + actual_name + "</extra>",
        )
    )

    # Projection (dotted) from the latest actual to March, following the recent trend.
    if points and points[-1][0] < 12:
        projected = linear_projection(points, 12)
        if projected is not None:
            if rule.accumulation is Accumulation.LEVEL and unit == "%":
                projected = max(0.0, min(100.0, projected))
            last_x, last_y = points[-1]
            label = f"{t('chart_projection_short', lang)} {format_value(projected, unit)}"
            fig.add_trace(
                go.Scatter(
                    x=[last_x, 12],
                    y=[last_y, projected],
                    mode="lines+markers+text",
                    name=t("chart_projection", lang),
                    line={"color": ACTUAL_COLOR, "dash": "dot", "width": 2},
                    marker={"size": [0, 9], "color": ACTUAL_COLOR, "symbol": "circle-open"},
                    text=["", label],
                    textposition="top left",
                    textfont={"size": 12, "color": ACTUAL_COLOR},
                    hovertemplate="%{y:,.4~g}" + unit + "<extra>" + t("chart_projection", lang) + "</extra>",
                )
            )

    # The as-of month: a vertical line, and the evaluated value in its status shape and colour.
    fig.add_vline(
        x=known if known else 0.5,
        line={"color": AS_OF_COLOR, "dash": "dashdot", "width": 1.5},
        annotation={"text": as_of_text(as_of, lang), "font": {"size": 11, "color": AS_OF_COLOR}},
        annotation_position="top left",
    )
    code_status = status.get("status") if status else None
    if code_status and points:
        style = STATUS_STYLES[Status(code_status)]
        last_x, last_y = points[-1]
        fig.add_trace(
            go.Scatter(
                x=[last_x],
                y=[last_y],
                mode="markers",
                name=status_text(code_status, lang),
                marker={
                    "size": 18,
                    "symbol": style.marker,
                    "color": style.color if style.color != "#FFFFFF" else "#424242",
                    "line": {"color": "#212121", "width": 1.5},
                },
                hovertemplate="%{y:,.4~g}" + unit + "<extra>" + status_text(code_status, lang) + "</extra>",
            )
        )

    # Target and baseline: horizontal lines with their values written on them.
    if target is not None:
        fig.add_hline(
            y=target,
            line={"color": TARGET_COLOR, "width": 2},
            annotation={
                "text": f"{t('target', lang)} {format_value(target, unit)}",
                "font": {"color": TARGET_COLOR, "size": 12},
            },
            annotation_position="top left",
        )
    if rule.baseline is not None and not (flow and rule.baseline == 0):
        fig.add_hline(
            y=rule.baseline,
            line={"color": BASELINE_COLOR, "width": 1.5, "dash": "dot"},
            annotation={
                "text": f"{t('baseline', lang)} {format_value(rule.baseline, unit)}",
                "font": {"color": "#616161", "size": 11},
            },
            annotation_position="bottom right",
        )
    if target is None:
        fig.add_annotation(
            text=t("chart_no_target", lang),
            xref="paper",
            yref="paper",
            x=0.01,
            y=0.98,
            xanchor="left",
            showarrow=False,
            font={"size": 11, "color": "#6A1B9A"},
        )

    project = data.projects.loc[data.projects["project_no"] == ind["project_no"]].iloc[0]
    measure = data.measures.loc[data.measures["measure_no"] == project["measure_no"], "symbol"].iloc[0]
    title = f"{measure} {ind['name']}"
    year_label = data.label if lang == "ja" else f"FY{data.year}"
    parts = [f"{year_label} {as_of_text(as_of, lang)}", f"{int(project['project_no']):02d} {project['project_name']}"]
    if code_status:
        parts.append(status_text(code_status, lang))
    ratio = status.get("ratio") if status else None
    if ratio is not None and not pd.isna(ratio):
        parts.append(f"{t('ratio', lang)} {ratio:.0%}")
    _base_layout(fig, title, " ・ ".join(parts), height)
    fig.update_xaxes(
        range=[-0.3 if starts_at_baseline else 0.5, 12.6],
        tickvals=([0] if starts_at_baseline else []) + list(range(1, 13)),
        ticktext=([t("chart_start", lang)] if starts_at_baseline else []) + [month_tick(m, lang) for m in months],
        showgrid=False,
    )
    fig.update_yaxes(title={"text": unit}, rangemode="tozero" if flow else "normal", zeroline=True)
    fig.update_yaxes(range=_y_range(fig, [target, rule.baseline]))
    return fig


def _y_range(fig: go.Figure, extra: Sequence[float | None]) -> list[float] | None:
    values = [float(v) for tr in fig.data for v in (tr.y or ()) if v is not None]
    values += [float(v) for v in extra if v is not None]
    if not values:
        return None
    low, high = min(values), max(values)
    pad = (high - low) * 0.12 or max(1.0, abs(high) * 0.1)
    # Values that are never negative keep a zero floor rather than an axis below zero.
    floor = 0.0 if low >= 0 and low - pad < 0 else low - pad
    return [floor, high + pad]


# ---------------------------------------------------------------- 工程表 (Gantt)


def gantt_months(fiscal_year: int) -> list[Month]:
    """The 工程表's columns: R8 April … R9 June (15 months)."""
    start = Month(fiscal_year, 4)
    return [start.add(i) for i in range(GANTT_MONTHS)]


def _wrap(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return "<br>".join(text[i : i + width] for i in range(0, len(text), width))


def gantt_chart(
    data: PlanData,
    statuses: pd.DataFrame,
    as_of: Month,
    project_nos: Sequence[int] | None = None,
    lang: str = "ja",
    title: str | None = None,
) -> go.Figure:
    """The 工程表 of one or more projects: bars with their text, ● milestones in status colour.

    ``statuses`` is ``kpi.evaluate.indicator_statuses`` (its milestone rows colour the ●).
    With several projects each project gets a bold header row above its items.
    """
    months = gantt_months(data.year)
    start = months[0]
    nos = list(data.projects["project_no"]) if project_nos is None else list(project_nos)
    several = len(nos) > 1 or project_nos is None
    ms_status = (
        dict(
            zip(
                statuses.loc[statuses["kind"] == "milestone", "id"],
                statuses.loc[statuses["kind"] == "milestone", "status"],
                strict=True,
            )
        )
        if not statuses.empty
        else {}
    )
    projects = data.projects.set_index("project_no")
    symbols = data.measures.set_index("measure_no")["symbol"]

    tick_y: list[int] = []
    tick_text: list[str] = []
    bars: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    headers: list[int] = []
    y = 0
    for no in nos:
        proj = projects.loc[no]
        if several:
            headers.append(y)
            tick_y.append(y)
            tick_text.append(
                f"<b>{symbols[proj['measure_no']]} {int(no):02d} {_wrap(str(proj['project_name']), 26)}</b>"
            )
            y += 1
        rows = data.schedule.loc[data.schedule["project_no"] == no]
        for row in rows.to_dict("records"):
            tick_y.append(y)
            tick_text.append(_wrap(str(row["item"]) or t("chart_no_item", lang), 24))
            for bar in row["bars"] or []:
                b0, b1 = Month.parse(bar["start"]) - start, Month.parse(bar["end"]) - start + 1
                bars.append(
                    {
                        "y": y,
                        "base": b0,
                        "len": b1 - b0,
                        "text": bar.get("text") or "",
                        "start": bar["start"],
                        "end": bar["end"],
                    }
                )
            own = data.milestones.loc[
                (data.milestones["project_no"] == no) & (data.milestones["row_position"] == row["position"])
            ]
            for ms in own.to_dict("records"):
                marks.append(
                    {
                        "y": y,
                        "x": Month.parse(ms["month"]) - start + 0.5,
                        "status": ms_status.get(ms["code"], Status.NOT_DUE.value),
                        "text": ms["text"] or "",
                        "month": ms["month"],
                        "item": row["item"],
                    }
                )
            y += 1

    fig = go.Figure()
    if bars:
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=[b["y"] for b in bars],
                x=[b["len"] for b in bars],
                base=[b["base"] for b in bars],
                text=[b["text"] for b in bars],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"size": 11, "color": "#212121"},
                marker={"color": BAR_COLOR, "line": {"color": BAR_LINE, "width": 1}},
                width=0.6,
                name=t("chart_schedule_bar", lang),
                customdata=[[b["start"], b["end"]] for b in bars],
                hovertemplate="%{text}<br>%{customdata[0]} – %{customdata[1]}<extra></extra>",
            )
        )
    for code in (Status.DONE, Status.NOT_DUE, Status.CAUTION, Status.DELAYED):
        own = [m for m in marks if m["status"] == code.value]
        if not own:
            continue
        style = STATUS_STYLES[code]
        fig.add_trace(
            go.Scatter(
                x=[m["x"] for m in own],
                y=[m["y"] for m in own],
                mode="markers+text",
                name=f"{t('milestone', lang)}: {status_text(code, lang)}",
                marker={
                    "size": 15,
                    "symbol": style.marker,
                    "color": style.color,
                    "line": {"color": "#212121", "width": 1.5},
                },
                text=[m["text"] for m in own],
                textposition="middle right",
                textfont={"size": 11},
                customdata=[[m["item"], m["month"], status_text(code, lang)] for m in own],
                hovertemplate="%{customdata[0]}<br>%{customdata[1]} %{customdata[2]}<extra></extra>",
            )
        )

    for h in headers:
        fig.add_hrect(y0=h - 0.5, y1=h + 0.5, fillcolor=HEADER_FILL, line_width=0, layer="below")
    # R8 / R9 boundary and the as-of month.
    fig.add_vline(x=12, line={"color": "#9E9E9E", "width": 1})
    as_of_x = max(0.0, min(float(GANTT_MONTHS), (as_of - start) + 0.5))
    fig.add_vline(x=as_of_x, line={"color": AS_OF_COLOR, "dash": "dashdot", "width": 2})
    fig.add_annotation(
        x=as_of_x,
        y=1,
        yref="paper",
        yanchor="top",
        xanchor="left",
        text=as_of_text(as_of, lang),
        showarrow=False,
        font={"size": 11, "color": AS_OF_COLOR},
        bgcolor="rgba(255,255,255,0.85)",
    )
    n_rows = max(y, 1)
    height = 190 + 34 * n_rows
    if title is None:
        title = t("schedule_title", lang)
    _base_layout(fig, title, f"{data.label if lang == 'ja' else f'FY{data.year}'} ・ {as_of_text(as_of, lang)}", height)
    fig.update_layout(
        margin={"l": 20, "r": 20, "t": 150, "b": 20},
        legend={"orientation": "h", "yref": "container", "yanchor": "top", "y": 0.999, "xanchor": "right", "x": 1},
        bargap=0.3,
        showlegend=True,
    )
    fig.update_xaxes(
        range=[0, GANTT_MONTHS],
        tickvals=[i + 0.5 for i in range(GANTT_MONTHS)],
        ticktext=[_gantt_tick(m, i, data.year, lang) for i, m in enumerate(months)],
        side="top",
        showgrid=False,
        minor={"tickvals": list(range(GANTT_MONTHS + 1)), "showgrid": True, "gridcolor": "#EEEEEE"},
        fixedrange=True,
    )
    fig.update_yaxes(
        range=[n_rows - 0.5, -0.5],
        tickvals=tick_y,
        ticktext=tick_text,
        showgrid=False,
        automargin=True,
        fixedrange=True,
    )
    return fig


def _gantt_tick(month: Month, i: int, fiscal_year: int, lang: str) -> str:
    tick = month_tick(month, lang)
    if i == 0 or i == 12:
        short = fiscal_year_short(month.fiscal_year)
        return f"{short}<br>{tick}" if lang == "ja" else f"FY{month.fiscal_year}<br>{tick}"
    return f"<br>{tick}"
