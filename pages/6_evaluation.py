"""期末評価: per project 実績の検証評価 / 左記の状況・理由等 / 新たに生じた課題 next to the year
(statuses, values against targets, milestones, self-assessments, notes, suggested rating),
its workflow (入力中 → 提出済 → 確定, 差戻し), and the 総括 table of every project."""

import streamlit as st

from kpi.cycle.evaluations import evaluation_overview, year_review
from kpi.cycle.visibility import public_evaluations
from kpi.store.writes import read
from kpi.web import auth, cache, evaluation_page, frame, nav, words

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("ev_title"))
data = nav.load(year)

if data is not None and year is not None:
    evaluations, states, inquiry = read(cache.engine(), evaluation_overview, year)
    signed_in = auth.current_actor() is not None
    if not signed_in:  # drafts stay inside: a visitor reads the 確定 evaluations only
        evaluations, states = public_evaluations(evaluations, states)
        st.info(words.tr("glance_public_evaluations"), icon=":material/visibility:")
    evaluation_page.flash()
    evaluation_page.inquiry_caption(inquiry)
    form_tab, summary_tab = st.tabs([words.tr("ev_form"), words.tr("ev_summary")], key="evaluation_tabs")

    with form_tab:
        no = evaluation_page.project_choice(data)
        p = data.projects.set_index("project_no").loc[no]
        evaluation_page.project_header(p, states[no])
        review = year_review(data, as_of, no)
        left, right = st.columns([3, 2])
        with left:
            evaluation_page.year_review_tables(review)
        with right:
            evaluation_page.workflow(year, no, p, states[no], inquiry, evaluations, review)

    with summary_tab:
        evaluation_page.summary(data, evaluations, states, inquiry, year, as_of)
