"""What the 重点施策別 and 実施事業 pages show of one 重点施策 or one project, computed in
one call so that the UI can cache it per data version (a rerun that changed nothing
recomputes nothing). Only the shown projects are evaluated, not the whole plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi.chart_data import known_points
from kpi.evaluate import indicator_statuses, measure_statuses, project_statuses, status_changes, status_history
from kpi.fiscal import Month
from kpi.store import PlanData
from kpi.why import Why, why_indicators, why_projects


@dataclass(frozen=True)
class MeasureView:
    data: PlanData  # the year with only this 重点施策's projects
    indicators: pd.DataFrame  # kpi.evaluate.indicator_statuses of those projects
    projects: pd.DataFrame
    measure: dict[str, Any]  # its row of kpi.evaluate.measure_statuses
    why_indicators: dict[str, Why]
    why_projects: dict[int, Why]
    history: pd.DataFrame  # kpi.evaluate.status_history
    # Indicator id → (fiscal month index, value as charted) up to the as-of month: the sparkline.
    series: dict[str, list[tuple[int, float]]]


def measure_view(data: PlanData, no: int, as_of: Month, lang: str = "ja") -> MeasureView:
    """One 重点施策 as of a month: only its projects are evaluated, not the whole plan."""
    data = data.only_projects(data.projects.loc[data.projects["measure_no"] == no, "project_no"])
    indicators = indicator_statuses(data, as_of)
    projects = project_statuses(data, as_of, indicators)
    measure = measure_statuses(data, as_of, projects).set_index("id").loc[no].to_dict()
    series = {
        str(code): known_points(data, str(code), as_of)
        for code in indicators.loc[indicators["kind"] == "indicator", "id"]
    }
    return MeasureView(
        data,
        indicators,
        projects,
        measure,
        why_indicators(data, as_of),
        why_projects(data, as_of, indicators, lang),
        status_history(data, as_of),
        series,
    )


@dataclass(frozen=True)
class ProjectView:
    data: PlanData  # the year with only this project
    indicators: pd.DataFrame  # kpi.evaluate.indicator_statuses of the project
    status: dict[str, Any]  # its row of kpi.evaluate.project_statuses
    why: Why  # why the project stands as it does now
    why_indicators: dict[str, Why]
    # (month, status before, status after, why as it stood that month for 注意/遅延, else None)
    changes: list[tuple[str, Any, Any, Why | None]]


def project_view(data: PlanData, no: int, as_of: Month, lang: str = "ja") -> ProjectView:
    """One project as of a month, with when and why its status changed this year."""
    from kpi.why import NEEDS_REASON

    data = data.only_projects([no])
    indicators = indicator_statuses(data, as_of)
    status = project_statuses(data, as_of, indicators).set_index("id").loc[no].to_dict()
    changes: list[tuple[str, Any, Any, Why | None]] = []
    for month, before, after in status_changes(status_history(data, as_of), no):
        # Why as it stood at the end of the month the status turned 注意/遅延.
        then = Month.parse(month)
        why = why_projects(data, then, indicator_statuses(data, then), lang)[no] if after in NEEDS_REASON else None
        changes.append((month, before, after, why))
    return ProjectView(
        data,
        indicators,
        status,
        why_projects(data, as_of, indicators, lang)[no],
        why_indicators(data, as_of),
        changes,
    )
