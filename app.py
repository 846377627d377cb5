"""全体概要: the whole plan at a glance."""

import streamlit as st

from kpi import ui
from kpi.evaluate import project_statuses

ui.page_setup()
year, as_of = ui.sidebar()
st.title(ui.tr("overview"))
data = ui.load(year)
if data is not None:
    projects = project_statuses(data, as_of)
    st.caption(f"{data.label} ・ {ui.tr('as_of')} {as_of.label_ja()}")
    ui.legend()
    shown = projects[["id", "measure", "name", "lead_department"]].copy()
    shown["status"] = ui.status_column(projects)
    st.dataframe(shown, hide_index=True, use_container_width=True)
