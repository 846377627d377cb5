"""What the 重点施策別 and 実施事業 pages show of one 重点施策 or one project, computed in
one call so that the UI can cache it per data version (a rerun that changed nothing
recomputes nothing). Only the shown projects are evaluated, not the whole plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi.charts.data import known_points
from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.domain.statuses import indicator_statuses, measure_statuses, project_statuses, status_changes, status_history
from kpi.text.why import Why, why_indicators, why_projects


@dataclass(frozen=True)
class MeasureView:
    data: PlanData  # the year with only this 重点施策's projects
    indicators: pd.DataFrame  # kpi.domain.statuses.indicator_statuses of those projects
    projects: pd.DataFrame
    measure: dict[str, Any]  # its row of kpi.domain.statuses.measure_statuses
    why_indicators: dict[str, Why]
    why_projects: dict[int, Why]
    history: pd.DataFrame  # kpi.domain.statuses.status_history
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
    indicators: pd.DataFrame  # kpi.domain.statuses.indicator_statuses of the project
    status: dict[str, Any]  # its row of kpi.domain.statuses.project_statuses
    why: Why  # why the project stands as it does now
    why_indicators: dict[str, Why]
    # (month, status before, status after, why as it stood that month for 注意/遅延, else None)
    changes: list[tuple[str, Any, Any, Why | None]]


def project_view(data: PlanData, no: int, as_of: Month, lang: str = "ja") -> ProjectView:
    """One project as of a month, with when and why its status changed this year."""
    from kpi.text.why import NEEDS_REASON

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


@dataclass(frozen=True)
class TreeRow:
    """One row of the 全体概要's plan tree: a 基本方針, a 重点施策 or a 実施事業."""

    level: str  # "policy", "measure" or "project"
    row: dict[str, Any]  # its row of policy_statuses / measure_statuses / project_statuses


def plan_tree(policies: pd.DataFrame, measures: pd.DataFrame, projects: pd.DataFrame) -> list[TreeRow]:
    """The plan as a tree, top down: each 基本方針, its 重点施策 (not the hidden middle level of
    a two-level plan) and their 実施事業, in plan order. One pass over each frame."""
    by_policy: dict[Any, list[dict[str, Any]]] = {}
    for m in measures.to_dict("records"):
        by_policy.setdefault(m["policy_no"], []).append(m)
    by_measure: dict[Any, list[dict[str, Any]]] = {}
    for p in projects.to_dict("records"):
        by_measure.setdefault(p["measure_no"], []).append(p)
    rows: list[TreeRow] = []
    for pol in policies.to_dict("records"):
        rows.append(TreeRow("policy", pol))
        for mea in by_policy.get(pol["id"], []):
            if not mea["hidden"]:  # a two-level plan: its projects hang under the top level
                rows.append(TreeRow("measure", mea))
            rows.extend(TreeRow("project", p) for p in by_measure.get(mea["id"], []))
    return rows


def tree_page(rows: list[TreeRow], start: int, size: int) -> list[TreeRow]:
    """The tree rows of the projects ``start`` … ``start + size - 1`` (counted in tree order),
    with the 基本方針 and 重点施策 rows above them: a page that begins inside a 重点施策 repeats
    its 基本方針 and 重点施策 first. Rows without projects after the last project of a page
    (an empty 重点施策, the next 基本方針) open the next page; the last page takes the rest."""
    project_at = [i for i, r in enumerate(rows) if r.level == "project"]
    if not project_at or start >= len(project_at):
        return list(rows)
    begin = project_at[start - 1] + 1 if start > 0 else 0
    end = project_at[start + size - 1] + 1 if start + size < len(project_at) else len(rows)
    shown = rows[begin:end]
    # The headings the page's first row hangs under, when they are on an earlier page.
    first = shown[0]
    heads: list[TreeRow] = []
    if first.level != "policy":
        policy = next(r for r in reversed(rows[:begin]) if r.level == "policy")
        heads.append(policy)
        if first.level == "project":
            above = next((r for r in reversed(rows[:begin]) if r.level != "project"), None)
            if above is not None and above.level == "measure":
                heads.append(above)
    return heads + shown
