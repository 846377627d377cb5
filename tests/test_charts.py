"""Charts: traces, reference lines, projection and Gantt bars of kpi.charts on the real plan."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from kpi import charts
from kpi.db import transaction
from kpi.evaluate import indicator_statuses
from kpi.fiscal import Month
from kpi.labels import STATUS_STYLES
from kpi.status import Status
from kpi.store import PlanData, plan_data

AS_OF = Month(2026, 10)


@pytest.fixture
def data(demo_engine: Engine) -> PlanData:
    with transaction(demo_engine) as s:
        loaded = plan_data(s, 2026)
    assert loaded is not None
    return loaded


def _row(data: PlanData, code: str, as_of: Month = AS_OF) -> dict:
    table = indicator_statuses(data, as_of)
    return table[table["id"] == code].iloc[0].to_dict()


def _trace(fig, name: str):
    found = [tr for tr in fig.data if tr.name == name]
    assert found, f"no trace {name!r} in {[tr.name for tr in fig.data]}"
    return found[0]


def _hline_ys(fig) -> list[float]:
    return [s.y0 for s in fig.layout.shapes if s.y0 == s.y1 and s.xref == "x domain"]


def _vline_xs(fig) -> list[float]:
    return [s.x0 for s in fig.layout.shapes if s.x0 == s.x1 and s.yref == "y domain"]


def test_linear_projection_follows_a_straight_line_to_march() -> None:
    assert charts.linear_projection([(5, 50.0), (6, 60.0), (7, 70.0)], 12) == pytest.approx(120.0)


def test_linear_projection_uses_only_the_last_three_months() -> None:
    points = [(1, 1000.0), (2, 0.0), (5, 10.0), (6, 20.0), (7, 30.0)]
    assert charts.linear_projection(points, 12) == pytest.approx(80.0)


def test_linear_projection_is_least_squares_over_noisy_points() -> None:
    # Points (1,1), (2,3), (3,2): slope 0.5, intercept 1 → 7 at x = 12.
    assert charts.linear_projection([(1, 1.0), (2, 3.0), (3, 2.0)], 12) == pytest.approx(7.0)


def test_linear_projection_needs_two_months() -> None:
    assert charts.linear_projection([(4, 10.0)], 12) is None
    assert charts.linear_projection([], 12) is None


def test_chart_filename_and_config_give_a_2x_png_named_after_the_chart() -> None:
    name = charts.chart_filename(2026, "04-mynumber-card-rate", AS_OF)
    assert name == "R8_04-mynumber-card-rate_2026-10"
    options = charts.chart_config(name)["toImageButtonOptions"]
    assert options == {"format": "png", "scale": 2, "filename": "R8_04-mynumber-card-rate_2026-10"}


def test_level_indicator_chart_has_actuals_trajectory_target_baseline_and_as_of(data: PlanData) -> None:
    fig = charts.indicator_chart(data, "04-mynumber-card-rate", AS_OF, _row(data, "04-mynumber-card-rate"))
    actual = _trace(fig, "実績値")
    assert list(actual.x) == list(range(1, 8))  # April … October
    assert actual.mode == "lines+markers"
    trajectory = _trace(fig, "計画上の推移")
    assert trajectory.line.dash == "dash"
    assert trajectory.y[0] == pytest.approx(85.0) and trajectory.y[-1] == pytest.approx(89.0)
    assert 89.0 in _hline_ys(fig)  # target
    assert 85.0 in _hline_ys(fig)  # baseline
    assert 7 in _vline_xs(fig)  # October is fiscal month 7
    texts = [a.text for a in fig.layout.annotations]
    assert "目標値 89%" in texts and "基準値 85%" in texts
    status = _trace(fig, "○ 順調")
    assert status.marker.symbol == STATUS_STYLES[Status.ON_TRACK].marker
    assert status.marker.color == STATUS_STYLES[Status.ON_TRACK].color


def test_title_carries_indicator_and_as_of_month(data: PlanData) -> None:
    fig = charts.indicator_chart(data, "04-mynumber-card-rate", AS_OF, _row(data, "04-mynumber-card-rate"))
    assert "マイナンバーカード保有率" in fig.layout.title.text
    assert "2026年10月" in fig.layout.title.subtitle.text
    assert "Noto Sans CJK JP" in fig.layout.font.family


def test_projection_is_dotted_to_march_and_labels_the_year_end_value(data: PlanData) -> None:
    fig = charts.indicator_chart(data, "04-mynumber-card-rate", AS_OF, _row(data, "04-mynumber-card-rate"))
    projection = _trace(fig, "年度末予測（直近の傾向）")
    assert projection.line.dash == "dot"
    assert list(projection.x) == [7, 12]
    points = charts.indicator_points(data, "04-mynumber-card-rate")
    expected = charts.linear_projection([p for p in points if p[0] <= 7], 12)
    assert projection.y[-1] == pytest.approx(expected)
    assert projection.text[-1].startswith("年度末予測 ")


def test_chart_shows_only_actuals_known_at_the_as_of_month(data: PlanData) -> None:
    as_of = Month(2026, 8)
    fig = charts.indicator_chart(data, "04-mynumber-card-rate", as_of, _row(data, "04-mynumber-card-rate", as_of))
    assert max(_trace(fig, "実績値").x) == 5
    assert 5 in _vline_xs(fig)


def test_flow_indicator_is_charted_as_a_running_total(data: PlanData) -> None:
    code = "14-ai-rpa-hours-saved"
    fig = charts.indicator_chart(data, code, AS_OF, _row(data, code))
    actual = _trace(fig, "実績値（累計）")
    monthly = data.actuals.loc[data.actuals["code"] == code, "value"].tolist()
    assert actual.y[-1] == pytest.approx(sum(monthly))
    assert list(actual.y) == sorted(actual.y)
    trajectory = _trace(fig, "計画上の推移")
    assert trajectory.y[-1] == pytest.approx(3100.0)
    assert 3100.0 in _hline_ys(fig)


def test_indicator_without_baseline_explains_the_missing_target(data: PlanData) -> None:
    code = "06-collection-fees"
    fig = charts.indicator_chart(data, code, AS_OF, _row(data, code))
    assert not [tr for tr in fig.data if tr.name == "計画上の推移"]
    assert "目標値は基準値の設定後に決まります" in [a.text for a in fig.layout.annotations]


def test_english_chart_labels(data: PlanData) -> None:
    fig = charts.indicator_chart(data, "04-mynumber-card-rate", AS_OF, _row(data, "04-mynumber-card-rate"), "en")
    names = [tr.name for tr in fig.data]
    assert "Actual" in names and "Expected trajectory" in names
    assert "As of 2026-10" in fig.layout.title.subtitle.text
    assert list(fig.layout.xaxis.ticktext)[1] == "Apr"


def test_gantt_of_one_project_has_its_bars_with_text_and_coloured_milestones(data: PlanData) -> None:
    statuses = indicator_statuses(data, AS_OF)
    fig = charts.gantt_chart(data, statuses, AS_OF, [1])
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert len(bars) == 1
    assert list(bars[0].text) == ["適宜啓発・導入支援", "各課照会", "総括", "懇話会"]
    assert list(bars[0].base) == [0, 12, 13, 14]  # months after 2026-04
    assert list(bars[0].x) == [12, 1, 1, 1]
    # 01-m1 (2026-10) is due this month → 注意; 01-m2 (2026-04) is overdue → 遅延.
    caution = _trace(fig, "マイルストーン: △ 注意")
    assert caution.marker.color == STATUS_STYLES[Status.CAUTION].color
    assert caution.marker.symbol == STATUS_STYLES[Status.CAUTION].marker
    assert list(caution.x) == [6.5]
    delayed = _trace(fig, "マイルストーン: × 遅延")
    assert list(delayed.x) == [0.5]
    assert 6.5 in _vline_xs(fig) or 6.5 in [s.x0 for s in fig.layout.shapes if s.x0 == s.x1]
    assert list(fig.layout.xaxis.range) == [0, 15]  # 2026-04 … 2027-06


def test_gantt_of_the_whole_plan_has_a_header_row_per_project(data: PlanData) -> None:
    statuses = indicator_statuses(data, AS_OF)
    fig = charts.gantt_chart(data, statuses, AS_OF)
    headers = [t for t in fig.layout.yaxis.ticktext if t.startswith("<b>")]
    assert len(headers) == 22
    assert len(fig.layout.yaxis.ticktext) == 22 + len(data.schedule)
    n_bars = sum(len(b) for b in data.schedule["bars"])
    assert sum(len(tr.x) for tr in fig.data if tr.type == "bar") == n_bars
    n_marks = sum(len(tr.x) for tr in fig.data if tr.type == "scatter")
    assert n_marks == len(data.milestones)
