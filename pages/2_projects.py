"""実施事業: one project — its plan text, its indicators against target, its 工程表."""

import streamlit as st

from kpi.charts import figures as charts
from kpi.domain.fiscal import Month
from kpi.domain.frames import opt
from kpi.text import fmt
from kpi.text.labels import WORK_FIELDS, actor_label, work_headings
from kpi.text.why import NEEDS_REASON
from kpi.web import (
    cache,
    frame,
    markup,
    nav,
    on_demand,
    prefs,
    public_comment_form,
    static_charts,
    widgets,
    words,
)

KEY_PROJECT = "projects_project"

frame.page_setup()
year, as_of = nav.sidebar()
data = nav.load(year)

if data is None:
    st.title(words.tr("project"))
else:
    numbers = [int(n) for n in data.projects["project_no"]]
    plan = data.projects.set_index("project_no")
    header = st.container()
    prefs.query_choice(KEY_PROJECT, "project", numbers, numbers[0])
    no = st.selectbox(
        words.tr("dash_choose_project"),
        numbers,
        placeholder=words.tr("choose_option"),
        key=KEY_PROJECT,
        format_func=lambda n: f"{plan.loc[n, 'project_code']} {plan.loc[n, 'project_name']}",
    )
    prefs.set_query_choice(KEY_PROJECT, "project", no)

    # One project shown: the rest of the plan is not evaluated (once per data version).
    view = cache.project_page_view(data.year, as_of, no)
    assert view is not None  # the plan data was loaded above
    data, indicators, status = view.data, view.indicators, view.status
    plan_data = view.data  # a name the closures below keep (``data`` may be None for the type checker)
    p = plan.loc[no]
    measure = data.measures.set_index("measure_no").loc[p["measure_no"]]
    header.title(fmt.plain_markdown(f"{p['project_code']} {p['project_name']}"))
    related = fmt.plain_markdown("・".join(p["related_departments"] or [])) or words.tr("dash_none")
    as_of_label = words.month_label(as_of)
    header.caption(
        f"{fmt.plain_markdown(measure['symbol'] + ' ' + measure['measure_name'])} ・ {words.tr('department')} "
        f"{fmt.plain_markdown(p['lead_department'])} ・ "
        f"{words.tr('related_departments')} {related} ・ {words.tr('as_of')} {as_of_label}"
    )
    with header:
        widgets.chip(status["status"])
        if status["status"] in NEEDS_REASON:
            widgets.why_caption(view.why)
        elif status["status"] == "no_baseline":
            widgets.cannot_judge_caption()

    def text_block(where: object, label_key: str, value: object) -> None:
        # Plan text is shown as written: never read as Markdown or HTML (no remote images).
        where.markdown(f"**{words.tr(label_key)}**\n\n{fmt.plain_markdown(value)}")  # type: ignore[attr-defined]

    with st.container(border=True):
        text_block(st, "dash_summary", p["summary"])
        left, right = st.columns(2)
        text_block(left, "dash_effect", p["expected_effect"])
        text_block(right, "dash_outcome", p["outcome"])
        headings = work_headings(data.year, prefs.lang())
        for column, field in zip(st.columns(3), WORK_FIELDS, strict=True):
            column.markdown(f"**{headings[field]}**\n\n{fmt.plain_markdown(p[field])}")
        url = opt(p["url"])
        if url is not None and str(url).startswith(("http://", "https://")):
            target = str(url).replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            st.markdown(f"**{words.tr('dash_url')}**: [{fmt.plain_markdown(url)}]({target})")

    st.subheader(words.tr("dash_indicators"))
    own = indicators[(indicators["project"] == no) & (indicators["kind"] == "indicator")]
    if own.empty:
        st.info(words.tr("dash_no_indicators"))
    why_ind = view.why_indicators
    # The numbers and the charts as pictures made on the server (no plotly.js) first; the
    # interactive plotly charts (zoom, PNG) on demand: drawing them first made the page slow.
    if not own.empty:

        def draw_charts(interactive: bool) -> None:
            for row in own.to_dict("records"):
                picture = "" if interactive else static_charts.indicator_picture(plan_data, row, as_of)
                widgets.indicator_panel(plan_data, row, as_of, why_ind.get(str(row["id"])), picture=picture)

        label = words.tr("speed22_interactive").format(n=len(own))
        on_demand.pictures_or_charts("projects_show_charts", label, draw_charts)
    assessments = data.assessments[
        (data.assessments["project_no"] == no) & (data.assessments["month"] <= str(as_of))
    ].sort_values("month")
    if not assessments.empty or own.empty:
        st.markdown(f"**{words.tr('dash_assessment')}**")
        if assessments.empty:
            st.caption(words.tr("dash_assessment_none"))
        else:
            last = assessments.iloc[-1]
            widgets.chip(last["status"], last["month"])
            who = actor_label(last["author"], prefs.lang())
            st.caption(f"{fmt.plain_markdown(last['comment'])}（{fmt.plain_markdown(who)}）")

    public_comment_form.section(data, no)

    st.subheader(words.tr("dash_status_changes"))
    if not view.changes:
        st.caption(words.tr("dash_status_steady"))
    else:
        rows = []
        for month, before, after, why in view.changes:
            label = words.month_label(Month.parse(month))
            rows.append(
                (
                    "",
                    [
                        "kpi-nowrap|" + markup.esc(label),
                        markup.chip_html(before),
                        markup.chip_html(after),
                        "kpi-why|" + (markup.why_html(why) if why is not None else ""),
                    ],
                )
            )
        widgets.table([words.tr("month"), words.tr("dash_previous"), words.tr("dash_now"), words.tr("why")], rows)

    st.subheader(words.tr("dash_schedule_of"))
    title = f"{words.tr('dash_schedule_of')}：{p['project_code']} {p['project_name']}"
    _gantt, schedule = cache.schedule_of(data.year, as_of, [no], title)

    def draw_gantt(interactive: bool) -> None:
        # Wide screens: the 工程表 as a picture (plotly on demand); phones: its list form.
        with widgets.wide_only("project_schedule"):
            if interactive:
                fig = cache.schedule_figure(plan_data.year, as_of, [no], title)
                name = charts.chart_filename(plan_data.year, f"schedule-{no:02d}", as_of)
                st.plotly_chart(fig, config=charts.chart_config(name), theme=None)
            else:
                st.markdown(static_charts.schedule_picture(plan_data.year, as_of, [no], title), unsafe_allow_html=True)
        with widgets.narrow_only("project_schedule"):
            st.markdown(markup.schedule_list_html(schedule, plan_data.year), unsafe_allow_html=True)

    on_demand.pictures_or_charts(
        "projects_show_schedule", words.tr("speed22_interactive_schedule"), draw_gantt, phones=False
    )
