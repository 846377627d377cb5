"""工程表: the schedules of all 22 projects on one timeline, filterable."""

import streamlit as st

from kpi.charts import figures as charts
from kpi.web import cache, frame, markup, nav, on_demand, static_charts, widgets, words

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("schedule_title"))
data = nav.load(year)

if data is not None:
    projects = data.projects.merge(data.measures, on="measure_no")
    policies = data.policies.set_index("policy_no")["policy_name"]
    codes = data.policies.set_index("policy_no")["policy_code"]
    measures = data.measures.set_index("measure_no")
    departments = sorted(
        set(projects["lead_department"]) | {d for ds in projects["related_departments"] for d in (ds or [])}
    )
    c1, c2, c3 = st.columns(3)
    chosen_policies = c1.multiselect(
        words.tr("dash_filter_policy"),
        list(policies.index),
        key="schedule_policies",
        bind="query-params",
        placeholder=words.tr("dash_all"),
        format_func=lambda n: f"{codes[n]} {policies[n]}",
    )
    measure_options = [
        int(n) for n in measures.index if not chosen_policies or measures.loc[n, "policy_no"] in chosen_policies
    ]
    # A two-level plan has no middle level to filter by (its hidden entries mirror the top).
    chosen_measures = (
        []
        if data.two_levels
        else c2.multiselect(
            words.tr("dash_filter_measure"),
            measure_options,
            key="schedule_measures",
            bind="query-params",
            placeholder=words.tr("dash_all"),
            format_func=lambda n: f"{measures.loc[n, 'symbol']} {measures.loc[n, 'measure_name']}",
        )
    )
    chosen_departments = c3.multiselect(
        words.tr("dash_filter_department"),
        departments,
        key="schedule_departments",
        bind="query-params",
        placeholder=words.tr("dash_all"),
    )

    shown = projects
    if chosen_policies:
        shown = shown[shown["policy_no"].isin(chosen_policies)]
    if chosen_measures:
        shown = shown[shown["measure_no"].isin(chosen_measures)]
    if chosen_departments:
        wanted = set(chosen_departments)
        involved = shown.apply(
            lambda r: r["lead_department"] in wanted or bool(wanted & set(r["related_departments"] or [])), axis=1
        )
        shown = shown[involved.astype(bool)] if len(shown) else shown
    nos = [int(n) for n in shown["project_no"]]
    if not nos:
        st.info(words.tr("dash_no_match"))
    else:
        st.caption(words.tr("dash_shown_projects").format(n=len(nos)))
        # A plan of 1,000 projects is drawn 50 at a time; only those are evaluated.
        page = nav.page_of(shown, nav.SCHEDULE_PER_PAGE, "schedule_page", "schedule_page")
        nos = [int(n) for n in page["project_no"]]
        _gantt, schedule = cache.schedule_of(data.year, as_of, nos)  # only these projects are evaluated
        plan_year = data.year

        def draw(interactive: bool) -> None:
            # Wide screens: the 工程表 as a picture made on the server (no plotly.js: the first
            # plotly chart after a server start loads it), plotly on demand; phones: the list.
            with widgets.wide_only("schedule"):
                if interactive:
                    fig = cache.schedule_figure(plan_year, as_of, nos)
                    name = charts.chart_filename(plan_year, "schedule", as_of)
                    st.plotly_chart(fig, config=charts.chart_config(name), theme=None)
                else:
                    st.caption(words.tr("speed22_schedule_hint"))
                    st.markdown(static_charts.schedule_picture(plan_year, as_of, nos), unsafe_allow_html=True)
            with widgets.narrow_only("schedule"):
                st.markdown(markup.schedule_list_html(schedule, plan_year), unsafe_allow_html=True)

        on_demand.pictures_or_charts(
            "schedule_interactive", words.tr("speed22_interactive_schedule"), draw, phones=False
        )
