"""What 全体概要 shows besides the counts and the tree: last month's status changes and the
missing reports, computed from the year's statuses the page already has (no database)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.domain.fiscal import Month
from kpi.domain.frames import opt
from kpi.domain.inquiry import missing_reports
from kpi.domain.plan import PlanData
from kpi.domain.status import Status, severity
from kpi.services.page_views import TreeRow, plan_tree
from kpi.text.why import NEEDS_REASON, Why, why_projects


@dataclass(frozen=True)
class StatusChange:
    """A project whose status differs from the month before (both months have a status)."""

    project_no: int
    code: str
    name: str
    before: str
    now: str
    why: Why | None  # why it is 注意/遅延 now; None when the new status needs no reason

    @property
    def worse(self) -> bool:
        return severity(Status(self.now)) < severity(Status(self.before))


@dataclass(frozen=True)
class MissingRow:
    """One indicator with reports due and not in (``kpi.domain.inquiry.missing_reports``)."""

    project_no: int
    project_name: str
    label: str  # 「<重点施策> <指標名>」
    department: str  # the project's 担当部署
    last_month: object  # the last reported month, or None/NaN when nothing was reported
    months: int  # how many due reports are missing


def status_changes(
    data: PlanData, as_of: Month, projects: pd.DataFrame, indicators: pd.DataFrame, before: pd.DataFrame, lang: str
) -> list[StatusChange]:
    """The projects whose status changed since ``as_of - 1``, worst new status first.

    ``projects``/``indicators``: the year's statuses as of ``as_of``; ``before``: the status
    history of the month before (columns ``id`` and that month), as ``status_history`` gives it.
    """
    previous = str(as_of.add(-1))
    was = {int(i): opt(s) for i, s in zip(before["id"], before[previous], strict=True)}
    changed = [
        p
        for p in projects.to_dict("records")
        if was.get(int(p["id"])) and p["status"] and was[int(p["id"])] != p["status"]
    ]
    # Why, for the changed projects only (a few of a thousand).
    ids = [int(p["id"]) for p in changed]
    why = why_projects(data.only_projects(ids), as_of, indicators[indicators["project"].isin(ids)], lang)
    out = [
        StatusChange(
            int(p["id"]),
            str(p["code"]),
            str(p["name"]),
            str(was[int(p["id"])]),
            str(p["status"]),
            why[int(p["id"])] if p["status"] in NEEDS_REASON else None,
        )
        for p in changed
    ]
    return sorted(out, key=lambda c: severity(Status(c.now)))


def missing_rows(data: PlanData, as_of: Month, indicators: pd.DataFrame) -> list[MissingRow]:
    """The missing reports as 全体概要 lists them, in the order of ``indicators`` (plan order)."""
    gaps = {m.code: m for m in missing_reports(data, as_of)}
    plan = data.projects.set_index("project_no")
    rows = []
    for r in indicators[indicators["kind"] == "indicator"].to_dict("records"):
        gap = gaps.get(str(r["id"]))
        if gap is None:
            continue
        rows.append(
            MissingRow(
                gap.project_no,
                str(plan.loc[gap.project_no, "project_name"]),
                f"{r['measure']} {r['name']}",
                str(plan.loc[gap.project_no, "lead_department"]),
                r["month"],
                len(gap.months),
            )
        )
    return rows


def tree_reasons(
    data: PlanData, as_of: Month, indicators: pd.DataFrame, project_ids: list[int], lang: str
) -> dict[int, Why]:
    """Why each of ``project_ids`` (the 注意/遅延 projects of one page of the tree) is so: its
    注意/遅延 items, the latest note of its indicators and its latest self-assessment. Only
    these projects are read, so a page of the tree costs the same in a plan of a thousand."""
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    return why_projects(data.only_projects(ids), as_of, indicators[indicators["project"].isin(ids)], lang)


@dataclass(frozen=True)
class OverviewView:
    """What 全体概要 draws besides the counts and the month-by-month table, for one as-of month.

    Built once per data version, as-of month and language and shared by every session (read
    only): at the month-end rush thirty sessions each computed the changes, the missing reports
    and the tree on every rerun from the same shared statuses."""

    changes: list[StatusChange] | None  # None: the month before belongs to another fiscal year
    missing: list[MissingRow]
    tree: list[TreeRow]
    projects: int  # how many projects the tree holds (for its pages)


def overview_view(
    data: PlanData,
    as_of: Month,
    indicators: pd.DataFrame,
    projects: pd.DataFrame,
    measures: pd.DataFrame,
    policies: pd.DataFrame,
    before: pd.DataFrame | None,
    lang: str,
) -> OverviewView:
    """The 全体概要 of ``as_of`` from the year's statuses; ``before``: the status history of the
    month before (``status_history`` of that month only), None when it is in another year."""
    changes = None if before is None else status_changes(data, as_of, projects, indicators, before, lang)
    return OverviewView(
        changes, missing_rows(data, as_of, indicators), plan_tree(policies, measures, projects), len(projects)
    )
