"""Target-only indicators (a target, no baseline): the year's first report is the 起点 the
trajectory starts from (README "Status rules", 「目標値だけの指標」), at every boundary.
基準値未設定 stays only where even that cannot be computed."""

from __future__ import annotations

import pytest

from kpi.domain.fiscal import Month
from kpi.domain.status import (
    Accumulation,
    Direction,
    FlowScope,
    IndicatorRule,
    Status,
    evaluate_indicator,
    expected_at,
    first_report,
    rollup,
    starts_at_first_report,
)
from tests.status_reference import evaluate_indicator as reference

INC, DEC = Direction.INCREASE, Direction.DECREASE
LEVEL, FLOW = Accumulation.LEVEL, Accumulation.FLOW
FY = 2026
JUN, SEP = Month(2026, 6), Month(2026, 9)

# The README's worked example: 80% by March, no baseline; the first report is June's 50%.
# From the end of June to the end of March: 9 months; by September 3 have passed, so
# E = 50 + (80 − 50)·3/9 = 60 and r = (a − 50)/(60 − 50).
RATE = IndicatorRule(INC, LEVEL, target=80)
PAPER = IndicatorRule(DEC, LEVEL, target=90_000)  # 120,000 sheets in June: E(Sep) = 110,000


def _both(rule: IndicatorRule, actuals: dict[Month, float], as_of: Month = SEP) -> Status:
    got = evaluate_indicator(rule, actuals, as_of, FY)
    assert got == reference(rule, actuals, as_of, FY)  # the rule as written, computed afresh
    return got.status


def test_the_first_report_starts_the_trajectory() -> None:
    actuals = {JUN: 50.0, SEP: 59.0}
    assert starts_at_first_report(RATE)
    assert first_report(RATE, actuals, FY) == (JUN, 50.0)
    assert expected_at(RATE, FY, SEP, (JUN, 50.0)) == pytest.approx(60.0)
    ev = evaluate_indicator(RATE, actuals, SEP, FY)
    assert (ev.start, ev.start_month, ev.expected) == (50.0, JUN, pytest.approx(60.0))
    assert ev.ratio == pytest.approx(0.9)


@pytest.mark.parametrize(
    ("september", "expected"),
    [
        (59.0, Status.ON_TRACK),  # r = 9/10 = 0.9
        (58.99, Status.CAUTION),
        (57.0, Status.CAUTION),  # r = 0.7
        (56.99, Status.DELAYED),
        (50.0, Status.DELAYED),  # no progress since the 起点
        (79.99, Status.ON_TRACK),
        (80.0, Status.ACHIEVED),
    ],
)
def test_increase_boundaries(september: float, expected: Status) -> None:
    assert _both(RATE, {JUN: 50.0, SEP: september}) is expected


@pytest.mark.parametrize(
    ("september", "expected"),
    [
        (111_000.0, Status.ON_TRACK),  # r = (120,000 − 111,000)/(120,000 − 110,000) = 0.9
        (111_001.0, Status.CAUTION),
        (113_000.0, Status.CAUTION),  # r = 0.7
        (113_001.0, Status.DELAYED),
        (90_000.0, Status.ACHIEVED),
    ],
)
def test_decrease_boundaries(september: float, expected: Status) -> None:
    assert _both(PAPER, {JUN: 120_000.0, SEP: september}) is expected


def test_the_first_report_itself_is_on_track_and_later_months_are_missing() -> None:
    assert _both(RATE, {JUN: 50.0}, JUN) is Status.ON_TRACK  # E = S: no progress expected yet
    ev = evaluate_indicator(RATE, {JUN: 50.0}, SEP, FY)
    assert (ev.status, ev.unreported_months) == (Status.ON_TRACK, 3)
    assert _both(RATE, {}, SEP) is Status.NO_DATA


def test_a_first_report_in_march_is_judged_against_the_target() -> None:
    march = Month(2027, 3)
    assert _both(RATE, {march: 79.0}, march) is Status.DELAYED  # no months left: E = T
    assert _both(RATE, {march: 80.0}, march) is Status.ACHIEVED


def test_an_earlier_years_report_is_not_this_years_start() -> None:
    actuals = {Month(2026, 2): 10.0, JUN: 50.0, SEP: 59.0}  # February 2026 belongs to FY2025
    assert first_report(RATE, actuals, FY) == (JUN, 50.0)
    assert _both(RATE, actuals) is Status.ON_TRACK


@pytest.mark.parametrize(
    "rule",
    [
        IndicatorRule(DEC, FLOW, target_factor=0.8),  # 2割削減 of an unknown baseline: no target
        IndicatorRule(INC, FLOW, target=500, flow_scope=FlowScope.SINCE_BASELINE),  # 累計 of an unknown start
        IndicatorRule(INC, LEVEL, target=100, target_year=2028),  # a later final target on an unknown line
    ],
    ids=["target_factor", "cumulative", "later_target"],
)
def test_no_baseline_stays_where_even_that_cannot_be_computed(rule: IndicatorRule) -> None:
    assert _both(rule, {JUN: 50.0, SEP: 59.0}) is Status.NO_BASELINE


def test_a_later_target_with_this_years_target_is_judged() -> None:
    rule = IndicatorRule(INC, LEVEL, target=100, target_year=2028, yearly_targets={2026: 80})
    assert _both(rule, {JUN: 50.0, SEP: 59.0}) is Status.ON_TRACK


def test_a_target_only_indicator_no_longer_colours_its_rollup_unjudged() -> None:
    """One target-only KPI used to leave its whole 重点施策 at 基準値未設定 for everyone."""
    status = _both(RATE, {JUN: 50.0, SEP: 60.0})
    assert rollup([status, Status.ON_TRACK]).worst is Status.ON_TRACK
