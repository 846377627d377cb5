"""Charts on demand: a page shows its compact table first and draws its plotly charts only when
asked (issue 22: 重点施策別 took 5–7 s in Chromium, most of it drawing twelve charts).

The toggle lives in a fragment, so switching it reruns only the charts' part of the page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kpi.web.words import tr


def charts(key: str, n: int, draw: Callable[[], None], label_key: str = "speed_show_charts") -> None:
    """A toggle labelled with the number of charts; ``draw`` runs only while it is on."""

    @st.fragment
    def part() -> None:
        if st.toggle(tr(label_key).format(n=n), key=key):
            draw()

    part()
