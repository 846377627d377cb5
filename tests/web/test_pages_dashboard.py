"""AppTest of the dashboard pages on the real plan with the labelled sample data."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from kpi.domain.fiscal import Month
from kpi.domain.statuses import indicator_statuses, project_statuses
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.reads import plan_data
from kpi.text.labels import status_text
from tests.conftest import ADMIN, ROOT
from tests.web.charts_on import show_charts

MEASURES = "pages/1_measures.py"
PROJECTS = "pages/2_projects.py"
SCHEDULE = "pages/3_schedule.py"


def _expected_projects(url: str, as_of: Month) -> Any:
    engine = make_engine(url)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None
    return project_statuses(data, as_of, indicator_statuses(data, as_of))


def _start(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, at.exception
    return at


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _specs(at: AppTest) -> list[dict]:
    """The page's charts, drawn on demand: every chart toggle switched on first."""
    show_charts(at)
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _set_as_of(at: AppTest, month: str) -> None:
    at.selectbox(key="_wkpi_as_of").set_value(month).run()
    assert not at.exception, at.exception


def test_overview_counts_every_project_with_chips_and_shows_the_tree(demo_app: str) -> None:
    at = _start()
    assert at.title[0].value == "全体概要"
    html = _html(at)
    expected = _expected_projects(demo_app, Month(2026, 10))
    assert "全22事業" in html
    for code, n in expected["status"].value_counts().items():
        assert f"{status_text(code)} {n}</span>" in html
    assert html.count('class="kpi-policy"') == 3
    assert html.count('class="kpi-measure"') == 10
    assert "基本方針1 市民サービスの利便性の向上" in html
    assert any("サンプルデータ" in w.value for w in at.warning)


def test_overview_lists_changes_since_last_month_and_missing_reports(demo_app: str) -> None:
    at = _start()
    html = _html(at)
    now = _expected_projects(demo_app, Month(2026, 10)).set_index("id")["status"]
    before = _expected_projects(demo_app, Month(2026, 9)).set_index("id")["status"]
    changed = [no for no in now.index if now[no] != before[no]]
    assert changed, "the sample data changes some statuses from September to October"
    assert html.count("▼ 悪化") + html.count("▲ 改善") == len(changed)
    # 15-new-dx-projects is reported two months late in the sample.
    assert "次年度新規・拡大となるDX関連事業数" in html
    assert "2か月未報告" in html


def test_overview_follows_the_as_of_month(demo_app: str) -> None:
    at = _start()
    _set_as_of(at, "2026-06")
    html = _html(at)
    expected = _expected_projects(demo_app, Month(2026, 6))
    for code, n in expected["status"].value_counts().items():
        assert f"{status_text(code)} {n}</span>" in html
    assert any("2026年6月" in c.value for c in at.caption)


def test_english_toggle_changes_the_labels(demo_app: str) -> None:
    at = _start()
    at.radio(key="_wkpi_lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    html = _html(at)
    assert "22 projects" in html and "Plan structure and status" in "\n".join(s.value for s in at.subheader)
    at.switch_page(MEASURES).run()
    spec = _specs(at)[0]
    assert "Expected trajectory" in [d.get("name") for d in spec["data"]]
    assert "Indicator progress" in [s.value for s in at.subheader]


def test_measure_page_opens_from_the_query_parameter_with_target_and_trajectory(demo_app: str) -> None:
    at = _start(MEASURES, measure="2")
    assert at.title[0].value == "② マイナンバーカードの普及促進・利用の促進"
    specs = _specs(at)
    assert len(specs) == 2  # 04 mynumber card rate, 05 konbini share
    spec = specs[0]
    names = [d.get("name") for d in spec["data"]]
    assert "計画上の推移" in names and "実績値" in names
    trajectory = next(d for d in spec["data"] if d.get("name") == "計画上の推移")
    assert trajectory["line"]["dash"] == "dash"
    target_lines = [s for s in spec["layout"]["shapes"] if s.get("y0") == 89 and s.get("y1") == 89]
    assert target_lines, "the target 89% is drawn as a horizontal line"
    assert "マイナンバーカード保有率" in spec["layout"]["title"]["text"]
    assert "○ 順調" in _html(at)


def test_choosing_another_measure_changes_the_page_and_the_url(demo_app: str) -> None:
    at = _start(MEASURES, measure="2")
    at.selectbox(key="measures_measure").set_value(7).run()
    assert not at.exception
    assert at.title[0].value.startswith("⑦")
    assert at.query_params["measure"] == ["7"] or at.query_params["measure"] == "7"
    titles = [s["layout"]["title"]["text"] for s in _specs(at)]
    assert any("AI・RPAによる年間想定削減時間" in t for t in titles)
    assert "マイルストーン" in "\n".join(s.value for s in at.subheader)


def test_measure_page_follows_the_as_of_month(demo_app: str) -> None:
    at = _start(MEASURES, measure="2")
    before = _specs(at)[0]
    _set_as_of(at, "2026-08")
    after = _specs(at)[0]
    actual_before = next(d for d in before["data"] if d.get("name") == "実績値")
    actual_after = next(d for d in after["data"] if d.get("name") == "実績値")
    assert max(actual_before["x"]) == 7 and max(actual_after["x"]) == 5
    assert "2026年8月" in after["layout"]["title"]["subtitle"]["text"]


def test_project_page_shows_plan_text_indicators_and_gantt(demo_app: str) -> None:
    at = _start(PROJECTS, project="4")
    assert at.title[0].value == "04 マイナンバーカードの普及・啓発"
    text = "\n".join(m.value for m in at.markdown)
    for label in ("事業概要", "期待効果", "目指す成果等", "R7までの実施内容", "R8の実施内容", "R9以降の取組(予定)"):
        assert label in text
    assert "https://www.city.kusatsu.shiga.jp/kurashi/mynumber/shinsei/index.html" in text
    specs = _specs(at)
    assert len(specs) == 2  # one indicator chart and the 工程表
    gantt = specs[-1]
    assert any(d["type"] == "bar" for d in gantt["data"])
    assert "工程表" in gantt["layout"]["title"]["text"]


def test_choosing_another_project_changes_the_page(demo_app: str) -> None:
    at = _start(PROJECTS, project="4")
    at.selectbox(key="projects_project").set_value(1).run()
    assert not at.exception
    assert at.title[0].value == "01 行政手続のオンライン化の推進"
    gantt = _specs(at)[-1]
    bars = next(d for d in gantt["data"] if d["type"] == "bar")
    assert "適宜啓発・導入支援" in bars["text"]
    marks = [d["name"] for d in gantt["data"] if d["type"] == "scatter"]
    assert "マイルストーン: × 遅延" in marks


def test_project_without_indicator_shows_its_self_assessment(demo_app: str) -> None:
    at = _start(PROJECTS, project="2")
    assert any("数値指標がありません" in i.value for i in at.info)
    assert "自己評価" in _html(at)
    assert len(_specs(at)) == 1  # only the 工程表


def test_schedule_page_shows_all_projects_and_filters_by_department(demo_app: str) -> None:
    at = _start(SCHEDULE)
    assert at.title[0].value == "工程表"
    assert "22事業を表示" in [c.value for c in at.caption]
    gantt = _specs(at)[0]
    headers = [t for t in gantt["layout"]["yaxis"]["ticktext"] if t.startswith("<b>")]
    assert len(headers) == 22
    at.multiselect(key="schedule_departments").set_value(["市民課"]).run()
    assert "2事業を表示" in [c.value for c in at.caption]
    at.multiselect(key="schedule_departments").set_value([]).run()
    at.multiselect(key="schedule_policies").set_value([2]).run()
    gantt = _specs(at)[0]
    headers = [t for t in gantt["layout"]["yaxis"]["ticktext"] if t.startswith("<b>")]
    assert len(headers) == 7  # projects 7 … 13 belong to 基本方針2
    assert all(h.startswith(("<b>④", "<b>⑤", "<b>⑥")) for h in headers)


@pytest.mark.parametrize("page", [None, MEASURES, PROJECTS, SCHEDULE])
def test_pages_work_on_a_plan_without_any_actuals(app_env: str, page: str | None) -> None:
    engine = make_engine(app_env)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    engine.dispose()
    at = _start(page)
    assert not at.exception
    assert not any("サンプルデータ" in w.value for w in at.warning)
    if page == MEASURES:
        assert "未入力" in _html(at)


def test_project_pages_show_related_url_only_when_the_plan_has_one(demo_app: str) -> None:
    # Defect: 「関連URL: nan」 on the 10 project pages whose plan has no URL.
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None
    urls = dict(zip(data.projects["project_no"], data.projects["url"], strict=True))
    assert sum(u is None for u in urls.values()) == 10
    at = _start(PROJECTS, project="1")
    for no, url in urls.items():
        at.selectbox(key="projects_project").set_value(int(no)).run()
        assert not at.exception
        text = re.sub(r"<svg.*?</svg>", "", _html(at), flags=re.S)  # SVG's dominant-baseline is no NaN
        assert "nan" not in text
        assert ("関連URL" in text) == (url is not None), no


def test_plan_text_is_shown_literally_never_as_markdown_or_html(app_env: str, tmp_path: Any) -> None:
    import yaml

    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    project = next(p for p in raw["projects"] if p["no"] == 4)
    project["summary"] = "![追跡](https://evil.example/x.png) <img src=x onerror=alert(1)> **太字**\n二行目"
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    engine = make_engine(app_env)
    import_plan(engine, plan, ADMIN)
    engine.dispose()
    at = _start(PROJECTS, project="4")
    summary = next(m.value for m in at.markdown if "追跡" in m.value)
    # Every markup character is escaped: Streamlit shows it as text and fetches nothing.
    assert "\\!\\[追跡\\]\\(https\\://evil\\.example/x\\.png\\)" in summary
    assert "\\<img" in summary and "\\*\\*太字\\*\\*" in summary
    assert "  \n二行目" in summary  # the line break is kept


def test_overview_evaluates_the_whole_plan_once_and_reads_last_month_from_the_history(
    demo_app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cold, the overview's indicator statuses are computed once (for the as-of month): the
    changes since last month come from the month-by-month history it draws anyway."""
    import streamlit as st

    import kpi.domain.statuses as evaluate

    months: list[str] = []
    real = evaluate.indicator_statuses

    def counted(data: Any, as_of: Month, *args: Any, **kwargs: Any) -> Any:
        months.append(str(as_of))
        return real(data, as_of, *args, **kwargs)

    monkeypatch.setattr(evaluate, "indicator_statuses", counted)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = _start()
    assert months == ["2026-10"]
    now = _expected_projects(demo_app, Month(2026, 10)).set_index("id")["status"]
    before = _expected_projects(demo_app, Month(2026, 9)).set_index("id")["status"]
    changed = [no for no in now.index if now[no] != before[no]]
    html = _html(at)
    assert html.count("▼ 悪化") + html.count("▲ 改善") == len(changed)
