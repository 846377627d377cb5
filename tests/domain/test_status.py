"""The status rules at every boundary: each direction and accumulation, with and without a
monthly plan, time travel, unreported months, milestones and the roll-up order."""

from __future__ import annotations

import itertools

import pytest

from kpi.domain.fiscal import Month, fiscal_months
from kpi.domain.status import (
    DEFAULT_CAUTION,
    DEFAULT_ON_TRACK,
    ROLLUP_ORDER,
    Accumulation,
    Direction,
    IndicatorRule,
    Status,
    Thresholds,
    evaluate_indicator,
    evaluate_milestone,
    expected_value,
    rollup,
    worst,
)

FY = 2026
SEP = Month(2026, 9)  # fiscal month 6: f = 0.5
OCT = Month(2026, 10)
MAR = Month(2027, 3)
INC, DEC, AT_MOST = Direction.INCREASE, Direction.DECREASE, Direction.AT_MOST
LEVEL, FLOW = Accumulation.LEVEL, Accumulation.FLOW


def level(value: float, month: Month = SEP) -> dict[Month, float]:
    return {month: value}


def flow_total(total: float, upto: Month = SEP) -> dict[Month, float]:
    """Monthly values that add up to ``total`` by ``upto`` (spread over the months)."""
    months = [m for m in fiscal_months(FY) if m <= upto]
    return {m: total / len(months) for m in months}


def status_of(rule: IndicatorRule, actuals: dict[Month, float], as_of: Month = SEP) -> Status:
    return evaluate_indicator(rule, actuals, as_of, FY).status


# ---------------------------------------------------------------- increase, level

MYNUMBER = IndicatorRule(INC, LEVEL, baseline=85, target=89)  # expected at Sep: 87


@pytest.mark.parametrize(
    ("actual", "expected_status"),
    [
        (86.79, Status.CAUTION),  # r = 0.895
        (86.8, Status.ON_TRACK),  # r = 0.9 exactly in decimals; 0.8999999999999986 in floats
        (86.81, Status.ON_TRACK),  # r = 0.905
        (86.39, Status.DELAYED),  # r = 0.695
        (86.4, Status.CAUTION),  # r = 0.7
        (86.41, Status.CAUTION),
        (85.0, Status.DELAYED),  # no progress at all
        (88.99, Status.ON_TRACK),
        (89.0, Status.ACHIEVED),  # the final target is met early
        (90.0, Status.ACHIEVED),
    ],
)
def test_increase_level_boundaries(actual: float, expected_status: Status) -> None:
    assert status_of(MYNUMBER, level(actual)) is expected_status


def test_ratio_exactly_at_threshold_in_decimal_counts_as_on_track_despite_float_error() -> None:
    ev = evaluate_indicator(MYNUMBER, level(86.8), SEP, FY)
    assert (86.8 - 85) / (87 - 85) < 0.9  # floating point alone would say 注意
    assert ev.status is Status.ON_TRACK
    assert ev.ratio == pytest.approx(0.9)
    assert ev.expected == pytest.approx(87.0)


# ---------------------------------------------------------------- decrease, level

OVERTIME_LEVEL = IndicatorRule(DEC, LEVEL, baseline=100, target=80)  # expected at Sep: 90


@pytest.mark.parametrize(
    ("actual", "expected_status"),
    [
        (91.01, Status.CAUTION),
        (91.0, Status.ON_TRACK),  # r = 0.9
        (90.99, Status.ON_TRACK),
        (93.01, Status.DELAYED),
        (93.0, Status.CAUTION),  # r = 0.7
        (92.99, Status.CAUTION),
        (105.0, Status.DELAYED),
        (80.01, Status.ON_TRACK),
        (80.0, Status.ACHIEVED),
        (70.0, Status.ACHIEVED),
    ],
)
def test_decrease_level_boundaries(actual: float, expected_status: Status) -> None:
    assert status_of(OVERTIME_LEVEL, level(actual)) is expected_status


# ---------------------------------------------------------------- increase, flow

HOURS = IndicatorRule(INC, FLOW, baseline=0, target=1200)  # cumulative expected at Sep: 600


@pytest.mark.parametrize(
    ("total", "expected_status"),
    [
        (539.0, Status.CAUTION),
        (540.0, Status.ON_TRACK),  # r = 0.9
        (541.0, Status.ON_TRACK),
        (419.0, Status.DELAYED),
        (420.0, Status.CAUTION),  # r = 0.7
        (421.0, Status.CAUTION),
        (0.0, Status.DELAYED),
        (1199.0, Status.ON_TRACK),
        (1200.0, Status.ACHIEVED),
    ],
)
def test_increase_flow_boundaries(total: float, expected_status: Status) -> None:
    assert status_of(HOURS, flow_total(total)) is expected_status


def test_flow_adds_up_the_fiscal_years_months() -> None:
    actuals = {Month(2026, 4): 100.0, Month(2026, 5): 200.0, Month(2026, 9): 240.0}
    ev = evaluate_indicator(HOURS, actuals, SEP, FY)
    assert ev.actual == pytest.approx(540.0)
    assert ev.expected == pytest.approx(600.0)
    assert ev.status is Status.ON_TRACK


def test_flow_ignores_months_of_other_fiscal_years() -> None:
    actuals = {Month(2026, 3): 5000.0, Month(2026, 9): 540.0}  # 2026-03 belongs to FY2025
    assert evaluate_indicator(HOURS, actuals, SEP, FY).actual == pytest.approx(540.0)


# ---------------------------------------------------------------- decrease, flow (relative target)

FEES = IndicatorRule(DEC, FLOW, baseline=1500, target_factor=0.8)  # target 1200/yr; expected at Sep: 600


@pytest.mark.parametrize(
    ("total", "expected_status"),
    [
        (666.0, Status.ON_TRACK),  # r = 600/666 = 0.9009
        (667.0, Status.CAUTION),  # r = 0.8996
        (857.0, Status.CAUTION),  # r = 0.7001
        (858.0, Status.DELAYED),  # r = 0.6993
        (300.0, Status.ON_TRACK),  # below the expected cost: r > 1
    ],
)
def test_decrease_flow_boundaries(total: float, expected_status: Status) -> None:
    assert status_of(FEES, flow_total(total)) is expected_status


def test_decrease_flow_with_nothing_spent_is_on_track_without_a_ratio() -> None:
    ev = evaluate_indicator(FEES, flow_total(0.0), SEP, FY)
    assert ev.status is Status.ON_TRACK
    assert ev.ratio is None


def test_decrease_flow_is_achieved_only_at_march() -> None:
    assert status_of(FEES, flow_total(500.0)) is Status.ON_TRACK  # within target, but in September
    assert status_of(FEES, flow_total(1200.0, MAR), MAR) is Status.ACHIEVED
    assert status_of(FEES, flow_total(1201.0, MAR), MAR) is Status.ON_TRACK  # r = 0.999


def test_relative_target_resolves_from_the_baseline() -> None:
    assert FEES.resolved_target == pytest.approx(1200.0)
    assert evaluate_indicator(FEES, flow_total(600.0), SEP, FY).target == pytest.approx(1200.0)


def test_relative_target_without_baseline_is_no_baseline() -> None:
    rule = IndicatorRule(DEC, FLOW, baseline=None, target_factor=0.8)
    ev = evaluate_indicator(rule, flow_total(600.0), SEP, FY)
    assert ev.status is Status.NO_BASELINE
    assert ev.target is None
    assert ev.actual == pytest.approx(600.0)


def test_level_indicator_without_baseline_starts_at_its_first_report() -> None:
    """Target-only (issue 21): the first report is the 起点 (tests/domain/test_status_target_only.py)."""
    rule = IndicatorRule(INC, LEVEL, baseline=None, target=10)
    assert status_of(rule, level(5)) is Status.ON_TRACK
    rule = IndicatorRule(INC, LEVEL, baseline=None, target_factor=1.2)  # relative to an unknown baseline
    assert status_of(rule, level(5)) is Status.NO_BASELINE


def test_increase_flow_with_absolute_target_needs_no_baseline() -> None:
    rule = IndicatorRule(INC, FLOW, baseline=None, target=1200)
    assert status_of(rule, flow_total(540.0)) is Status.ON_TRACK


# ---------------------------------------------------------------- at most

INCIDENTS = IndicatorRule(AT_MOST, FLOW, target=0)


def test_at_most_is_on_track_while_within_the_limit() -> None:
    assert status_of(INCIDENTS, flow_total(0.0)) is Status.ON_TRACK


def test_at_most_is_delayed_as_soon_as_the_limit_is_exceeded() -> None:
    assert status_of(INCIDENTS, {Month(2026, 5): 1.0, SEP: 0.0}) is Status.DELAYED
    assert status_of(INCIDENTS, {Month(2026, 5): 1.0}, MAR) is Status.DELAYED


def test_at_most_is_achieved_only_when_march_is_reported_within_the_limit() -> None:
    assert status_of(INCIDENTS, flow_total(0.0, MAR), MAR) is Status.ACHIEVED
    # as of March but the latest report is February: not yet achieved
    assert status_of(INCIDENTS, flow_total(0.0, Month(2027, 2)), MAR) is Status.ON_TRACK


def test_at_most_with_a_positive_limit() -> None:
    rule = IndicatorRule(AT_MOST, FLOW, target=3)
    assert status_of(rule, flow_total(3.0)) is Status.ON_TRACK
    assert status_of(rule, flow_total(3.5)) is Status.DELAYED


# ---------------------------------------------------------------- monthly plan

PLAN = {i: v for i, v in enumerate([0, 0, 0, 10, 20, 40, 50, 60, 70, 80, 90, 100], start=1)}
PLANNED = IndicatorRule(INC, LEVEL, baseline=0, target=100, monthly_plan=PLAN)


@pytest.mark.parametrize(
    ("actual", "expected_status"),
    [(35.99, Status.CAUTION), (36.0, Status.ON_TRACK), (27.99, Status.DELAYED), (28.0, Status.CAUTION)],
)
def test_monthly_plan_overrides_the_straight_line(actual: float, expected_status: Status) -> None:
    # the straight line would expect 50 in September; the plan expects 40
    ev = evaluate_indicator(PLANNED, level(actual), SEP, FY)
    assert ev.expected == pytest.approx(40.0)
    assert ev.status is expected_status


def test_when_no_progress_is_expected_status_depends_on_not_being_worse_than_baseline() -> None:
    june = Month(2026, 6)  # the plan expects 0 = baseline in June
    assert status_of(PLANNED, level(0.0, june), june) is Status.ON_TRACK
    worse = IndicatorRule(INC, LEVEL, baseline=10, target=100, monthly_plan={**PLAN, 3: 10})
    assert status_of(worse, level(9.0, june), june) is Status.DELAYED
    assert status_of(worse, level(10.0, june), june) is Status.ON_TRACK


def test_monthly_plan_for_flow_is_cumulative() -> None:
    rule = IndicatorRule(INC, FLOW, baseline=0, target=1200, monthly_plan={i: 50.0 * i for i in range(1, 13)})
    ev = evaluate_indicator(rule, flow_total(270.0), SEP, FY)  # plan expects 300 by September
    assert ev.expected == pytest.approx(300.0)
    assert ev.status is Status.ON_TRACK


def test_decrease_flow_with_zero_expected_is_delayed_when_anything_is_spent() -> None:
    rule = IndicatorRule(DEC, FLOW, baseline=100, target=0)
    assert status_of(rule, flow_total(0.0)) is Status.ON_TRACK
    april = Month(2026, 4)
    zero_plan = IndicatorRule(DEC, FLOW, baseline=100, target=50, monthly_plan={i: 0.0 for i in range(1, 13)})
    assert status_of(zero_plan, {april: 1.0}, april) is Status.DELAYED


# ---------------------------------------------------------------- thresholds, expected values


def test_per_indicator_thresholds_override_the_defaults() -> None:
    strict = IndicatorRule(INC, LEVEL, baseline=85, target=89, thresholds=Thresholds(on_track=0.95, caution=0.8))
    assert status_of(strict, level(86.8)) is Status.CAUTION  # r = 0.9
    assert status_of(strict, level(86.9)) is Status.ON_TRACK  # r = 0.95
    assert status_of(strict, level(86.59)) is Status.DELAYED  # r = 0.795


def test_the_default_thresholds_are_the_readme_grades_and_every_rule_gets_them() -> None:
    assert (DEFAULT_ON_TRACK, DEFAULT_CAUTION) == (0.9, 0.7)  # README "Status rules": r ≥ 0.9 順調, ≥ 0.7 注意
    assert Thresholds() == Thresholds(on_track=DEFAULT_ON_TRACK, caution=DEFAULT_CAUTION)
    assert IndicatorRule(INC, LEVEL, baseline=85, target=89).thresholds == Thresholds()


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        Thresholds(on_track=0.6, caution=0.7)


def test_expected_value_is_a_straight_line_from_baseline_to_target() -> None:
    assert expected_value(MYNUMBER, 1) == pytest.approx(85 + 4 / 12)
    assert expected_value(MYNUMBER, 12) == pytest.approx(89)
    assert expected_value(HOURS, 7) == pytest.approx(700)


# ---------------------------------------------------------------- no data, reference, time travel


def test_no_actual_up_to_as_of_is_no_data_with_all_months_unreported() -> None:
    ev = evaluate_indicator(MYNUMBER, {}, OCT, FY)
    assert ev.status is Status.NO_DATA
    assert ev.unreported_months == 7


def test_an_indicator_without_target_is_reference() -> None:
    rule = IndicatorRule(INC, LEVEL, baseline=1)
    ev = evaluate_indicator(rule, level(5), OCT, FY)
    assert ev.status is Status.REFERENCE
    assert ev.actual == 5
    assert ev.unreported_months == 1


def test_status_as_of_a_past_month_ignores_later_actuals() -> None:
    actuals = {Month(2026, 7): 86.0, SEP: 85.0, OCT: 89.5}
    as_of_aug = evaluate_indicator(MYNUMBER, actuals, Month(2026, 8), FY)
    assert as_of_aug.month == Month(2026, 7)
    assert as_of_aug.actual == 86.0
    assert as_of_aug.unreported_months == 1
    assert evaluate_indicator(MYNUMBER, actuals, OCT, FY).status is Status.ACHIEVED
    assert evaluate_indicator(MYNUMBER, actuals, Month(2026, 6), FY).status is Status.NO_DATA


def test_missing_latest_month_uses_the_latest_reported_month_and_counts_unreported() -> None:
    ev = evaluate_indicator(MYNUMBER, level(86.8, Month(2026, 7)), OCT, FY)
    assert ev.month == Month(2026, 7)
    assert ev.expected == pytest.approx(85 + 4 * 4 / 12)  # expected at m* (July), not October
    assert ev.unreported_months == 3


def test_as_of_after_the_fiscal_year_reads_as_march() -> None:
    ev = evaluate_indicator(HOURS, flow_total(1200.0, MAR), Month(2027, 6), FY)
    assert ev.status is Status.ACHIEVED
    assert ev.unreported_months == 0


# ---------------------------------------------------------------- milestones


@pytest.mark.parametrize(
    ("as_of", "completed", "expected_status"),
    [
        (Month(2026, 9), None, Status.NOT_DUE),
        (Month(2026, 10), None, Status.CAUTION),
        (Month(2026, 11), None, Status.DELAYED),
        (Month(2026, 11), Month(2026, 10), Status.DONE),
        (Month(2026, 9), Month(2026, 9), Status.DONE),  # done early
        (Month(2026, 9), Month(2026, 11), Status.NOT_DUE),  # completed later than the as-of month
        (Month(2026, 11), Month(2026, 12), Status.DELAYED),
    ],
)
def test_milestone_status(as_of: Month, completed: Month | None, expected_status: Status) -> None:
    assert evaluate_milestone(Month(2026, 10), completed, as_of) is expected_status


# ---------------------------------------------------------------- roll-up

ORDER = [
    Status.DELAYED,
    Status.CAUTION,
    Status.NO_DATA,
    Status.NO_BASELINE,
    Status.ON_TRACK,
    Status.ACHIEVED,
]


@pytest.mark.parametrize(("worse", "better"), list(itertools.combinations(ORDER, 2)))
def test_rollup_takes_the_worse_of_any_two(worse: Status, better: Status) -> None:
    assert worst([better, worse]) is worse
    assert worst([worse, better, better]) is worse


def test_rollup_equal_ranks_and_reference() -> None:
    assert worst([Status.NOT_DUE, Status.ON_TRACK]) is Status.ON_TRACK
    assert worst([Status.DONE, Status.ACHIEVED]) is Status.ACHIEVED
    assert worst([Status.DONE, Status.NOT_DUE]) is Status.NOT_DUE
    assert worst([Status.REFERENCE]) is None
    assert worst([Status.REFERENCE, Status.ACHIEVED]) is Status.ACHIEVED
    assert worst([]) is None


def test_rollup_counts_without_averaging() -> None:
    r = rollup([Status.ACHIEVED] * 9 + [Status.DELAYED])
    assert r.worst is Status.DELAYED
    assert r.counts[Status.ACHIEVED] == 9
    assert r.total == 10


def test_rollup_order_covers_every_status_but_reference() -> None:
    ranked = {s for line in ROLLUP_ORDER for s in line}
    assert ranked == set(Status) - {Status.REFERENCE}


# ---------------------------------------------------------------- the README's worked example


@pytest.mark.parametrize(
    ("actuals", "expected_status", "ratio", "unreported"),
    [
        ({OCT: 86.8}, Status.CAUTION, 0.771, 0),
        ({OCT: 87.2}, Status.ON_TRACK, 0.943, 0),
        ({SEP: 86.8}, Status.ON_TRACK, 0.9, 1),
        ({OCT: 89.1}, Status.ACHIEVED, None, 0),
    ],
)
def test_readme_worked_example(actuals, expected_status, ratio, unreported) -> None:
    ev = evaluate_indicator(MYNUMBER, actuals, OCT, FY)
    assert ev.status is expected_status
    assert ev.unreported_months == unreported
    if ratio is not None:
        assert ev.ratio == pytest.approx(ratio, abs=5e-4)


def test_readme_flow_example() -> None:
    rule = IndicatorRule(INC, FLOW, baseline=0, target=3100)
    ev = evaluate_indicator(rule, flow_total(1650.0, OCT), OCT, FY)
    assert ev.expected == pytest.approx(1808.333, abs=1e-3)
    assert ev.ratio == pytest.approx(0.912, abs=5e-4)
    assert ev.status is Status.ON_TRACK
