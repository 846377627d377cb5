"""Charts on demand: a page shows its compact content and static pictures of its charts first
(kpi.web.static_charts) and draws the interactive plotly charts only when asked (issue 22:
重点施策別 took 5–7 s in Chromium, most of it drawing twelve charts; the first plotly chart
after a server start loads plotly.js).

The toggle lives in a fragment, so switching it reruns only the charts' part of the page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def pictures_or_charts(key: str, label: str, draw: Callable[[bool], None], phones: bool = True) -> None:
    """``draw(False)`` (the static pictures) by default, ``draw(True)`` (plotly) while the
    toggle labelled ``label`` is on. ``phones=False``: the toggle is left out on phones (their
    view is a list, e.g. the 工程表's)."""

    @st.fragment
    def part() -> None:
        with st.container() if phones else st.container(key=f"kpi_wide_{key}"):
            interactive = st.toggle(label, key=key)
        draw(interactive)

    part()
