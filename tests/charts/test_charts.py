"""Charts: traces, reference lines, projection and Gantt bars of kpi.charts on the real plan."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine

from kpi.charts import data as chart_data
from kpi.charts import figures as charts
from kpi.charts import label_placement
from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.domain.status import Status
from kpi.domain.statuses import indicator_statuses
from kpi.store.db import transaction
from kpi.store.reads import plan_data
from kpi.text.palette import STATUS_STYLES

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
    assert chart_data.linear_projection([(5, 50.0), (6, 60.0), (7, 70.0)], 12) == pytest.approx(120.0)


def test_linear_projection_uses_only_the_last_three_months() -> None:
    points = [(1, 1000.0), (2, 0.0), (5, 10.0), (6, 20.0), (7, 30.0)]
    assert chart_data.linear_projection(points, 12) == pytest.approx(80.0)


def test_linear_projection_is_least_squares_over_noisy_points() -> None:
    # Points (1,1), (2,3), (3,2): slope 0.5, intercept 1 → 7 at x = 12.
    assert chart_data.linear_projection([(1, 1.0), (2, 3.0), (3, 2.0)], 12) == pytest.approx(7.0)


def test_linear_projection_needs_two_months() -> None:
    assert chart_data.linear_projection([(4, 10.0)], 12) is None
    assert chart_data.linear_projection([], 12) is None


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
    points = chart_data.indicator_points(data, "04-mynumber-card-rate")
    expected = chart_data.linear_projection([p for p in points if p[0] <= 7], 12)
    assert projection.y[-1] == pytest.approx(expected)
    label = next(a for a in fig.layout.annotations if a.name == "label:projection")
    assert label.text.startswith("年度末予測 ")


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
    assert "目標値は基準値の設定後" in [a.text for a in fig.layout.annotations]


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
    assert [t.replace("<br>", "") for t in bars[0].text] == ["適宜啓発・導入支援", "各課照会", "総括", "懇話会"]
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


# ---------------------------------------------------------------- one chart data, two renderers

AS_OFS = (Month(2026, 3), Month(2026, 4), Month(2026, 5), Month(2026, 10), Month(2027, 3), Month(2027, 5))


def _all_chart_data(data: PlanData, lang: str = "ja") -> list[chart_data.IndicatorChartData]:
    out = []
    for as_of in AS_OFS:
        table = indicator_statuses(data, as_of)
        for row in table[table["kind"] == "indicator"].to_dict("records"):
            out.append(chart_data.indicator_chart_data(data, row["id"], as_of, row, lang))
    return out


def _assert_labels_clear(chart: chart_data.IndicatorChartData) -> None:
    for label in chart.labels:
        x0, y0, x1, y1 = label.box
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1, f"{chart.code} {label.key} crosses an axis: {label.box}"
    for i, a in enumerate(chart.labels):
        for b in chart.labels[i + 1 :]:
            apart = a.box[2] <= b.box[0] or b.box[2] <= a.box[0] or a.box[3] <= b.box[1] or b.box[3] <= a.box[1]
            assert apart, f"{chart.code}: {a.key} {a.box} overlaps {b.key} {b.box}"
    lo, hi = chart.y_range
    for label in chart.labels:  # the anchor is inside the axes as drawn
        assert lo <= label.y <= hi and chart.x_range[0] <= label.x <= chart.x_range[1]


def test_labels_never_overlap_each_other_or_the_axes_for_every_indicator_and_month(data: PlanData) -> None:
    charts_ = _all_chart_data(data) + _all_chart_data(data, "en")
    assert len(charts_) == 2 * 11 * len(AS_OFS)
    for chart in charts_:
        _assert_labels_clear(chart)
        keys = {lb.key for lb in chart.labels}
        assert "as_of" in keys
        assert ("target" in keys) != ("no_target" in keys)


def test_labels_of_an_empty_database_never_overlap(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        empty = plan_data(s, 2026)
    assert empty is not None
    for chart in _all_chart_data(empty):
        _assert_labels_clear(chart)
        assert [s.key for s in chart.series if s.key == "actual"] == ["actual"]
        texts = [*chart.title_lines, *chart.subtitle_lines, chart.y_title, *(lb.text for lb in chart.labels)]
        texts += [s for _, s in (*chart.x_ticks, *chart.y_ticks)] + [s.name for s in chart.series]
        assert not [t for t in texts if re.search(r"\b(nan|NaN|None|inf|NaT)\b", t)], chart.code


def test_crowded_labels_are_moved_apart_and_the_axis_grows_when_needed() -> None:
    # Target, baseline and projection all at the top of the axis, the as-of line at the right edge.
    wants = [
        label_placement.LabelWant("target", "目標値 100%", "#000", "hline", (0, 100.0)),
        label_placement.LabelWant("baseline", "基準値 100%", "#000", "hline", (0, 100.0)),
        label_placement.LabelWant("projection", "年度末予測 100%", "#000", "point", (12.0, 100.0)),
        label_placement.LabelWant("as_of", "基準月 2027年3月", "#000", "vline", (12.0, 0)),
    ]
    labels, (lo, hi) = label_placement.place_labels(wants, (0.5, 12.6), (0.0, 100.0), 0.0)
    chart = chart_data.IndicatorChartData(
        "x", ("t",), ("s",), "%", (0.5, 12.6), (), (lo, hi), (), "%", (), (), None, labels
    )
    assert [lb.key for lb in labels] == ["target", "baseline", "projection", "as_of"]
    _assert_labels_clear(chart)
    assert hi >= 100.0 and lo == 0.0  # headroom when the labels need it, never below zero


def test_plotly_and_matplotlib_draw_every_element_of_the_chart_data(data: PlanData) -> None:
    from kpi.reports import print_charts

    for chart in _all_chart_data(data)[11 * 3 : 11 * 4]:  # as of 2026-10: every element occurs
        fig = charts.indicator_figure(chart)
        on_screen = {tr.meta for tr in fig.data} | {s.name for s in fig.layout.shapes}
        on_screen |= {a.name for a in fig.layout.annotations}
        assert on_screen == chart.elements, chart.code
        printed = print_charts.figure(chart)
        gids = {a.get_gid() for a in printed.findobj() if a.get_gid()} - {"title", "subtitle"}
        assert gids == chart.elements, chart.code
        # Both place each label where the chart data says.
        for label in chart.labels:
            a = next(a for a in fig.layout.annotations if a.name == f"label:{label.key}")
            assert (a.x, a.y, a.xanchor, a.yanchor, a.text) == (label.x, label.y, label.ha, label.va, label.text)
            t = next(t for t in printed.axes[0].texts if t.get_gid() == f"label:{label.key}")
            assert t.get_position() == (label.x, label.y)
            va = print_charts.MPL_VA.get(label.va, label.va)
            assert (t.get_ha(), t.get_va(), t.get_text()) == (label.ha, va, label.text)
        ax = printed.axes[0]
        assert ax.get_ylim() == pytest.approx(chart.y_range) and list(fig.layout.yaxis.range) == list(chart.y_range)
        assert [t.get_text() for t in ax.get_xticklabels()] == list(fig.layout.xaxis.ticktext)
        assert [t.get_text() for t in ax.get_yticklabels()] == list(fig.layout.yaxis.ticktext)
        assert all(t.get_rotation() == 0 for t in ax.get_xticklabels())
    elements = set().union(*(c.elements for c in _all_chart_data(data)[11 * 3 : 11 * 4]))
    assert {"series:trajectory", "series:actual", "series:projection", "status"} <= elements
    assert {"line:target", "line:baseline", "line:as_of", "label:no_target", "label:projection"} <= elements


def test_month_ticks_are_horizontal_april_to_march(data: PlanData) -> None:
    chart = chart_data.indicator_chart_data(data, "14-ai-rpa-hours-saved", AS_OF, _row(data, "14-ai-rpa-hours-saved"))
    assert [s for _, s in chart.x_ticks] == [f"{m}月" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    assert charts.indicator_figure(chart).layout.xaxis.tickangle == 0


def test_counts_get_an_integer_axis(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        empty = plan_data(s, 2026)
    assert empty is not None
    for code in ("21-security-incidents", "15-new-dx-projects", "01-online-procedures", "11-opendata-new-items"):
        chart = chart_data.indicator_chart_data(empty, code, AS_OF)
        values = [v for v, _ in chart.y_ticks]
        assert values and all(float(v).is_integer() for v in values), (code, values)
        assert all("." not in s for _, s in chart.y_ticks)


def test_money_reads_in_man_yen_with_separators(data: PlanData) -> None:
    chart = chart_data.indicator_chart_data(data, "06-collection-fees", AS_OF, _row(data, "06-collection-fees"))
    assert chart.y_title == "万円"
    assert all(not s.endswith(("M", "k")) for _, s in chart.y_ticks)
    projection = next(lb for lb in chart.labels if lb.key == "projection")
    assert projection.text.endswith("円") and "," in projection.text
    assert chart_data.format_value(2426666.6667, "円") == "2,426,667円"
    assert chart_data.format_value(73.83333333333333, "%") == "73.8%"
    assert chart_data.format_value(float("nan"), "件") == "―"
    assert chart_data.format_value(None, "件") == "―"


def test_long_titles_wrap(data: PlanData) -> None:
    code = "05-konbini-issuance-share"
    chart = chart_data.indicator_chart_data(data, code, AS_OF, _row(data, code))
    assert "".join(chart.title_lines) == "② コンビニ交付可能な証明書発行件数に占めるコンビニ交付の割合"
    for line in chart.title_lines:
        assert label_placement.text_width_em(line) <= chart_data.TITLE_EM
    for line in chart.subtitle_lines:
        assert label_placement.text_width_em(line) <= chart_data.SUBTITLE_EM
        assert not line.startswith("・")
    assert chart_data.wrap("あ" * 70, 32) == ("あ" * 24, "あ" * 24, "あ" * 22)  # even lines, no stub
    assert chart_data.wrap("あ" * 31, 30) == ("あ" * 16, "あ" * 15)
    assert chart_data.wrap("短い", 30) == ("短い",)


def test_plan_text_is_shown_literally_on_screen(data: PlanData) -> None:
    data.indicators.loc[data.indicators["code"] == "04-mynumber-card-rate", "name"] = '<a href="http://x">保有率</a>'
    data.schedule.loc[data.schedule["project_no"] == 1, "item"] = "<b>項目</b>"
    fig = charts.indicator_chart(data, "04-mynumber-card-rate", AS_OF, _row(data, "04-mynumber-card-rate"))
    assert "&lt;a href=" in fig.layout.title.text and "<a " not in fig.layout.title.text
    gantt = charts.gantt_chart(data, indicator_statuses(data, AS_OF), AS_OF, [1])
    assert "&lt;b&gt;項目&lt;/b&gt;" in gantt.layout.yaxis.ticktext


def test_gantt_months_read_horizontally_and_the_as_of_label_never_covers_a_bar(data: PlanData) -> None:
    statuses = indicator_statuses(data, AS_OF)
    one = charts.gantt_chart(data, statuses, AS_OF, [1])
    assert one.layout.xaxis.tickangle == 0 and one.layout.xaxis.side == "top"
    label = next(a for a in one.layout.annotations if a.text == "基準月 2026年10月")
    assert (label.yref, label.y, label.yanchor) == ("paper", 0, "top")  # under the rows, not on them
    assert "xaxis2" not in one.layout  # a short schedule has one month axis
    whole = charts.gantt_chart(data, statuses, AS_OF)
    assert whole.layout.xaxis2.side == "bottom" and whole.layout.xaxis2.tickangle == 0
    assert list(whole.layout.xaxis2.ticktext) == list(whole.layout.xaxis.ticktext)


def test_labels_keep_off_the_drawn_lines_when_there_is_room() -> None:
    # A line rising through the lower left: the no-target note moves off it to the top.
    rising = chart_data.Series("actual", "実績値", (1.0, 2.0, 3.0), (0.0, 10.0, 20.0), "#000", "solid", 3, True)
    wants = [label_placement.LabelWant("no_target", "目標値は基準値の設定後に決まります", "#000", "corner", (0, 0))]
    avoid = chart_data._obstacles([rising], [], None)
    (label,), _ = label_placement.place_labels(wants, (0.5, 12.6), (0.0, 100.0), 0.0, avoid)
    assert label.va == "top"  # the first candidate (top left) is clear of the line
    (label,), (_, hi) = label_placement.place_labels(wants, (0.5, 12.6), (0.0, 25.0), 0.0, avoid)
    x0, y0, x1, y1 = label.box
    # Sampled along the line: no point of it inside the label's box.
    samples = [(1 + k / 100, 10 * k / 100) for k in range(201)]
    fx = [(x - 0.5) / 12.1 for x, _ in samples]
    fy = [y / hi for _, y in samples]
    assert not any(x0 < px < x1 and y0 < py < y1 for px, py in zip(fx, fy, strict=True))


def test_nice_ticks_end_far_from_zero_and_stay_few() -> None:
    # A generated plan found a y range where adding the step no longer changed the value:
    # the tick loop never ended and ate the machine's memory.
    from kpi.charts.data import nice_ticks

    for low, high, integer in [(1e16, 1e16 + 3, True), (0.0, 1e9, True), (0.0, 1.2e-38, False), (-5.0, 1e15, False)]:
        ticks = nice_ticks(low, high, integer)
        assert 1 <= len(ticks) <= 20
        assert list(ticks) == sorted(set(ticks))
        assert all(low - 1e-9 * max(1.0, abs(low)) <= t <= high + 1e-9 * max(1.0, abs(high)) for t in ticks)


def test_every_label_anchor_of_the_chart_data_is_one_matplotlib_draws() -> None:
    # A generated plan placed a label at the point's middle: matplotlib refused 'middle'.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kpi.reports.print_charts import MPL_VA

    fig = plt.figure()
    try:
        for va in ("bottom", "top", "middle"):
            fig.text(0.5, 0.5, "ラベル", va=MPL_VA.get(va, va))
        fig.canvas.draw()
    finally:
        plt.close(fig)
    assert MPL_VA["middle"] == "center"


def test_a_target_only_indicator_charts_its_trajectory_from_the_first_report(data: PlanData) -> None:
    """Issue 21 item 3: without a baseline the year's first report is the 起点, drawn and labelled."""
    from dataclasses import replace

    inds = data.indicators.copy()
    inds.loc[inds["code"] == "04-mynumber-card-rate", "baseline"] = None
    target_only = replace(data, indicators=inds)
    row = _row(target_only, "04-mynumber-card-rate")
    assert row["status"] not in ("no_baseline", None)
    chart = chart_data.indicator_chart_data(target_only, "04-mynumber-card-rate", AS_OF, row)
    april = target_only.actuals[
        (target_only.actuals["code"] == "04-mynumber-card-rate") & (target_only.actuals["month"] == "2026-04")
    ]["value"].iloc[0]
    trajectory = next(s for s in chart.series if s.key == "trajectory")
    assert (trajectory.xs[0], trajectory.ys[0]) == (1.0, pytest.approx(float(april)))
    assert trajectory.ys[-1] == pytest.approx(89.0)
    start = next(lb for lb in chart.labels if lb.key == "start")
    assert start.text == f"起点 {chart_data.format_value(april, '%')}"
    assert "label:start" in chart.elements
    fig = charts.indicator_chart(target_only, "04-mynumber-card-rate", AS_OF, row)
    assert any(a.name == "label:start" for a in fig.layout.annotations)
