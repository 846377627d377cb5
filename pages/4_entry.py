"""実績入力: a logged-in editor enters the month's actuals, milestones and self-assessments."""

from datetime import date

import streamlit as st

from kpi.domain import clock
from kpi.services.entry_page import month_locks
from kpi.store.writes import read
from kpi.web import auth, cache, entry_forms, frame, nav, words

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("entry_title"))
data = nav.load(year)
actor = auth.current_actor()
if data is None or year is None:
    st.stop()
if actor is None:
    st.info(words.tr("entry_login_first"), icon=":material/login:")
    st.stop()
if actor.role == "viewer":
    st.info(words.tr("entry_viewer"), icon=":material/visibility:")
    st.stop()

today: date = clock.today()
engine = cache.engine()
month = entry_forms.month_choice(year, as_of, today)
locked = str(month) in read(engine, month_locks, year)
if locked:
    st.warning(words.tr("entry_locked"), icon=":material/lock:")

all_names = dict(zip(data.indicators["code"], data.indicators["name"], strict=True))
scope, shown = entry_forms.scope_choice(data, actor)
entry_forms.last_result(all_names)
entry_forms.actuals_section(engine, actor, shown, month, scope, locked, today)
entry_forms.milestones_section(engine, actor, shown, today)
entry_forms.assessments_section(engine, actor, shown, month, locked, today)
if actor.is_admin:
    entry_forms.bulk_import_section(engine, actor, today)
