"""全体概要's drawing: the count chips, the changes and missing-reports tables, the plan tree."""

from __future__ import annotations

from html import escape

import streamlit as st

from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.services.overview import MissingRow, StatusChange
from kpi.services.page_views import TreeRow, tree_page
from kpi.text.labels import plan_year_label, unreported_text
from kpi.text.palette import LEGEND_ORDER
from kpi.web import markup, nav, widgets
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
                markup.esc(r.last_month),  # NaN when nothing was ever reported
                escape(unreported_text(r.months, lang())),
            ],
        )
        for r in missing
    ]
    widgets.table(header, rows, "kpi-list")
    owing = {r.project_no: r.project_name for r in missing}
    nav.open_row("overview_open_missing", [project_target(n, name) for n, name in owing.items()])


def plan_tree_table(entries: list[TreeRow], projects: int) -> None:
    """The plan as a tree of chips (``kpi.services.page_views.plan_tree`` of its ``projects``
    projects), 50 projects a page, with a chooser above it."""
    # A thousand projects are 200 KB of HTML for the browser: 50 at a time, with the 基本方針
    # and 重点施策 they hang under (a plan of 50 or fewer shows whole, without a chooser).
    start = nav.page_start(projects, TREE_PER_PAGE, "tree_page", "dash_tree_page")
    tree: list[tuple[str, list[str]]] = []
    targets: list[nav.NavTarget] = []
    for entry in tree_page(entries, start, TREE_PER_PAGE):
        r = entry.row
        if entry.level == "policy":
            name = escape(f"{tr('policy_n').format(n=r['code'])} {r['name']}")
            tree.append(("kpi-policy", [markup.chip_html(r["status"]), name, ""]))
        elif entry.level == "measure":
            label = f"{r['symbol']} {r['name']}"
            targets.append((MEASURES, label, {"measure": str(r["id"])}))
            tree.append(("kpi-measure", [markup.chip_html(r["status"]), "kpi-indent1|" + escape(label), ""]))
        else:
            label = f"{r['code']} {r['name']}"
            targets.append(project_target(int(r["id"]), str(r["name"]), str(r["code"])))
            dept = "kpi-nowrap kpi-dept|" + escape(str(r["lead_department"]))
            tree.append(("", [markup.chip_html(r["status"]), "kpi-indent2|" + escape(label), dept]))
    # The chooser above the long tree, where a reader starts; the other tables are short.
    nav.open_row("overview_open_tree", targets)
    widgets.table([tr("status"), " / ".join(level_names()), tr("department")], tree, "kpi-list")


def caption(data: PlanData, as_of: Month) -> None:
    """「市 ・ 令和8年度 ・ 基準月 2026年10月」 under the title."""
    year_label = plan_year_label(data, lang())
    st.caption(f"{data.municipality} ・ {year_label} ・ {tr('as_of')} {month_label(as_of)}")
