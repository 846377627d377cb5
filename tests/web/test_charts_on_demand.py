"""重点施策別, 実施事業 and 工程表 show their charts as pictures made on the server first (no
plotly.js) and draw the interactive plotly charts only on demand (issue 22 item 4: twelve charts
made 重点施策別 take 5–7 s in Chromium; the first plotly chart after a server start loads
plotly.js). The pictures draw the same data as plotly and the PDF."""

from __future__ import annotations

import base64
import html
import json
import re

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from kpi.charts.data import indicator_chart_data
from kpi.charts.gantt_data import gantt_data
from kpi.domain.fiscal import Month
from kpi.domain.statuses import indicator_statuses
from kpi.reports.gantt_svg import mark_label
from kpi.store.db import make_engine, transaction
from kpi.store.reads import plan_data
from kpi.text.labels import month_label, status_text
from tests.conftest import ROOT
from tests.web.charts_on import show_charts

AS_OF = Month(2026, 10)  # the latest ended month on tests' today (2026-11-24)
IMG = re.compile(r'<img class="kpi-chart-img" loading="lazy"[^>]* alt="([^"]*)" title="([^"]*)" '
                 r'src="data:image/svg\+xml;base64,([^"]+)">')  # fmt: skip


def _open(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _html(at: AppTest) -> str:
    """The page's Markdown, with the Markdown characters that ``markup.inert`` wrote as decimal
    character references read back (named ones, ``&lt;``, stay)."""
    text = "\n".join(m.value for m in at.markdown)
    return re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text)


def _pictures(at: AppTest) -> list[tuple[str, str, str]]:
    """(alt, title, SVG) of every indicator picture on the page."""
    return [(html.unescape(a), html.unescape(t), base64.b64decode(s).decode()) for a, t, s in IMG.findall(_html(at))]


def _chart(url: str, code: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None
    statuses = indicator_statuses(data, AS_OF)
    row = statuses[statuses["id"] == code].iloc[0].to_dict()
    return data, statuses, indicator_chart_data(data, code, AS_OF, row, "ja"), row


def test_measure_page_shows_a_picture_per_indicator_and_plotly_only_when_asked(demo_app: str) -> None:
    at = _open("pages/1_measures.py", measure="2")
    assert "kpi-indicator-table" in _html(at)  # the compact table first
    assert not at.get("plotly_chart")  # no plotly.js until asked
    pictures = _pictures(at)
    assert [t for _a, t, _s in pictures] == [
        "② マイナンバーカード保有率",
        "② コンビニ交付可能な証明書発行件数に占めるコンビニ交付の割合",
    ]
    alt, _title, svg = pictures[0]
    assert alt == "② マイナンバーカード保有率。実績 87.3%（2026年10月）、目標 89%、状況 ○ 順調"
    assert 'font-family="&quot;Noto Sans CJK JP&quot;' in svg  # a picture has no page CSS: its own font
    assert "<title" in svg and "<desc" in svg

    toggle = at.toggle(key="measures_show_charts")
    assert toggle.label == "グラフを拡大・操作する（2件）" and not toggle.value
    specs = [json.loads(c.proto.spec) for c in show_charts(at).get("plotly_chart")]
    assert len(specs) == 2 and not _pictures(at)  # the interactive charts instead of the pictures

    # The same numbers: the picture and the plotly chart draw one IndicatorChartData.
    _data, _st, chart, _row = _chart(demo_app, "04-mynumber-card-rate")
    for label in chart.labels:
        assert html.escape(label.text) in svg
        assert any(label.text in a.get("text", "") for a in specs[0]["layout"]["annotations"])
    for _value, text in chart.y_ticks:
        assert f">{html.escape(text)}</text>" in svg
    actual = next(s for s in chart.series if s.name == "実績値")
    plotted = next(tr for tr in specs[0]["data"] if tr.get("name") == "実績値")
    assert plotted["y"] == list(actual.ys)
    assert svg.count("<polyline") == sum(1 for s in chart.series if s.xs)


def test_project_page_shows_pictures_and_draws_plotly_only_when_asked(demo_app: str) -> None:
    at = _open("pages/2_projects.py", project="4")
    assert not at.get("plotly_chart")
    text = _html(at)
    assert "マイナンバーカード保有率" in text and "kpi-fact" in text  # the numbers beside the picture
    assert len(_pictures(at)) == 1
    assert 'class="kpi-gantt"' in text  # the 工程表 as a picture for wide screens …
    assert "kpi-schedule-list" in text  # … and as a list for phones
    assert at.toggle(key="projects_show_schedule").label == "工程表を拡大・操作する"
    assert at.toggle(key="projects_show_charts").label == "グラフを拡大・操作する（1件）"
    specs = show_charts(at).get("plotly_chart")
    assert len(specs) == 2  # the indicator's chart and the 工程表
    assert 'class="kpi-gantt"' not in _html(at) and not _pictures(at)


def _gantt_svg(at: AppTest) -> str:
    found = re.findall(r'<svg[^>]*class="kpi-gantt".*?</svg>', _html(at), flags=re.S)
    assert len(found) == 1
    return str(found[0])


def test_schedule_page_shows_the_gantt_picture_with_every_row_mark_and_step(demo_app: str) -> None:
    at = _open("pages/3_schedule.py")
    assert not at.get("plotly_chart")
    svg = _gantt_svg(at)
    data, statuses, _chart_data, _row = _chart(demo_app, "04-mynumber-card-rate")
    g = gantt_data(data, statuses, AS_OF, [int(n) for n in data.projects["project_no"]], "ja")
    # Every project of the page has its header row, every 実施項目 its name.
    assert sum(1 for r in g.rows if r.header) == 22
    for r in g.rows:
        for line in r.lines:
            assert f">{html.escape(line)}</tspan>" in svg
    # Every ● with its words (text and status) and a hover title naming its status.
    assert g.marks
    for m in g.marks:
        assert f">{html.escape(mark_label(m.text, m.status, 'ja'))}</text>" in svg
        assert html.escape(f"{m.item} {month_label(m.month)} {status_text(m.status, 'ja')}".strip()) in svg
    # The next year's steps, readable: each on its bar (broken between phrases when narrow).
    for step in ("各課", "照会", "総括", "懇話会"):
        assert f">{step}" in svg
    assert "基準月 2026年10月" in svg and "R9" in svg and "6月" in svg  # as-of line; April → next June
    show_charts(at)
    assert len(at.get("plotly_chart")) == 1 and 'class="kpi-gantt"' not in _html(at)


def test_gantt_picture_and_plotly_gantt_draw_the_same_rows(demo_engine: Engine) -> None:
    from kpi.charts.figures import gantt_figure
    from kpi.reports.gantt_svg import gantt_svg

    with transaction(demo_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    statuses = indicator_statuses(data, AS_OF)
    g = gantt_data(data, statuses, AS_OF, [1, 2, 3], "ja")
    fig = gantt_figure(g, "ja")
    svg = gantt_svg(g, "ja")
    assert len(fig.layout.yaxis.ticktext) == len(g.rows) == svg.count('font-size="12" dominant-baseline') + 3
    bars = fig.data[0]
    assert list(bars.base) == [b.base for b in g.bars]
    assert svg.count(f'height="{20}" fill="#CFD8DC"') == len(g.bars)


def test_plotly_gantt_hover_reads_months_as_the_picture_does(demo_engine: Engine) -> None:
    """The plotly Gantt's hover read 「2026-04 – 2027-03」 where the picture and every other
    Japanese text read 「2026年4月」: both take their hover titles from one function."""
    from kpi.charts.figures import gantt_figure
    from kpi.charts.gantt_data import bar_tip, mark_tip

    with transaction(demo_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    g = gantt_data(data, indicator_statuses(data, AS_OF), AS_OF, [int(n) for n in data.projects["project_no"]], "ja")
    fig = gantt_figure(g, "ja")
    hovers = [str(c[0]) for trace in fig.data for c in (trace.customdata or [])]
    assert len(hovers) == len(g.bars) + len(g.marks)
    assert not [h for h in hovers if re.search(r"\d{4}-\d{2}", h)]
    assert all(re.search(r"\d{4}年\d{1,2}月", h) for h in hovers)
    assert {bar_tip(b, "ja") for b in g.bars} <= {html.unescape(h) for h in hovers}
    assert {mark_tip(m, "ja") for m in g.marks} <= {html.unescape(h) for h in hovers}
    assert all(t.hovertemplate == "%{customdata[0]}<extra></extra>" for t in fig.data if t.customdata is not None)
