"""全体概要's drawing: the count chips, the changes and missing-reports tables, the plan tree."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.domain.status import Status
from kpi.services.overview import MissingRow, StatusChange, tree_reasons
from kpi.services.page_views import TreeRow, tree_page
from kpi.text.fmt import plain_markdown
from kpi.text.glance import group_reason, rule_text
from kpi.text.labels import month_text, plan_year_label, unreported_text
from kpi.text.palette import LEGEND_ORDER
from kpi.text.why import NEEDS_REASON
from kpi.web import glance, markup, nav, widgets
from kpi.web.prefs import lang
from kpi.web.words import level_names, month_label, tr

MEASURES, PROJECTS = "pages/1_measures.py", "pages/2_projects.py"
TREE_PER_PAGE = 50


def counts_html(statuses: list[str], total_key: str) -> str:
    """Chips with counts, e.g. 「全22事業 ○ 順調 9 △ 注意 3 …」."""
    total = f'<span class="kpi-total">{escape(tr(total_key).format(n=len(statuses)))}</span>'
    chips = [markup.chip_html(s, str(statuses.count(s.value))) for s in LEGEND_ORDER if s.value in statuses]
    return f'<div class="kpi-counts">{total}{"".join(chips)}</div>'


def project_target(no: int, name: str, code: str | None = None) -> nav.NavTarget:
    return (PROJECTS, f"{code or format(no, '02d')} {name}", {"project": str(no)})


def changes_table(changes: list[StatusChange]) -> None:
    """The projects whose status changed since last month, with a chooser to open one."""
    if not changes:
        st.info(tr("dash_no_changes"))
        return
    rows = []
    for c in changes:
        direction, mark = (tr("dash_worse"), "▼ ") if c.worse else (tr("dash_better"), "▲ ")
        cells = [
            "kpi-nowrap|" + mark + direction,
            markup.name_cell(f"{c.code} {c.name}"),
            markup.chip_html(c.before),
            "kpi-now|" + markup.chip_html(c.now),
            "kpi-why|" + (markup.why_html(c.why) if c.why is not None else ""),
        ]
        rows.append(("", cells))
    header = ["", tr("project"), tr("dash_previous"), tr("dash_now"), tr("why")]
    widgets.table(header, rows, "kpi-list")
    nav.open_row("overview_open_change", [project_target(c.project_no, c.name, c.code) for c in changes])


def missing_table(missing: list[MissingRow]) -> None:
    """The indicators with reports due and not in, with a chooser of their projects."""
    if not missing:
        st.success(tr("dash_none_missing"))
        return
    header = [tr("indicator"), tr("department"), tr("dash_last_reported"), tr("dash_unreported")]
    rows = [
        (
            "",
            [
                markup.name_cell(r.label),
                "kpi-nowrap kpi-dept|" + escape(r.department),
                escape(month_text(r.last_month, lang())),  # NaN when nothing was ever reported
                escape(unreported_text(r.months, lang())),
            ],
        )
        for r in missing
    ]
    widgets.table(header, rows, "kpi-list")
    owing = {r.project_no: r.project_name for r in missing}
    nav.open_row("overview_open_missing", [project_target(n, name) for n, name in owing.items()])


def _group_reasons(projects: pd.DataFrame, key: str) -> dict[int, list[str]]:
    """Per 基本方針 / 重点施策 number: 「遅延の実施事業: 03 …」 and 「注意の実施事業: …」 lines."""
    level = level_names()[-1]
    names: dict[tuple[int, str], list[str]] = {}
    for no, status, code, name in zip(
        projects[key], projects["status"], projects["code"], projects["name"], strict=True
    ):
        if status in NEEDS_REASON:
            names.setdefault((int(no), str(status)), []).append(f"{code} {name}")
    out: dict[int, list[str]] = {}
    for status in (Status.DELAYED.value, Status.CAUTION.value):  # the worse first
        for (no, s), found in names.items():
            if s == status:
                out.setdefault(no, []).append(group_reason(status, found, level, lang()))
    return out


def _lines_html(lines: list[str]) -> str:
    return "<br>".join(escape(line) for line in lines)


def plan_tree_table(
    data: PlanData,
    as_of: Month,
    indicators: pd.DataFrame,
    entries: list[TreeRow],
    projects: pd.DataFrame,
) -> None:
    """The plan as a tree of chips (``entries``: ``kpi.services.page_views.plan_tree``, shared by
    every session), 50 projects a page, with a chooser above it. A 基本方針 and a 重点施策 show
    the distribution of their projects beside their status; every 注意/遅延 row says why in the
    理由 column (a group: which projects; a project: its items and notes)."""
    # A thousand projects are 200 KB of HTML for the browser: 50 at a time, with the 基本方針
    # and 重点施策 they hang under (a plan of 50 or fewer shows whole, without a chooser).
    start = nav.page_start(len(projects), TREE_PER_PAGE, "tree_page", "dash_tree_page")
    shown = tree_page(entries, start, TREE_PER_PAGE)
    red = [int(e.row["id"]) for e in shown if e.level == "project" and e.row["status"] in NEEDS_REASON]
    # Only the red projects of this page: the reasons cost the same in a plan of a thousand.
    why = tree_reasons(data, as_of, indicators, red, lang())
    by_policy, by_measure = _group_reasons(projects, "policy_no"), _group_reasons(projects, "measure_no")
    tree: list[tuple[str, list[str]]] = []
    targets: list[nav.NavTarget] = []
    for entry in shown:
        r = entry.row
        status = r["status"]
        if entry.level == "policy":
            name = escape(f"{tr('policy_n').format(n=r['code'])} {r['name']}")
            reason = _lines_html(by_policy.get(int(r["id"]), [])) if status in NEEDS_REASON else ""
            chip = markup.chip_html(status) + glance.distribution_html(r)
            tree.append(("kpi-policy", [chip, name, "", "kpi-why|" + reason]))
        elif entry.level == "measure":
            label = f"{r['symbol']} {r['name']}"
            targets.append((MEASURES, label, {"measure": str(r["id"])}))
            reason = _lines_html(by_measure.get(int(r["id"]), [])) if status in NEEDS_REASON else ""
            chip = markup.chip_html(status) + glance.distribution_html(r)
            tree.append(("kpi-measure", [chip, "kpi-indent1|" + escape(label), "", "kpi-why|" + reason]))
        else:
            label = f"{r['code']} {r['name']}"
            targets.append(project_target(int(r["id"]), str(r["name"]), str(r["code"])))
            dept = "kpi-nowrap kpi-dept|" + escape(str(r["lead_department"]))
            reason = markup.why_html(why.get(int(r["id"]))) if status in NEEDS_REASON else ""
            tree.append(("", [markup.chip_html(status), "kpi-indent2|" + escape(label), dept, "kpi-why|" + reason]))
    # The chooser above the long tree, where a reader starts; the other tables are short.
    nav.open_row("overview_open_tree", targets)
    st.caption(rule_text(data.rollup, level_names()[-1], lang()))
    header = [tr("status"), " / ".join(level_names()), tr("department"), tr("why")]
    widgets.table(header, tree, "kpi-list")


def caption(data: PlanData, as_of: Month) -> None:
    """「市 ・ 令和8年度 ・ 基準月 2026年10月」 under the title."""
    year_label = plan_year_label(data, lang())
    place = plain_markdown(f"{data.municipality} ・ {year_label}")
    st.caption(f"{place} ・ {tr('as_of')} {month_label(as_of)}")
