"""変更履歴: every write in the audit log, filtered, exportable as CSV (administrators only).

Filters and pages run in the database (kpi.store.audit_query): a page reads 100 entries, never the
whole log; the CSV is made only when the button is pressed, in batches.
"""

from functools import partial

import streamlit as st

from kpi.store import audit_query
from kpi.store.writes import read
from kpi.text import audit_text
from kpi.text.labels import LOGIN_ACTIONS, audit_action_label
from kpi.web import auth, cache, frame, nav, prefs, widgets, words

KEY_CURSORS = "hist_cursors"  # the ``before`` id of each page shown so far (newest first)

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("hist_title"))
actor = auth.current_actor()
if actor is None or not actor.is_admin:
    # A visitor who is not logged in is told how to get in, not only that they may not.
    st.warning(words.tr("admin_only" if actor is not None else "glance_admin_login"), icon=":material/lock:")
    st.stop()

engine = cache.engine()
data = nav.load(year) if year is not None else None
names = audit_text.plan_names(data)
actors, action_codes = read(engine, audit_query.audit_choices, actor)
logins = st.toggle(words.tr("hist_logins"), value=False, key="hist_logins")
codes = [c for c in action_codes if logins or c not in LOGIN_ACTIONS]
c1, c2, c3, c4, c5 = st.columns([1, 1.6, 1.5, 1.5, 1.6])  # a day chooser needs 130 px
who = c1.selectbox(
    words.tr("hist_actor"),
    ["", *actors],
    placeholder=words.tr("choose_option"),
    key="hist_actor",
    format_func=lambda a: words.all_option(a) if not a else words.person(a),
)
actions = c2.multiselect(
    words.tr("hist_action"),
    codes,
    key="hist_action",
    format_func=partial(audit_action_label, lang=prefs.lang()),
    placeholder=words.tr("hist_all_actions"),
)
start = c3.date_input(words.tr("hist_from"), value=None, key="hist_from")
end = c4.date_input(words.tr("hist_to"), value=None, key="hist_to")
text = c5.text_input(words.tr("hist_text"), key="hist_text")
flt = audit_query.AuditFilter(who or None, tuple(actions), start, end, text, logins=logins)

# A changed filter starts again at the newest entries.
if st.session_state.get("hist_filter") != flt:
    st.session_state["hist_filter"] = flt
    st.session_state[KEY_CURSORS] = [None]
cursors: list[int | None] = st.session_state[KEY_CURSORS]
page = read(engine, audit_query.audit_page, actor, flt, cursors[-1])
st.caption(words.tr("hist_count").format(n=page.total))
readable = audit_text.readable_log(page.rows, prefs.lang(), names, words.people()).drop(columns=["code"])
shown = widgets.display_table(readable)
# User text (notes, reasons) stays inside the table cells: st.dataframe never renders markup.
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    # Three lines a row (Streamlit wraps text in rows this tall): a long 内容 (a correction and
    # its reason) wraps instead of being cut at the column's edge at 1280 px; ten rows in view.
    row_height=widgets.WRAPPED_ROW_PX,
    height=widgets.wrapped_table_height(len(shown)),
    # The sentence is what an administrator reads: it gets the room. At 1280 px the five
    # columns fit the main area (about 750 px): the others as narrow as their words allow.
    column_config={
        words.tr("col_at"): st.column_config.TextColumn(width=95),
        words.tr("col_actor"): st.column_config.TextColumn(width=145),
        words.tr("col_action"): st.column_config.TextColumn(width=115),
        words.tr("col_target"): st.column_config.TextColumn(width=170),
        words.tr("col_detail"): st.column_config.TextColumn(width=250),
    },
)
if page.total > len(page.rows):
    first = (len(cursors) - 1) * audit_query.PAGE_SIZE + 1
    st.caption(words.tr("hist_range").format(first=first, last=first + len(page.rows) - 1))
    b1, b2 = st.columns(2)
    if b1.button(words.tr("hist_newer").format(n=audit_query.PAGE_SIZE), key="hist_newer", disabled=len(cursors) == 1):
        cursors.pop()
        st.rerun()
    if b2.button(
        words.tr("hist_older").format(n=audit_query.PAGE_SIZE), key="hist_older", disabled=page.next_before is None
    ):
        cursors.append(page.next_before)
        st.rerun()
st.download_button(
    words.tr("hist_download"),
    # Made when pressed, not on every rerun: BOM for Excel; no cell can run as a formula.
    partial(audit_query.audit_csv, engine, actor, flt, list(shown.columns), prefs.lang(), names),
    file_name="audit_log.csv",
    mime="text/csv",
    key="hist_csv",
)
