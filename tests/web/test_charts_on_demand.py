"""重点施策別 and 実施事業 show their compact content first and draw the plotly charts only on
demand (issue 22: twelve charts made 重点施策別 take 5–7 s in Chromium)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.web.charts_on import show_charts


def _open(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def test_measure_page_shows_the_table_and_draws_charts_only_when_asked(demo_app: str) -> None:
    at = _open("pages/1_measures.py", measure="2")
    assert not at.get("plotly_chart")
    assert any("kpi-indicator-table" in m.value for m in at.markdown)
    toggle = at.toggle(key="measures_show_charts")
    assert toggle.label == "グラフを表示（2件）" and not toggle.value
    assert len(show_charts(at).get("plotly_chart")) == 2


def test_project_page_shows_numbers_and_schedule_list_and_draws_charts_only_when_asked(demo_app: str) -> None:
    at = _open("pages/2_projects.py", project="4")
    assert not at.get("plotly_chart")
    text = "\n".join(m.value for m in at.markdown)
    assert "マイナンバーカード保有率" in text and "kpi-fact" in text  # the numbers, without the chart
    assert "kpi-schedule-list" in text  # the 工程表 as a list
    assert at.toggle(key="projects_show_schedule").label == "工程表をグラフで表示"
    specs = show_charts(at).get("plotly_chart")
    assert len(specs) == 2  # the indicator's chart and the 工程表
