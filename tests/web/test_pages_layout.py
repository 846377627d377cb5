"""AppTest of the layout aids: the 工程表's list form for phones, tables marked as lists,
names limited to two lines. (How they look at 390/1280/1920 px and in print is checked in
tests/e2e/test_layout_browser.py.)"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

SCHEDULE = "pages/3_schedule.py"


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_schedule_page_has_the_chart_for_screens_and_a_list_for_phones(demo_app: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(SCHEDULE).run()
    assert not at.exception, at.exception
    html = _html(at)
    assert html.count('class="kpi-sl-project"') == 22
    assert "① 01 行政手続のオンライン化の推進" in html
    assert "R9 4月" in html  # the 各課照会 step of the next year
    assert 'class="kpi-gantt"' in html and not at.get("plotly_chart")  # a picture; plotly on demand
    at.multiselect(key="schedule_departments").set_value(["市民課"]).run()
    assert _html(at).count('class="kpi-sl-project"') == 2


def test_overview_tables_become_lists_on_phones_and_names_take_two_lines(demo_app: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    html = _html(at)
    assert html.count('class="kpi-table kpi-list"') == 3  # changes, missing reports, plan tree
    assert 'class="kpi-clamp2" title="15 先端技術の導入・活用' not in html  # indicators name their measure
    assert 'class="kpi-clamp2" title="⑦ 次年度新規・拡大となるDX関連事業数"' in html


def test_schedule_filters_open_from_the_url(demo_app: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(SCHEDULE)
    at.query_params["schedule_departments"] = "市民課"
    at.run()
    assert not at.exception, at.exception
    assert "2事業を表示" in [c.value for c in at.caption]
    # (Writing the choice back into the URL is done by Streamlit's frontend, not the script.)
