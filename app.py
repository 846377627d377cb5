"""全体概要: the whole plan at a glance — counts, the plan tree with chips, changes, missing reports."""

from html import escape

import streamlit as st

from kpi.domain.frames import opt
from kpi.domain.status import severity
from kpi.services.page_views import plan_tree, tree_page
from kpi.text.labels import status_text, unreported_text
from kpi.text.palette import LEGEND_ORDER
from kpi.text.why import NEEDS_REASON, why_projects
from kpi.web import cache, frame, markup, nav, prefs, widgets, words

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("overview"))
data = nav.load(year)


def counts_html(statuses: list[str], total_key: str) -> str:
    """Chips with counts, e.g. 「全22事業 ○ 順調 9 △ 注意 3 …」."""
    total = f'<span class="kpi-total">{escape(words.tr(total_key).format(n=len(statuses)))}</span>'
    chips = [markup.chip_html(s, str(statuses.count(s.value))) for s in LEGEND_ORDER if s.value in statuses]
    return f'<div class="kpi-counts">{total}{"".join(chips)}</div>'


MEASURES, PROJECTS = "pages/1_measures.py", "pages/2_projects.py"
TREE_PER_PAGE = 50


def project_target(no: int, name: str, code: str | None = None) -> nav.NavTarget:
    return (PROJECTS, f"{code or format(no, '02d')} {name}", {"project": str(no)})


if data is not None:
    computed = cache.statuses(data.year, as_of)
    assert computed is not None
    indicators, projects, measures, policies = (
        computed.indicators,
        computed.projects,
        computed.measures,
        computed.policies,
    )
    year_label = data.label if prefs.lang() == "ja" else f"FY{data.year}"
    as_of_label = as_of.label_ja() if prefs.lang() == "ja" else str(as_of)
    st.caption(f"{data.municipality} ・ {year_label} ・ {words.tr('as_of')} {as_of_label}")

    st.subheader(words.tr("dash_project_status"))
    st.markdown(counts_html([s for s in projects["status"] if s], "dash_count_total"), unsafe_allow_html=True)
    st.markdown(f"**{words.tr('dash_indicator_status')}**")
    st.markdown(counts_html(list(indicators["status"]), "dash_count_items"), unsafe_allow_html=True)

    # Stacked, not side by side: each table needs the full width for names and reasons.
    with st.container():
        st.subheader(words.tr("dash_changes"))
        previous = as_of.add(-1)
        if previous.fiscal_year == data.year:
            # The month before by the status history's rules, that month only: cheaper than a
            # second indicator_statuses of the whole plan, the same statuses (tests pin them).
            history = cache.status_history(data.year, previous, first=previous)
            assert history is not None  # the plan data was loaded above
            before = {int(i): opt(s) for i, s in zip(history["id"], history[str(previous)], strict=True)}
            changed = [
                p
                for p in projects.to_dict("records")
                if before.get(p["id"]) != p["status"] and before.get(p["id"]) and p["status"]
            ]
            # Why, for the changed projects only (a few of a thousand).
            ids = [int(p["id"]) for p in changed]
            why = why_projects(
                data.only_projects(ids), as_of, indicators[indicators["project"].isin(ids)], prefs.lang()
            )
            rows = []
            for p in changed:
                old, new = before[p["id"]], p["status"]
                worse = severity(new) < severity(old)
                direction = words.tr("dash_worse") if worse else words.tr("dash_better")
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
                                markup.name_cell(name),
                                markup.chip_html(old),
                                "kpi-now|" + markup.chip_html(new),
                                "kpi-why|" + (markup.why_html(why[p["id"]]) if new in NEEDS_REASON else ""),
                            ],
                        ),
                    )
                )
            st.caption(words.tr("dash_changes_caption").format(prev=str(previous), now=str(as_of)))
            if rows:
                header = ["", words.tr("project"), words.tr("dash_previous"), words.tr("dash_now"), words.tr("why")]
                ordered = sorted(rows, key=lambda r: r[0])
                widgets.table(header, [r for _, _, r in ordered], "kpi-list")
                nav.open_row("overview_open_change", [target for _, target, _ in ordered])
            else:
                st.info(words.tr("dash_no_changes"))
        else:
            st.info(words.tr("dash_no_changes"))
    with st.container():
        st.subheader(words.tr("dash_missing"))
        st.caption(words.tr("dash_missing_caption"))
        ind = indicators[indicators["kind"] == "indicator"]
        missing = ind[(ind["unreported_months"] > 0) | (ind["status"] == "no_data")]
        lead = data.projects.set_index("project_no")["lead_department"]
        if missing.empty:
            st.success(words.tr("dash_none_missing"))
        else:
            widgets.table(
                [
                    words.tr("indicator"),
                    words.tr("department"),
                    words.tr("dash_last_reported"),
                    words.tr("dash_unreported"),
                ],
                [
                    (
                        "",
                        [
                            markup.name_cell(f"{r['measure']} {r['name']}"),
                            "kpi-nowrap kpi-dept|" + escape(str(lead[r["project"]])),
                            markup.esc(r["month"]),  # NaN when nothing was ever reported
                            escape(
                                unreported_text(int(r["unreported_months"]), prefs.lang())
                                or status_text(r["status"], prefs.lang())
                            ),
                        ],
                    )
                    for r in missing.to_dict("records")
                ],
                "kpi-list",
            )
            names = data.projects.set_index("project_no")["project_name"]
            owing = dict.fromkeys(int(n) for n in missing["project"])
            nav.open_row("overview_open_missing", [project_target(n, str(names[n])) for n in owing])

    st.subheader(words.tr("dash_hierarchy"))
    widgets.legend()
    entries = plan_tree(policies, measures, projects)
    # A thousand projects are 200 KB of HTML for the browser: 50 at a time, with the 基本方針
    # and 重点施策 they hang under (a plan of 50 or fewer shows whole, without a chooser).
    start = nav.page_start(len(projects), TREE_PER_PAGE, "tree_page", "dash_tree_page")
    tree: list[tuple[str, list[str]]] = []
    tree_targets: list[nav.NavTarget] = []
    for entry in tree_page(entries, start, TREE_PER_PAGE):
        r = entry.row
        if entry.level == "policy":
            name = escape(f"{words.tr('policy_n').format(n=r['code'])} {r['name']}")
            tree.append(("kpi-policy", [markup.chip_html(r["status"]), name, ""]))
        elif entry.level == "measure":
            label = f"{r['symbol']} {r['name']}"
            tree_targets.append((MEASURES, label, {"measure": str(r["id"])}))
            tree.append(("kpi-measure", [markup.chip_html(r["status"]), "kpi-indent1|" + escape(label), ""]))
        else:
            label = f"{r['code']} {r['name']}"
            tree_targets.append(project_target(int(r["id"]), str(r["name"]), str(r["code"])))
            tree.append(
                (
                    "",
                    [
                        markup.chip_html(r["status"]),
                        "kpi-indent2|" + escape(label),
                        "kpi-nowrap kpi-dept|" + escape(str(r["lead_department"])),
                    ],
                )
            )
    # The chooser above the long tree, where a reader starts; the other tables are short.
    nav.open_row("overview_open_tree", tree_targets)
    widgets.table([words.tr("status"), " / ".join(words.level_names()), words.tr("department")], tree, "kpi-list")

    st.subheader(words.tr("dash_history"))
    st.caption(words.tr("dash_history_caption"))
    widgets.plan_history_table(data.year, as_of, [int(n) for n in projects["id"]])
