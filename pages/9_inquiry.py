"""あなたの課の照会: what the department still owes (期末評価 of an open inquiry, missing actuals,
overdue ●, self-assessments), its evaluations' states, the inquiry workbook to download and
upload; for admins, opening/closing the inquiry, the reminders ready to copy and the
departments' contact e-mails."""

import streamlit as st

from kpi.cycle.evaluations import department_overview
from kpi.store.writes import read
from kpi.web import auth, cache, evaluation_page, frame, inquiry_page, nav, words

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("inq_title"))
data = nav.load(year)
actor = auth.current_actor()

if actor is None:
    st.info(words.tr("inq_login"), icon=":material/login:")
    st.stop()
if data is None or year is None:
    st.stop()
inquiry_page.flash()
department = inquiry_page.department_choice(actor, data)
if department is None and not actor.is_admin:
    st.stop()

shared = cache.year_end_indicator_statuses(year, as_of)
items, inquiry, states, evaluations = read(cache.engine(), department_overview, year, as_of, data, shared)
evaluation_page.inquiry_caption(inquiry)

if department is not None:
    inquiry_page.owed_list(data, items, department)
    projects = data.projects[data.projects["lead_department"] == department]
    inquiry_page.evaluations_table(data, projects, states, evaluations.set_index("project_no"))
    inquiry_page.submit_buttons(actor, year, data, projects, states, inquiry is not None and inquiry.is_open)
    if len(projects):
        inquiry_page.workbook_section(actor, year, data, department)

if actor.is_admin:
    inquiry_page.admin_section(actor, year, as_of, data, inquiry, items)
