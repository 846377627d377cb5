"""For AppTests that read a page's plotly charts: the pages show static pictures first and draw
the plotly charts on demand (issue 22)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

CHART_TOGGLES = (
    "measures_show_charts",
    "projects_show_charts",
    "projects_show_schedule",
    "schedule_interactive",
    "reports_show_charts",
)


def show_charts(at: AppTest) -> AppTest:
    """Switch on every chart toggle of the page, as a reader who wants the charts does."""
    for toggle in at.toggle:
        if toggle.key in CHART_TOGGLES and not toggle.value:
            toggle.set_value(True).run()
            assert not at.exception, at.exception
    return at
