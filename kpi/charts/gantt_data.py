"""The 工程表 (Gantt) as plain rows, bars and ● milestones: what every drawing of it shows.

``kpi.charts.figures.gantt_chart`` draws it with plotly (zoom, PNG download), and
``kpi.reports.gantt_svg`` as a static SVG that the screen shows first (no plotly.js: issue 22,
工程表 cold). One place for the rows, the month columns, the bar texts (broken between
phrases when longer than their bar) and the milestones' statuses. Texts here are plain (not
escaped); each drawing escapes them. No Streamlit, no plotly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi.charts.data import as_of_text, month_tick
from kpi.domain.fiscal import Month
from kpi.domain.frames import opt
from kpi.domain.plan import PlanData
from kpi.domain.status import Status
from kpi.text import fmt, phrases
from kpi.text.catalog import t
from kpi.text.labels import month_label, plan_year_label, status_text, year_short

BAR_COLOR = "#CFD8DC"
BAR_LINE = "#78909C"
HEADER_FILL = "#ECEFF1"  # a project's header row
GANTT_MONTHS = 15  # R8 April … R9 June, the span the plan's 工程表 prints
LONG_GANTT_ROWS = 12  # from this many rows the month labels repeat at the bottom
MONTH_PX = 27  # a month's column of the 工程表 at 1280 px (15 months beside the item names)
BAR_TEXT_PX, SMALL_BAR_TEXT_PX = 11, 9
HEADER_WRAP, ITEM_WRAP = 26, 24  # characters a line of a row's name
# The order of the milestone statuses (legend and drawing order), one for every drawing.
MILESTONE_ORDER = (Status.DONE, Status.NOT_DUE, Status.CAUTION, Status.DELAYED)


@dataclass(frozen=True)
class GanttRow:
    y: int
    lines: tuple[str, ...]  # the row's name in lines (a header: symbol, code and project name)
    header: bool  # a project's bold header row (several projects shown)


@dataclass(frozen=True)
class GanttBar:
    y: int
    base: int  # months from April
    length: int  # in months
    lines: tuple[str, ...]  # its text: one line, or broken between phrases (small)
    size: int  # its text's px
    start: str  # "2026-04"
    end: str
    text: str = ""  # its text whole (a hover title)


@dataclass(frozen=True)
class GanttMark:
    y: int
    x: float  # month columns from April, at the middle of its month
    status: str  # a Status value
    text: str
    month: str
    item: str


@dataclass(frozen=True)
class GanttData:
    title: str
    subtitle: str
    months: tuple[Month, ...]
    ticks: tuple[tuple[str, str], ...]  # per month: (year label on April of each year, month)
    rows: tuple[GanttRow, ...]
    bars: tuple[GanttBar, ...]
    marks: tuple[GanttMark, ...]
    as_of_x: float
    as_of_label: str

    @property
    def n_rows(self) -> int:
        return max(len(self.rows), 1)


def bar_tip(bar: GanttBar, lang: str) -> str:
    """A bar's hover title, in the SVG and in plotly: 「各課照会 2027年4月–2027年4月」."""
    return f"{bar.text} {month_label(bar.start, lang)}–{month_label(bar.end, lang)}".strip()


def mark_tip(mark: GanttMark, lang: str) -> str:
    """A ●'s hover title, in the SVG and in plotly: 「取扱い歳入の拡大 2026年4月 遅延」."""
    return f"{mark.item} {month_label(mark.month, lang)} {status_text(Status(mark.status), lang)}".strip()


def gantt_months(fiscal_year: int) -> list[Month]:
    """The 工程表's columns: R8 April … R9 June (15 months)."""
    start = Month(fiscal_year, 4)
    return [start.add(i) for i in range(GANTT_MONTHS)]


def chunks(text: str, width: int) -> tuple[str, ...]:
    """Plan text in lines of ``width`` characters."""
    return tuple(text[i : i + width] for i in range(0, max(len(text), 1), width))


def bar_lines(text: str, months: int) -> tuple[tuple[str, ...], int]:
    """A bar's text and its size in px: 11 px on one line when it fits the bar, else 9 px
    broken between phrases (「各課 / 照会」 in a one-month bar; never shrunk to 5 px)."""
    room = months * MONTH_PX - 3
    if phrases.em_width(text) * BAR_TEXT_PX <= room:
        return (text,), BAR_TEXT_PX
    return phrases.wrap(text, months * MONTH_PX / SMALL_BAR_TEXT_PX), SMALL_BAR_TEXT_PX  # may touch the edges


def _milestone_statuses(statuses: pd.DataFrame) -> dict[str, str]:
    if statuses.empty:
        return {}
    ms = statuses[statuses["kind"] == "milestone"]
    return dict(zip(ms["id"], ms["status"], strict=True))


def gantt_data(
    data: PlanData,
    statuses: pd.DataFrame,
    as_of: Month,
    project_nos: Sequence[int] | None = None,
    lang: str = "ja",
    title: str | None = None,
) -> GanttData:
    """The 工程表 of one or more projects (all without ``project_nos``); with several projects
    each gets a header row above its items. ``statuses`` (kpi.domain.statuses.indicator_statuses)
    gives each ● its status."""
    months = gantt_months(data.year)
    start = months[0]
    nos = list(data.projects["project_no"]) if project_nos is None else list(project_nos)
    several = len(nos) > 1 or project_nos is None
    ms_status = _milestone_statuses(statuses)
    projects = data.projects.set_index("project_no")
    symbols = data.measures.set_index("measure_no")["symbol"]
    # Rows and ● grouped once: filtering the whole frame per project was quadratic.
    wanted = {int(n) for n in nos}
    rows_of: dict[int, list[dict[str, Any]]] = {}
    for row in data.schedule.loc[data.schedule["project_no"].isin(wanted)].to_dict("records"):
        rows_of.setdefault(int(row["project_no"]), []).append(row)
    marks_of: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for ms in data.milestones.loc[data.milestones["project_no"].isin(wanted)].to_dict("records"):
        marks_of.setdefault((int(ms["project_no"]), int(ms["row_position"])), []).append(ms)

    rows: list[GanttRow] = []
    bars: list[GanttBar] = []
    marks: list[GanttMark] = []
    y = 0
    for no in nos:
        proj = projects.loc[no]
        if several:
            name = chunks(fmt.text(proj["project_name"]), HEADER_WRAP)
            head = f"{symbols[proj['measure_no']]} {proj['project_code']} "
            rows.append(GanttRow(y, (head + name[0], *name[1:]), True))
            y += 1
        for row in rows_of.get(int(no), []):
            item = fmt.text(row["item"], "")
            rows.append(GanttRow(y, chunks(item or t("chart_no_item", lang), ITEM_WRAP), False))
            for bar in opt(row["bars"]) or []:
                b0, b1 = Month.parse(bar["start"]) - start, Month.parse(bar["end"]) - start + 1
                text = fmt.text(bar.get("text"), "")
                lines, size = bar_lines(text, b1 - b0)
                bars.append(GanttBar(y, b0, b1 - b0, lines, size, str(bar["start"]), str(bar["end"]), text))
            for ms in marks_of.get((int(no), int(row["position"])), []):
                status = ms_status.get(ms["code"], Status.NOT_DUE.value)
                x = Month.parse(ms["month"]) - start + 0.5
                marks.append(GanttMark(y, x, status, fmt.text(ms["text"], ""), str(ms["month"]), item))
            y += 1
    ticks = tuple(
        (year_short(m.fiscal_year, lang) if i in (0, 12) else "", month_tick(m, lang)) for i, m in enumerate(months)
    )
    return GanttData(
        title=t("schedule_title", lang) if title is None else title,
        subtitle=f"{plan_year_label(data, lang)} ・ {as_of_text(as_of, lang)}",
        months=tuple(months),
        ticks=ticks,
        rows=tuple(rows),
        bars=tuple(bars),
        marks=tuple(marks),
        as_of_x=max(0.0, min(float(GANTT_MONTHS), (as_of - start) + 0.5)),
        as_of_label=as_of_text(as_of, lang),
    )
