"""レポート: a print-ready page (A4 landscape at 1280 px) and the report downloads.

The scope is chosen in the sidebar; the downloads sit at the top of the page (left out of print), so
the printed page is the report itself (the sidebar is not printed either).
The files and the drawing are in kpi.web.reports_page.
"""

import streamlit as st

from kpi.web import cache, frame, nav, reports_page, words

frame.page_setup()
year, as_of = nav.sidebar()
data = nav.load(year, charts=True)  # its charts draw the year before too
if data is None or year is None:
    st.title(words.tr("rep_title"))
else:
    scope = reports_page.scope_choice(data)
    reports_page.downloads(year, as_of, scope)
    content = cache.report_content(year, as_of, scope)
    reports_page.summary(content)
    reports_page.indicators(content, data, as_of)
    reports_page.milestones(content)
