"""The 工程表 as a compact list for narrow screens (phones): one line per 実施項目.

A Gantt chart needs about 900 px to be read; at 390 px its month columns are a few pixels
wide. The list says the same thing in words: each item's periods (「4月–3月 継続」) and its ●
milestones with their month and status. Pure: plan data in, plain rows out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from kpi.domain.fiscal import Month
from kpi.domain.frames import opt
from kpi.domain.plan import PlanData
from kpi.domain.status import Status
from kpi.text import fmt
from kpi.text.catalog import t
from kpi.text.labels import month_short as month_name
from kpi.text.labels import year_short


@dataclass(frozen=True)
class ScheduleMark:
    month: str  # "2026-10"
    text: str
    status: str  # a kpi.domain.status.Status value


@dataclass(frozen=True)
class ScheduleLine:
    item: str
    periods: tuple[tuple[str, str, str], ...]  # (start "YYYY-MM", end "YYYY-MM", bar text)
    marks: tuple[ScheduleMark, ...]


@dataclass(frozen=True)
class ScheduleProject:
    no: int
    symbol: str
    name: str
    lines: tuple[ScheduleLine, ...]
    code: str = ""  # as printed (「01」, 「1-1-1」); empty: the two-digit number


def month_short(month: str, fiscal_year: int, lang: str) -> str:
    """「10月」 inside the plan's fiscal year, 「R9 4月」 after it (the source's own words)."""
    m = Month.parse(month)
    if m.fiscal_year == fiscal_year:
        return t("schedule_month", lang).format(month=month_name(m, lang), iso=m)
    return t("schedule_month_of", lang).format(year=year_short(m.fiscal_year, lang), month=month_name(m, lang), iso=m)


def schedule_list(data: PlanData, statuses: pd.DataFrame, project_nos: Sequence[int]) -> list[ScheduleProject]:
    """Every chosen project's 実施項目 with their periods and ● (status from ``statuses``)."""
    ms_status: dict[str, str] = {}
    if not statuses.empty:
        ms = statuses[statuses["kind"] == "milestone"]
        ms_status = dict(zip(ms["id"], ms["status"], strict=True))
    projects = data.projects.set_index("project_no")
    symbols = data.measures.set_index("measure_no")["symbol"]
    out = []
    for no in project_nos:
        proj = projects.loc[no]
        lines = []
        for row in data.schedule.loc[data.schedule["project_no"] == no].to_dict("records"):
            periods = tuple(
                (str(b["start"]), str(b["end"]), fmt.text(b.get("text"), "")) for b in opt(row["bars"]) or []
            )
            own = data.milestones.loc[
                (data.milestones["project_no"] == no) & (data.milestones["row_position"] == row["position"])
            ]
            marks = tuple(
                ScheduleMark(str(m["month"]), fmt.text(m["text"], ""), ms_status.get(m["code"], Status.NOT_DUE.value))
                for m in own.to_dict("records")
            )
            lines.append(ScheduleLine(fmt.text(row["item"], ""), periods, marks))
        out.append(
            ScheduleProject(
                int(no),
                str(symbols[proj["measure_no"]]),
                str(proj["project_name"]),
                tuple(lines),
                str(proj["project_code"]),
            )
        )
    return out
