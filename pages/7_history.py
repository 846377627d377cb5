"""変更履歴: every write in the audit log, filtered, exportable as CSV (administrators only)."""

from functools import partial

import streamlit as st

from kpi import audit_text, entry, ui
from kpi.cellsafe import safe_csv
from kpi.labels import AUDIT_ACTIONS, LOGIN_ACTIONS, audit_action_label

ui.page_setup()
year, as_of = ui.sidebar()
st.title(ui.tr("hist_title"))
actor = ui.current_actor()
if actor is None or not actor.is_admin:
    st.warning(ui.tr("admin_only"), icon=":material/lock:")
    st.stop()

data = ui.cached_plan_data(ui.database_url(), year) if year is not None else None
log = audit_text.readable_log(entry.read(ui.engine(), entry.audit_log, actor), ui.lang(), audit_text.plan_names(data))
logins = st.toggle(ui.tr("hist_logins"), value=False, key="hist_logins")
codes = [c for c in AUDIT_ACTIONS if logins or c not in LOGIN_ACTIONS]
c1, c2, c3, c4, c5 = st.columns([1, 2, 1, 1, 2])
who = c1.selectbox(
    ui.tr("hist_actor"),
    ["", *sorted(set(log["actor"]))],
    placeholder=ui.tr("choose_option"),
    key="hist_actor",
    format_func=ui.all_option,
)
actions = c2.multiselect(
    ui.tr("hist_action"),
    codes,
    key="hist_action",
    format_func=partial(audit_action_label, lang=ui.lang()),
    placeholder=ui.tr("hist_all_actions"),
)
start = c3.date_input(ui.tr("hist_from"), value=None, key="hist_from")
end = c4.date_input(ui.tr("hist_to"), value=None, key="hist_to")
text = c5.text_input(ui.tr("hist_text"), key="hist_text")
shown = entry.filter_audit(log, who or None, actions, start, end, text, logins=logins).drop(columns=["code"])
st.caption(ui.tr("hist_count").format(n=len(shown)))
# User text (notes, reasons) stays inside the table cells: st.dataframe never renders markup.
st.dataframe(
    ui.display_table(shown),
    hide_index=True,
    width="stretch",
    # the sentence is what an administrator reads: it gets the room
    column_config={
        ui.tr("col_target"): st.column_config.TextColumn(width="medium"),
        ui.tr("col_detail"): st.column_config.TextColumn(width="large"),
    },
)
st.download_button(
    ui.tr("hist_download"),
    safe_csv(ui.display_table(shown)),  # BOM for Excel; no cell can run as a formula
    file_name="audit_log.csv",
    mime="text/csv",
    key="hist_csv",
)
