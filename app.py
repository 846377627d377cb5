"""全体概要: the whole plan at a glance — counts, the plan tree with chips, changes, missing reports."""

from html import escape

import streamlit as st

from kpi import ui
from kpi.fmt import opt
from kpi.labels import LEGEND_ORDER, status_text, unreported_text
from kpi.page_views import plan_tree, tree_page
from kpi.status import severity
from kpi.why import NEEDS_REASON, why_projects

ui.page_setup()
year, as_of = ui.sidebar()
st.title(ui.tr("overview"))
data = ui.load(year)


def counts_html(statuses: list[str], total_key: str) -> str:
    """Chips with counts, e.g. 「全22事業 ○ 順調 9 △ 注意 3 …」."""
    total = f'<span class="kpi-total">{escape(ui.tr(total_key).format(n=len(statuses)))}</span>'
    chips = [ui.chip_html(s, str(statuses.count(s.value))) for s in LEGEND_ORDER if s.value in statuses]
    return f'<div class="kpi-counts">{total}{"".join(chips)}</div>'


MEASURES, PROJECTS = "pages/1_measures.py", "pages/2_projects.py"
TREE_PER_PAGE = 50


def project_target(no: int, name: str, code: str | None = None) -> ui.NavTarget:
    return (PROJECTS, f"{code or format(no, '02d')} {name}", {"project": str(no)})


if data is not None:
    computed = ui.statuses(data.year, as_of)
    assert computed is not None
    indicators, projects, measures, policies = (
        computed.indicators,
        computed.projects,
        computed.measures,
        computed.policies,
    )
    year_label = data.label if ui.lang() == "ja" else f"FY{data.year}"
    as_of_label = as_of.label_ja() if ui.lang() == "ja" else str(as_of)
    st.caption(f"{data.municipality} ・ {year_label} ・ {ui.tr('as_of')} {as_of_label}")

    st.subheader(ui.tr("dash_project_status"))
    st.markdown(counts_html([s for s in projects["status"] if s], "dash_count_total"), unsafe_allow_html=True)
    st.markdown(f"**{ui.tr('dash_indicator_status')}**")
    st.markdown(counts_html(list(indicators["status"]), "dash_count_items"), unsafe_allow_html=True)

    # Stacked, not side by side: each table needs the full width for names and reasons.
    with st.container():
        st.subheader(ui.tr("dash_changes"))
        previous = as_of.add(-1)
        if previous.fiscal_year == data.year:
            # The month before by the status history's rules, that month only: cheaper than a
            # second indicator_statuses of the whole plan, the same statuses (tests pin them).
            history = ui.status_history(data.year, previous, first=previous)
            assert history is not None  # the plan data was loaded above
            before = {int(i): opt(s) for i, s in zip(history["id"], history[str(previous)], strict=True)}
            changed = [
                p
                for p in projects.to_dict("records")
                if before.get(p["id"]) != p["status"] and before.get(p["id"]) and p["status"]
            ]
            # Why, for the changed projects only (a few of a thousand).
            ids = [int(p["id"]) for p in changed]
            why = why_projects(data.only_projects(ids), as_of, indicators[indicators["project"].isin(ids)], ui.lang())
            rows = []
            for p in changed:
                old, new = before[p["id"]], p["status"]
                worse = severity(new) < severity(old)
                direction = ui.tr("dash_worse") if worse else ui.tr("dash_better")
                mark = "▼ " if worse else "▲ "
                name = f"{p['code']} {p['name']}"
                rows.append(
                    (
                        severity(new),
                        project_target(int(p["id"]), str(p["name"]), str(p["code"])),
                        (
                            "",
                            [
                                "kpi-nowrap|" + mark + direction,
                                ui.name_cell(name),
                                ui.chip_html(old),
                                "kpi-now|" + ui.chip_html(new),
                                "kpi-why|" + (ui.why_html(why[p["id"]]) if new in NEEDS_REASON else ""),
                            ],
                        ),
                    )
                )
            st.caption(ui.tr("dash_changes_caption").format(prev=str(previous), now=str(as_of)))
            if rows:
                header = ["", ui.tr("project"), ui.tr("dash_previous"), ui.tr("dash_now"), ui.tr("why")]
                ordered = sorted(rows, key=lambda r: r[0])
                ui.table(header, [r for _, _, r in ordered], "kpi-list")
                ui.open_row("overview_open_change", [target for _, target, _ in ordered])
            else:
                st.info(ui.tr("dash_no_changes"))
        else:
            st.info(ui.tr("dash_no_changes"))
    with st.container():
        st.subheader(ui.tr("dash_missing"))
        st.caption(ui.tr("dash_missing_caption"))
        ind = indicators[indicators["kind"] == "indicator"]
        missing = ind[(ind["unreported_months"] > 0) | (ind["status"] == "no_data")]
        lead = data.projects.set_index("project_no")["lead_department"]
        if missing.empty:
            st.success(ui.tr("dash_none_missing"))
        else:
            ui.table(
                [ui.tr("indicator"), ui.tr("department"), ui.tr("dash_last_reported"), ui.tr("dash_unreported")],
                [
                    (
                        "",
                        [
                            ui.name_cell(f"{r['measure']} {r['name']}"),
                            "kpi-nowrap kpi-dept|" + escape(str(lead[r["project"]])),
                            ui.esc(r["month"]),  # NaN when nothing was ever reported
                            escape(
                                unreported_text(int(r["unreported_months"]), ui.lang())
                                or status_text(r["status"], ui.lang())
                            ),
                        ],
                    )
                    for r in missing.to_dict("records")
                ],
                "kpi-list",
            )
            names = data.projects.set_index("project_no")["project_name"]
            owing = dict.fromkeys(int(n) for n in missing["project"])
            ui.open_row("overview_open_missing", [project_target(n, str(names[n])) for n in owing])

    st.subheader(ui.tr("dash_hierarchy"))
    ui.legend()
    entries = plan_tree(policies, measures, projects)
    # A thousand projects are 200 KB of HTML for the browser: 50 at a time, with the 基本方針
    # and 重点施策 they hang under (a plan of 50 or fewer shows whole, without a chooser).
    start = ui.page_start(len(projects), TREE_PER_PAGE, "tree_page", "dash_tree_page")
    tree: list[tuple[str, list[str]]] = []
    tree_targets: list[ui.NavTarget] = []
    for entry in tree_page(entries, start, TREE_PER_PAGE):
        r = entry.row
        if entry.level == "policy":
            name = escape(f"{ui.tr('policy_n').format(n=r['code'])} {r['name']}")
            tree.append(("kpi-policy", [ui.chip_html(r["status"]), name, ""]))
        elif entry.level == "measure":
            label = f"{r['symbol']} {r['name']}"
            tree_targets.append((MEASURES, label, {"measure": str(r["id"])}))
            tree.append(("kpi-measure", [ui.chip_html(r["status"]), "kpi-indent1|" + escape(label), ""]))
        else:
            label = f"{r['code']} {r['name']}"
            tree_targets.append(project_target(int(r["id"]), str(r["name"]), str(r["code"])))
            tree.append(
                (
                    "",
                    [
                        ui.chip_html(r["status"]),
                        "kpi-indent2|" + escape(label),
                        "kpi-nowrap kpi-dept|" + escape(str(r["lead_department"])),
                    ],
                )
            )
    # The chooser above the long tree, where a reader starts; the other tables are short.
    ui.open_row("overview_open_tree", tree_targets)
    ui.table([ui.tr("status"), " / ".join(ui.level_names()), ui.tr("department")], tree, "kpi-list")

    st.subheader(ui.tr("dash_history"))
    st.caption(ui.tr("dash_history_caption"))
    ui.plan_history_table(data.year, as_of, [int(n) for n in projects["id"]])
