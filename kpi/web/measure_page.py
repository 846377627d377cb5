"""重点施策別's tables: the 重点施策's milestones and its projects, with why a row is 注意/遅延."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from kpi.services.page_views import MeasureView
from kpi.text import phrases
from kpi.text.glance import milestone_reason
from kpi.text.labels import month_label
from kpi.text.why import NEEDS_REASON
from kpi.web import markup, nav, widgets
from kpi.web.prefs import lang
from kpi.web.words import tr


def chart_rows(view: MeasureView, no: int) -> pd.DataFrame:
    """The indicators 重点施策別 charts for 重点施策 ``no`` (its own, not its milestones), in
    plan order: the page draws them CHARTS_PER_PAGE at a time, the read ahead the first page."""
    own = view.indicators
    return own[(own["measure_no"] == no) & (own["kind"] == "indicator")]


def _why_text(view: MeasureView, status: str | None, project: int) -> str:
    """Why a 注意/遅延 project row is so, as cell HTML (empty for other statuses)."""
    if status not in NEEDS_REASON:
        return ""
    return markup.why_html(view.why_projects[project])


def _milestone_why(status: str | None, month: str) -> str:
    """A ●'s reason is about that ● (overdue or due now, with its month), never another item's note."""
    return escape(milestone_reason(str(status), month, lang())) if status in NEEDS_REASON else ""


def milestone_table(view: MeasureView, no: int) -> None:
    """The 重点施策's milestones: status, due and completed months, why."""
    own = view.indicators[view.indicators["measure_no"] == no]
    ms = own[own["kind"] == "milestone"]
    if ms.empty:
        st.caption(tr("dash_no_milestones"))
        return
    codes = dict(zip(view.data.projects["project_no"], view.data.projects["project_code"], strict=True))
    header = [tr("status"), tr("milestone"), tr("project"), tr("dash_due"), tr("dash_completed"), tr("why")]
    rows = [
        (
            "",
            [
                markup.chip_html(r["status"]),
                "kpi-name|" + phrases.html(str(r["name"])),
                "kpi-name|" + phrases.html(f"{codes.get(int(r['project']), r['project'])} {r['project_name']}"),
                "kpi-nowrap|" + escape(month_label(str(r["month"]), lang())),  # 2026年10月, as all Japanese text
                "kpi-nowrap|" + markup.esc(r["actual"]),
                "kpi-why|" + _milestone_why(r["status"], str(r["month"])),
            ],
        )
        for r in ms.to_dict("records")
    ]
    widgets.table(header, rows, "kpi-list")


def project_table(view: MeasureView, no: int) -> None:
    """The 重点施策's projects with their status, self-assessment and why, and a chooser."""
    rows = []
    targets: list[nav.NavTarget] = []
    for p in view.projects[view.projects["measure_no"] == no].to_dict("records"):
        label = f"{p['code']} {p['name']}"
        targets.append(("pages/2_projects.py", label, {"project": str(p["id"])}))
        cells = [
            markup.chip_html(p["status"]),
            "kpi-name|" + phrases.html(label),
            "kpi-nowrap kpi-dept|" + escape(p["lead_department"]),  # never 「経営戦略 / 課」
            markup.chip_html(p["assessment"]),
            "kpi-why|" + _why_text(view, p["status"], int(p["id"])),
        ]
        rows.append(("", cells))
    header = [tr("status"), tr("project"), tr("department"), tr("dash_assessment"), tr("why")]
    widgets.table(header, rows, "kpi-list")
    nav.open_row("measures_open_project", targets)
