"""全体概要: the whole plan at a glance — counts, the plan tree with chips, changes, missing reports."""

import streamlit as st

from kpi.services.overview import missing_rows, status_changes
from kpi.web import cache, frame, nav, overview, prefs, widgets, words

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("overview"))
data = nav.load(year)

if data is not None:
    computed = cache.statuses(data.year, as_of)
    assert computed is not None
    indicators, projects = computed.indicators, computed.projects
    overview.caption(data, as_of)

    st.subheader(words.tr("dash_project_status"))
    st.markdown(overview.counts_html([s for s in projects["status"] if s], "dash_count_total"), unsafe_allow_html=True)
    st.markdown(f"**{words.tr('dash_indicator_status')}**")
    st.markdown(overview.counts_html(list(indicators["status"]), "dash_count_items"), unsafe_allow_html=True)

    # Stacked, not side by side: each table needs the full width for names and reasons.
    with st.container():
        st.subheader(words.tr("dash_changes"))
        previous = as_of.add(-1)
        if previous.fiscal_year == data.year:
            # The month before by the status history's rules, that month only: cheaper than a
            # second indicator_statuses of the whole plan, the same statuses (tests pin them).
            history = cache.status_history(data.year, previous, first=previous)
            assert history is not None  # the plan data was loaded above
            st.caption(
                words.tr("dash_changes_caption").format(prev=words.month_label(previous), now=words.month_label(as_of))
            )
            overview.changes_table(status_changes(data, as_of, projects, indicators, history, prefs.lang()))
        else:
            st.info(words.tr("dash_no_changes"))
    with st.container():
        st.subheader(words.tr("dash_missing"))
        st.caption(words.tr("dash_missing_caption"))
        overview.missing_table(missing_rows(data, as_of, indicators))

    st.subheader(words.tr("dash_hierarchy"))
    widgets.legend()
    overview.plan_tree_table(data, as_of, indicators, computed.policies, computed.measures, projects)

    st.subheader(words.tr("dash_history"))
    st.caption(words.tr("dash_history_caption"))
    widgets.plan_history_table(data.year, as_of, [int(n) for n in projects["id"]])
