"""The inline SVG sparkline of the 重点施策 table: gaps, single months, no values."""

from __future__ import annotations

import re

from kpi.charts.sparkline import HEIGHT, PAD, segments, sparkline_svg


def test_a_missing_month_splits_the_line_and_a_lone_month_is_a_dot() -> None:
    runs = segments([(1, 10.0), (2, 12.0), (4, 11.0), (6, 15.0), (7, 14.0)])
    assert [len(r) for r in runs] == [2, 1, 2]  # April–May, July alone, September–October
    xs = [x for run in runs for x, _ in run]
    assert xs == sorted(xs) and xs[0] == PAD
    assert runs[2][0][1] == PAD  # September's 15, the largest value, is highest
    assert runs[0][0][1] == HEIGHT - PAD  # April's 10, the smallest, lowest


def test_the_svg_draws_a_polyline_per_run_and_a_dot_for_a_lone_month() -> None:
    svg = sparkline_svg([(1, 1.0), (2, 2.0), (3, 3.0), (5, 2.0)], "利用率（月別実績: 4月 1）")
    assert svg.count("<polyline") == 1
    assert len(re.search(r'points="([^"]+)"', svg).group(1).split()) == 3  # type: ignore[union-attr]
    assert svg.count("<circle") == 2  # August alone, and the latest value
    assert 'role="img"' in svg and 'aria-label="利用率（月別実績: 4月 1）"' in svg
    assert "<title>利用率（月別実績: 4月 1）</title>" in svg


def test_no_values_show_a_dash_and_a_flat_series_sits_in_the_middle() -> None:
    assert ">―</span>" in sparkline_svg([], "x")
    assert "<svg" not in sparkline_svg([], "x")
    assert {y for run in segments([(1, 5.0), (2, 5.0)]) for _, y in run} == {HEIGHT / 2}


def test_the_label_is_escaped() -> None:
    svg = sparkline_svg([(1, 1.0)], '<b>"名"</b>')
    assert "<b>" not in svg and "&lt;b&gt;" in svg
