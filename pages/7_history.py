"""変更履歴: every write in the audit log, filtered, exportable as CSV (administrators only)."""

import streamlit as st

from kpi import entry, ui
from kpi.cellsafe import safe_csv

ui.page_setup()
year, as_of = ui.sidebar()
st.title(ui.tr("hist_title"))
actor = ui.current_actor()
if actor is None or not actor.is_admin:
    st.warning(ui.tr("admin_only"), icon=":material/lock:")
    st.stop()

log = entry.read(ui.engine(), entry.audit_log, actor)
c1, c2, c3, c4, c5 = st.columns([1, 2, 1, 1, 2])
who = c1.selectbox(ui.tr("hist_actor"), ["", *sorted(set(log["actor"]))], key="hist_actor")
actions = c2.multiselect(ui.tr("hist_action"), sorted(set(log["action"])), key="hist_action")
start = c3.date_input(ui.tr("hist_from"), value=None, key="hist_from")
end = c4.date_input(ui.tr("hist_to"), value=None, key="hist_to")
text = c5.text_input(ui.tr("hist_text"), key="hist_text")
shown = ui.public_authors(entry.filter_audit(log, who or None, actions, start, end, text), "actor")
st.caption(ui.tr("hist_count").format(n=len(shown)))
# User text (notes, reasons) stays inside the table cells: st.dataframe never renders markup.
st.dataframe(ui.display_table(shown), hide_index=True, width="stretch")
st.download_button(
    ui.tr("hist_download"),
    safe_csv(ui.display_table(shown)),  # BOM for Excel; no cell can run as a formula
    file_name="audit_log.csv",
    mime="text/csv",
    key="hist_csv",
)
