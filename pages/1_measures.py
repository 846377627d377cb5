"""重点施策別: one 重点施策 — its indicators against target, its milestones, its projects."""

from dataclasses import replace
from html import escape

import streamlit as st

from kpi.text.why import NEEDS_REASON
from kpi.web import cache, frame, markup, nav, prefs, widgets, words

CHARTS_PER_PAGE = 12
KEY_MEASURE = "measures_measure"

frame.page_setup()
year, as_of = nav.sidebar()
data = nav.load(year)

if data is None:
    st.title(words.tr("measure"))
else:
    numbers = [int(n) for n in data.measures["measure_no"]]
    names = data.measures.set_index("measure_no")
    header = st.container()
    prefs.query_choice(KEY_MEASURE, "measure", numbers, numbers[0])
    no = st.selectbox(
        words.tr("dash_choose_measure"),
        numbers,
        placeholder=words.tr("choose_option"),
        key=KEY_MEASURE,
        format_func=lambda n: f"{names.loc[n, 'symbol']} {names.loc[n, 'measure_name']}",
    )
    prefs.set_query_choice(KEY_MEASURE, "measure", no)

    # One 重点施策 shown: only its projects are evaluated (once per data version), not the plan.
    view = cache.measure_page_view(data.year, as_of, no)
    assert view is not None  # the plan data was loaded above
    data, indicators, projects, measure = view.data, view.indicators, view.projects, view.measure
    policy = data.policies.set_index("policy_no").loc[measure["policy_no"], "policy_name"]
    with header:
        st.title(f"{measure['symbol']} {measure['name']}")
        as_of_label = as_of.label_ja() if prefs.lang() == "ja" else str(as_of)
        if measure["hidden"]:  # a two-level plan: this is the top-level entry itself
            st.caption(f"{words.tr('as_of')} {as_of_label}")
        else:
            code = data.policies.set_index("policy_no").loc[measure["policy_no"], "policy_code"]
            st.caption(f"{words.tr('policy_n').format(n=code)} {policy} ・ {words.tr('as_of')} {as_of_label}")
        widgets.chip(measure["status"])

    own = indicators[indicators["measure_no"] == no]
    codes = dict(zip(data.projects["project_no"], data.projects["project_code"], strict=True))
    why_ind, why_proj = view.why_indicators, view.why_projects

    def why_text(status: str | None, project: int, with_causes: bool = True) -> str:
        """Why a 注意/遅延 row is so, as cell HTML (empty for other statuses). A milestone
        row is its own cause: it shows only the notes and the self-assessment."""
        if status not in NEEDS_REASON:
            return ""
        why = why_proj[project]
        return markup.why_html(why if with_causes else replace(why, causes=()))

    st.subheader(words.tr("dash_indicators"))
    charts = own[own["kind"] == "indicator"]
    if charts.empty:
        st.info(words.tr("dash_no_indicators"))
    else:
        # Sixty indicators read at a glance first; the full charts follow a page at a time (12).
        widgets.indicator_table(view)
        st.subheader(words.tr("dash_charts"))
    for row in nav.page_of(charts, CHARTS_PER_PAGE, "measures_chart_page", "dash_chart_page").to_dict("records"):
        widgets.indicator_panel(data, row, as_of, why_ind.get(str(row["id"])))

    st.subheader(words.tr("dash_milestones"))
    ms = own[own["kind"] == "milestone"]
    if ms.empty:
        st.caption(words.tr("dash_no_milestones"))
    else:
        widgets.table(
            [
                words.tr("status"),
                words.tr("milestone"),
                words.tr("project"),
                words.tr("dash_due"),
                words.tr("dash_completed"),
                words.tr("why"),
            ],
            [
                (
                    "",
                    [
                        markup.chip_html(r["status"]),
                        "kpi-name|" + escape(r["name"]),
                        "kpi-dept|" + escape(f"{codes.get(int(r['project']), r['project'])} {r['project_name']}"),
                        "kpi-nowrap|" + markup.esc(r["month"]),
                        "kpi-nowrap|" + markup.esc(r["actual"]),
                        "kpi-why|" + why_text(r["status"], int(r["project"]), with_causes=False),
                    ],
                )
                for r in ms.to_dict("records")
            ],
            "kpi-list",
        )

    st.subheader(words.tr("dash_projects"))
    rows = []
    targets: list[nav.NavTarget] = []
    for p in projects[projects["measure_no"] == no].to_dict("records"):
        label = f"{p['code']} {p['name']}"
        targets.append(("pages/2_projects.py", label, {"project": str(p["id"])}))
        name = "kpi-name|" + escape(label)
        rows.append(
            (
                "",
                [
                    markup.chip_html(p["status"]),
                    name,
                    "kpi-dept|" + escape(p["lead_department"]),
                    markup.chip_html(p["assessment"]),
                    "kpi-why|" + why_text(p["status"], int(p["id"])),
                ],
            )
        )
    widgets.table(
        [words.tr("status"), words.tr("project"), words.tr("department"), words.tr("dash_assessment"), words.tr("why")],
        rows,
        "kpi-list",
    )
    nav.open_row("measures_open_project", targets)

    st.subheader(words.tr("dash_history"))
    st.caption(words.tr("dash_history_caption"))
    widgets.status_history_table(view.history, [int(n) for n in projects.loc[projects["measure_no"] == no, "id"]])
