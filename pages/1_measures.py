"""重点施策別: one 重点施策 — its indicators against target, its milestones, its projects."""

import streamlit as st

from kpi.text import fmt
from kpi.web import cache, frame, measure_page, nav, on_demand, prefs, static_charts, widgets, words

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
        st.title(fmt.plain_markdown(f"{measure['symbol']} {measure['name']}"))
        as_of_label = words.month_label(as_of)
        if measure["hidden"]:  # a two-level plan: this is the top-level entry itself
            st.caption(f"{words.tr('as_of')} {as_of_label}")
        else:
            code = data.policies.set_index("policy_no").loc[measure["policy_no"], "policy_code"]
            policy_text = fmt.plain_markdown(f"{words.tr('policy_n').format(n=code)} {policy}")
            st.caption(f"{policy_text} ・ {words.tr('as_of')} {as_of_label}")
        widgets.chip(measure["status"])
        if measure["status"] == "no_baseline":
            widgets.cannot_judge_caption()

    why_ind = view.why_indicators

    st.subheader(words.tr("dash_indicators"))
    charts = measure_page.chart_rows(view, no)
    if charts.empty:
        st.info(words.tr("dash_no_indicators"))
    else:
        # Sixty indicators read at a glance first (sparklines), then their charts as pictures
        # made on the server (no plotly.js), a page at a time (12); the interactive plotly
        # charts (zoom, PNG) on demand: drawing them first made the page slow to show.
        widgets.indicator_table(view)
        st.subheader(words.tr("dash_charts"))
        st.caption(words.tr("speed22_charts_hint"))

        plan = view.data  # a name the closure keeps (``data`` may be None for the type checker)

        def draw_charts(interactive: bool) -> None:
            page = nav.page_of(charts, nav.CHARTS_PER_PAGE, "measures_chart_page", "dash_chart_page")
            for row in page.to_dict("records"):
                picture = "" if interactive else static_charts.indicator_picture(plan, row, as_of)
                widgets.indicator_panel(plan, row, as_of, why_ind.get(str(row["id"])), picture=picture)

        label = words.tr("speed22_interactive").format(n=len(charts))
        on_demand.pictures_or_charts("measures_show_charts", label, draw_charts)

    st.subheader(words.tr("dash_milestones"))
    measure_page.milestone_table(view, no)

    st.subheader(words.tr("dash_projects"))
    measure_page.project_table(view, no)

    st.subheader(words.tr("dash_history"))
    st.caption(words.tr("dash_history_caption"))
    widgets.status_history_table(view.history, [int(n) for n in projects.loc[projects["measure_no"] == no, "id"]])
