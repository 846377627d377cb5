"""実施事業: one project — its plan text, its indicators against target, its 工程表."""

import streamlit as st

from kpi import charts, ui
from kpi.evaluate import indicator_statuses, project_statuses

KEY_PROJECT = "projects_project"

ui.page_setup()
year, as_of = ui.sidebar()
data = ui.load(year)

if data is None:
    st.title(ui.tr("project"))
else:
    numbers = [int(n) for n in data.projects["project_no"]]
    plan = data.projects.set_index("project_no")
    header = st.container()
    ui.query_choice(KEY_PROJECT, "project", numbers, numbers[0])
    no = st.selectbox(
        ui.tr("dash_choose_project"),
        numbers,
        key=KEY_PROJECT,
        format_func=lambda n: f"{n:02d} {plan.loc[n, 'project_name']}",
    )
    ui.set_query_choice(KEY_PROJECT, "project", no)

    indicators = indicator_statuses(data, as_of)
    status = project_statuses(data, as_of, indicators).set_index("id").loc[no]
    p = plan.loc[no]
    measure = data.measures.set_index("measure_no").loc[p["measure_no"]]
    header.title(f"{no:02d} {p['project_name']}")
    related = "・".join(p["related_departments"] or []) or ui.tr("dash_none")
    as_of_label = as_of.label_ja() if ui.lang() == "ja" else str(as_of)
    header.caption(
        f"{measure['symbol']} {measure['measure_name']} ・ {ui.tr('department')} {p['lead_department']} ・ "
        f"{ui.tr('related_departments')} {related} ・ {ui.tr('as_of')} {as_of_label}"
    )
    with header:
        ui.chip(status["status"])

    with st.container(border=True):
        st.markdown(f"**{ui.tr('dash_summary')}**\n\n{p['summary']}")
        left, right = st.columns(2)
        left.markdown(f"**{ui.tr('dash_effect')}**\n\n{p['expected_effect']}")
        right.markdown(f"**{ui.tr('dash_outcome')}**\n\n{p['outcome']}")
        r7, r8, r9 = st.columns(3)
        r7.markdown(f"**{ui.tr('dash_until_r7')}**\n\n{p['until_r7'] or '—'}")
        r8.markdown(f"**{ui.tr('dash_r8_plan')}**\n\n{p['r8_plan'] or '—'}")
        r9.markdown(f"**{ui.tr('dash_r9_onward')}**\n\n{p['r9_onward'] or '—'}")
        if p["url"]:
            st.markdown(f"**{ui.tr('dash_url')}**: [{p['url']}]({p['url']})")

    st.subheader(ui.tr("dash_indicators"))
    own = indicators[(indicators["project"] == no) & (indicators["kind"] == "indicator")]
    if own.empty:
        st.info(ui.tr("dash_no_indicators"))
    for row in own.to_dict("records"):
        ui.indicator_panel(data, row, as_of)
    assessments = data.assessments[
        (data.assessments["project_no"] == no) & (data.assessments["month"] <= str(as_of))
    ].sort_values("month")
    if not assessments.empty or own.empty:
        st.markdown(f"**{ui.tr('dash_assessment')}**")
        if assessments.empty:
            st.caption(ui.tr("dash_assessment_none"))
        else:
            last = assessments.iloc[-1]
            ui.chip(last["status"], last["month"])
            st.caption(f"{last['comment']}（{last['author']}）")

    st.subheader(ui.tr("dash_schedule_of"))
    title = f"{ui.tr('dash_schedule_of')}：{no:02d} {p['project_name']}"
    fig = charts.gantt_chart(data, indicators, as_of, [no], ui.lang(), title=title)
    st.plotly_chart(
        fig, config=charts.chart_config(charts.chart_filename(data.year, f"schedule-{no:02d}", as_of)), theme=None
    )
