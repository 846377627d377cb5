"""計画管理: indicator plan values, period locks and user accounts (administrators only)."""

import streamlit as st

from kpi.web import admin_forms, auth, backup_panel, cache, frame, nav, publish_panel, widgets, words

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("admin_title"))
data = nav.load(year)
actor = auth.current_actor()
if actor is None or not actor.is_admin:
    # A visitor who is not logged in is told how to get in, not only that they may not.
    st.warning(words.tr("admin_only" if actor is not None else "glance_admin_login"), icon=":material/lock:")
    st.stop()
engine = cache.engine()

# ---- indicator plan values: baselines, targets, monthly plans, thresholds; period locks
if data is not None and year is not None:
    st.subheader(words.tr("admin_plan"))
    if data.indicators.empty:
        st.info(words.tr("dash_no_indicators"))
    else:
        admin_forms.plan_values(engine, actor, data)
        admin_forms.period_locks(engine, actor, year)

# ---- users
admin_forms.users(engine, actor)

# ---- 部署の連絡先 (reminders from `python -m kpi remind --send` go to these addresses)
st.subheader(words.tr("inq_emails"))
if data is not None:
    widgets.department_emails_section(actor, sorted(set(data.projects["lead_department"])))

# ---- 公開版: 公開コメント review, the public edition as a zip (same files as `python -m kpi publish`)
if data is not None and as_of is not None:
    publish_panel.panel(engine, actor, data, as_of)
# ---- backups (the same archive as `python -m kpi backup`)
backup_panel.panel(engine, actor)
