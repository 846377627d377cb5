"""全体概要: the whole plan at a glance — counts, the plan tree with chips, changes, missing reports."""

import streamlit as st

from kpi.web import cache, frame, nav, overview, widgets, words

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

    view = cache.overview_page_view(data.year, as_of)  # shared by every session until the data change
    assert view is not None  # the plan data was loaded above

    # Stacked, not side by side: each table needs the full width for names and reasons.
    with st.container():
        st.subheader(words.tr("dash_changes"))
        if view.changes is not None:
            previous = as_of.add(-1)
            st.caption(
                words.tr("dash_changes_caption").format(prev=words.month_label(previous), now=words.month_label(as_of))
            )
            overview.changes_table(view.changes)
        else:
            st.info(words.tr("dash_no_changes"))
    with st.container():
        st.subheader(words.tr("dash_missing"))
        st.caption(words.tr("dash_missing_caption"))
        overview.missing_table(view.missing)

    st.subheader(words.tr("dash_hierarchy"))
    widgets.legend()
    overview.plan_tree_table(data, as_of, indicators, view.tree, projects)

    st.subheader(words.tr("dash_history"))
    st.caption(words.tr("dash_history_caption"))
    widgets.plan_history_table(data.year, as_of, [int(n) for n in projects["id"]])
