"""Status rules for targets that span years, reporting frequency and 「新規」 baselines, at
every boundary. A rule without these fields behaves exactly as tests/domain/test_status.py pins."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.domain.fiscal import Month, fiscal_months
from kpi.domain.status import (
    Accumulation,
    Direction,
    FlowScope,
    Frequency,
    IndicatorRule,
    Status,
    due_months,
    evaluate_indicator,
    expected_at,
    expected_value,
    year_start,
    year_target,
)

INC, DEC = Direction.INCREASE, Direction.DECREASE
LEVEL, FLOW = Accumulation.LEVEL, Accumulation.FLOW
FY = 2026
SEP = Month(2026, 9)

# Baseline 50 measured in March 2022, final target 100 at the end of FY2026 (March 2027):
# 60 months. FY2026 starts on the line at 50 + 50·48/60 = 90 and must reach 100.
FOUR_YEARS = IndicatorRule(INC, LEVEL, baseline=50, target=100, baseline_month=Month(2022, 3), target_year=2026)


def status(rule: IndicatorRule, actuals: dict[Month, float], as_of: Month = SEP, fy: int = FY) -> Status:
    return evaluate_indicator(rule, actuals, as_of, fy).status


# ---------------------------------------------------------------- targets that span years


def test_multi_year_line_starts_the_year_where_the_line_stands() -> None:
    assert year_start(FOUR_YEARS, FY) == (Month(2026, 3), pytest.approx(90.0))
    assert year_target(FOUR_YEARS, FY) == 100
    assert expected_at(FOUR_YEARS, FY, SEP) == pytest.approx(95.0)
    assert expected_value(FOUR_YEARS, 6, FY) == pytest.approx(95.0)


@pytest.mark.parametrize(
    ("actual", "expected_status"),
    [
        (94.5, Status.ON_TRACK),  # r = (94.5 − 90)/(95 − 90) = 0.9
        (94.49, Status.CAUTION),
        (93.5, Status.CAUTION),  # r = 0.7
        (93.49, Status.DELAYED),
        (90.0, Status.DELAYED),  # no progress this year
        (99.99, Status.ON_TRACK),
        (100.0, Status.ACHIEVED),
    ],
)
def test_multi_year_level_boundaries(actual: float, expected_status: Status) -> None:
    assert status(FOUR_YEARS, {SEP: actual}) is expected_status


def test_four_year_target_is_no_longer_squeezed_into_one_year() -> None:
    """The issue's example: squeezed into FY2026 the value read 順調 129%, though the years
    behind it leave it short of where the four-year line stands."""
    squeezed = IndicatorRule(INC, LEVEL, baseline=50, target=100)  # today's single-year reading
    value = {SEP: 82.25}
    old = evaluate_indicator(squeezed, value, SEP, FY)
    assert old.status is Status.ON_TRACK and old.ratio == pytest.approx(1.29)
    new = evaluate_indicator(FOUR_YEARS, value, SEP, FY)
    assert new.status is Status.DELAYED
    assert (new.expected, new.start, new.target, new.final_target, new.target_year) == (
        pytest.approx(95.0),
        pytest.approx(90.0),
        100,
        100,
        2026,
    )


def test_earlier_year_is_judged_against_the_line_at_its_own_year_end() -> None:
    # FY2024: the line runs from 50 + 50·24/60 = 70 (March 2024) to 80 (March 2025).
    assert year_target(FOUR_YEARS, 2024) == pytest.approx(80.0)
    assert year_start(FOUR_YEARS, 2024)[1] == pytest.approx(70.0)
    ev = evaluate_indicator(FOUR_YEARS, {Month(2024, 9): 80.0}, Month(2024, 9), 2024)
    assert ev.status is Status.ACHIEVED  # this year's target, not the final one
    assert ev.final_target == 100


YEARLY = IndicatorRule(
    INC,
    LEVEL,
    baseline=70,
    target=100,
    baseline_month=Month(2022, 3),
    target_year=2028,
    yearly_targets={2025: 79, 2026: 83, 2027: 93},
)


def test_yearly_targets_set_the_year_and_the_previous_one_its_start() -> None:
    assert (year_start(YEARLY, 2026)[1], year_target(YEARLY, 2026)) == (79, 83)
    assert (year_start(YEARLY, 2027)[1], year_target(YEARLY, 2027)) == (83, 93)
    assert (year_start(YEARLY, 2028)[1], year_target(YEARLY, 2028)) == (93, 100)  # the final year
    assert expected_at(YEARLY, 2026, SEP) == pytest.approx(81.0)
    assert expected_at(YEARLY, 2027, Month(2027, 9)) == pytest.approx(88.0)


@pytest.mark.parametrize(
    ("actual", "expected_status"),
    [
        (80.8, Status.ON_TRACK),
        (80.79, Status.CAUTION),
        (80.4, Status.CAUTION),
        (80.39, Status.DELAYED),
        (83.0, Status.ACHIEVED),
    ],
)
def test_yearly_target_boundaries(actual: float, expected_status: Status) -> None:
    assert status(YEARLY, {SEP: actual}) is expected_status


def test_year_without_yearly_target_before_the_final_year_uses_the_line_from_the_baseline() -> None:
    rule = IndicatorRule(INC, LEVEL, baseline=70, target=100, baseline_month=Month(2022, 3), target_year=2028)
    # 84 months from March 2022 to March 2029; FY2026 ends 60 months in.
    assert year_target(rule, 2026) == pytest.approx(70 + 30 * 60 / 84)
    assert year_start(rule, 2026)[1] == pytest.approx(70 + 30 * 48 / 84)


def test_a_yearly_target_below_the_start_is_on_track_when_not_below_it() -> None:
    rule = IndicatorRule(
        INC, LEVEL, baseline=70, target=100, baseline_month=Month(2022, 3), target_year=2027,
        yearly_targets={2025: 85, 2026: 83},
    )  # fmt: skip
    assert expected_at(rule, FY, SEP) == pytest.approx(84.0)
    assert status(rule, {SEP: 83.0}) is Status.ACHIEVED
    assert evaluate_indicator(rule, {SEP: 82.0}, SEP, FY).ratio == 0.0  # below the 84 expected in Sep
    assert status(rule, {SEP: 82.0}) is Status.DELAYED


def test_baseline_measured_inside_the_year_starts_the_trajectory_there() -> None:
    rule = IndicatorRule(INC, LEVEL, baseline=60, target=69, baseline_month=Month(2026, 6))
    assert year_start(rule, FY) == (Month(2026, 6), 60)
    assert expected_at(rule, FY, Month(2026, 5)) == 60  # before the baseline: nothing expected yet
    assert expected_at(rule, FY, SEP) == pytest.approx(63.0)  # 3 of 9 months
    assert status(rule, {SEP: 62.7}) is Status.ON_TRACK
    assert status(rule, {SEP: 62.69}) is Status.CAUTION


DECREASING = IndicatorRule(DEC, LEVEL, baseline=40, target=20, baseline_month=Month(2022, 3), target_year=2026)


@pytest.mark.parametrize(
    ("actual", "expected_status"),
    [
        (22.2, Status.ON_TRACK),  # start 24, expected 22: r = 1.8/2 = 0.9
        (22.21, Status.CAUTION),
        (22.6, Status.CAUTION),  # r = 0.7
        (22.61, Status.DELAYED),
        (24.5, Status.DELAYED),
        (20.0, Status.ACHIEVED),
    ],
)
def test_decreasing_multi_year_boundaries(actual: float, expected_status: Status) -> None:
    assert year_start(DECREASING, FY)[1] == pytest.approx(24.0)
    assert status(DECREASING, {SEP: actual}) is expected_status


def test_flow_of_the_fiscal_year_targets_the_line_of_annual_totals() -> None:
    # 1,000 h a year at the baseline (March 2022), 3,100 h a year by FY2026.
    rule = IndicatorRule(INC, FLOW, baseline=1000, target=3100, baseline_month=Month(2022, 3), target_year=2026)
    assert year_target(rule, 2025) == pytest.approx(2680.0)
    assert year_target(rule, 2026) == 3100
    assert expected_at(rule, 2025, Month(2025, 9)) == pytest.approx(1340.0)  # from 0 each April
    months = {m: 201.0 for m in fiscal_months(2025)[:6]}  # 1,206 h = 0.9 of 1,340
    assert status(rule, months, Month(2025, 9), 2025) is Status.ON_TRACK
    months[Month(2025, 9)] = 200.9
    assert status(rule, months, Month(2025, 9), 2025) is Status.CAUTION


def test_flow_for_a_later_target_without_baseline_is_no_baseline_but_the_final_year_is_not() -> None:
    rule = IndicatorRule(INC, FLOW, target=3100, target_year=2026)
    assert status(rule, {Month(2025, 9): 100.0}, Month(2025, 9), 2025) is Status.NO_BASELINE
    assert status(rule, {SEP: 1550.0}) is Status.ON_TRACK  # today's rule in the final year


# 累計: 100 facilities by March 2022, 500 by March 2027; FY2026 starts on the line at 420.
CUMULATIVE = IndicatorRule(
    INC,
    FLOW,
    baseline=100,
    target=500,
    baseline_month=Month(2022, 3),
    target_year=2026,
    flow_scope=FlowScope.SINCE_BASELINE,
)
EARLIER = {Month(2022, 3): 999.0, Month(2023, 6): 100.0, Month(2025, 1): 200.0}  # March 2022 is in the baseline


@pytest.mark.parametrize(
    ("this_year", "expected_status"),
    [
        (56.0, Status.ON_TRACK),  # 456 against 460 from 420: r = 36/40 = 0.9
        (55.9, Status.CAUTION),
        (48.0, Status.CAUTION),  # r = 0.7
        (47.9, Status.DELAYED),
        (100.0, Status.ACHIEVED),  # 500
    ],
)
def test_cumulative_since_baseline_boundaries(this_year: float, expected_status: Status) -> None:
    actuals = {**EARLIER, Month(2026, 4): 20.0, SEP: this_year - 20.0}
    ev = evaluate_indicator(CUMULATIVE, actuals, SEP, FY)
    assert ev.actual == pytest.approx(400 + this_year)
    assert ev.expected == pytest.approx(460.0)
    assert ev.status is expected_status


def test_cumulative_needs_a_report_this_year_and_ignores_months_after_as_of() -> None:
    assert status(CUMULATIVE, EARLIER) is Status.NO_DATA
    ev = evaluate_indicator(CUMULATIVE, {**EARLIER, Month(2026, 4): 10.0, Month(2026, 10): 500.0}, SEP, FY)
    assert ev.actual == pytest.approx(410.0)


# ---------------------------------------------------------------- 新規 baselines


def test_new_baseline_starts_from_zero_and_never_reads_no_baseline() -> None:
    new = IndicatorRule(INC, LEVEL, target=10, new_baseline=True)
    unknown = IndicatorRule(INC, LEVEL, target=10)
    # Unknown: September's report is its 起点 (target-only rule), not 0.
    assert evaluate_indicator(unknown, {SEP: 5.0}, SEP, FY).start == 5.0
    assert expected_at(new, FY, SEP) == pytest.approx(5.0)
    assert status(new, {SEP: 4.5}) is Status.ON_TRACK
    assert status(new, {SEP: 4.49}) is Status.CAUTION
    assert status(new, {SEP: 0.0}) is Status.DELAYED
    assert status(new, {SEP: 10.0}) is Status.ACHIEVED
    assert status(new, {}) is Status.NO_DATA


def test_new_baseline_with_a_relative_target_and_a_flow() -> None:
    assert IndicatorRule(INC, FLOW, target_factor=2.0, new_baseline=True).resolved_target == 0.0
    flow = IndicatorRule(INC, FLOW, target=12, new_baseline=True, flow_scope=FlowScope.SINCE_BASELINE)
    assert status(flow, {Month(2026, 4): 6.0}, SEP) is Status.ON_TRACK  # 6 of 6 expected by Sep


# ---------------------------------------------------------------- reporting frequency


def test_due_months_defaults_and_given_due_month() -> None:
    assert due_months(Frequency.MONTHLY) == frozenset(range(1, 13))
    assert due_months(Frequency.QUARTERLY) == {6, 9, 12, 3}
    assert due_months(Frequency.HALF_YEARLY) == {9, 3}
    assert due_months(Frequency.YEARLY) == {3}
    assert due_months(Frequency.YEARLY, 7) == {7}
    assert due_months(Frequency.QUARTERLY, 5) == {5, 8, 11, 2}
    assert due_months(Frequency.HALF_YEARLY, 10) == {10, 4}


# A staff survey in July: baseline 60 (March 2026), target 70; E(July) = 60 + 10·4/12.
SURVEY = IndicatorRule(INC, LEVEL, baseline=60, target=70, frequency=Frequency.YEARLY, due_month=7)
JUL, AUG = Month(2026, 7), Month(2026, 8)


@pytest.mark.parametrize(
    ("as_of", "expected_status", "unreported"),
    [
        (Month(2026, 3), Status.NO_DATA, 0),  # before the year: as today
        (Month(2026, 4), Status.NOT_DUE, 0),
        (Month(2026, 6), Status.NOT_DUE, 0),  # 予定: nothing was due yet
        (JUL, Status.NO_DATA, 1),
        (Month(2026, 10), Status.NO_DATA, 1),  # never 「3か月未報告」
        (Month(2027, 3), Status.NO_DATA, 1),
    ],
)
def test_yearly_survey_without_report_counts_only_its_due_month(
    as_of: Month, expected_status: Status, unreported: int
) -> None:
    ev = evaluate_indicator(SURVEY, {}, as_of, FY)
    assert (ev.status, ev.unreported_months) == (expected_status, unreported)


@pytest.mark.parametrize("as_of", [JUL, Month(2026, 10), Month(2027, 3)])
def test_yearly_survey_reported_in_july_is_never_unreported_later(as_of: Month) -> None:
    ev = evaluate_indicator(SURVEY, {JUL: 63.0}, as_of, FY)
    assert ev.unreported_months == 0
    assert ev.expected == pytest.approx(60 + 10 * 4 / 12)
    assert ev.status is Status.ON_TRACK  # r = 3/3.33 = 0.9


def test_yearly_survey_is_judged_at_its_due_month_even_when_entered_late() -> None:
    late = evaluate_indicator(SURVEY, {AUG: 63.0}, Month(2026, 10), FY)
    assert late.expected == pytest.approx(60 + 10 * 4 / 12)  # July's, not August's 64.17
    assert late.status is Status.ON_TRACK
    assert status(SURVEY, {AUG: 62.99}, Month(2026, 10)) is Status.CAUTION
    # Entered before its due month: judged at its own month.
    early = evaluate_indicator(SURVEY, {Month(2026, 5): 62.0}, Month(2026, 6), FY)
    assert early.expected == pytest.approx(60 + 10 * 2 / 12)


def test_quarterly_unreported_counts_quarters_not_months() -> None:
    rule = IndicatorRule(INC, LEVEL, baseline=0, target=12, frequency=Frequency.QUARTERLY)
    assert evaluate_indicator(rule, {}, Month(2026, 10), FY).unreported_months == 2  # June, September
    assert evaluate_indicator(rule, {Month(2026, 6): 3.0}, Month(2026, 10), FY).unreported_months == 1
    assert evaluate_indicator(rule, {Month(2026, 9): 6.0}, Month(2026, 11), FY).unreported_months == 0
    assert evaluate_indicator(rule, {Month(2026, 9): 6.0}, Month(2026, 12), FY).unreported_months == 1


def test_decreasing_yearly_flow_is_achieved_once_its_only_figure_is_in() -> None:
    monthly = IndicatorRule(DEC, FLOW, target=100)
    yearly = IndicatorRule(DEC, FLOW, target=100, frequency=Frequency.YEARLY, due_month=7)
    assert status(monthly, {JUL: 20.0}, JUL) is Status.ON_TRACK  # the year's total is not known yet
    assert status(yearly, {JUL: 20.0}, JUL) is Status.ACHIEVED


def test_half_yearly_at_most_is_achieved_after_its_last_due_figure() -> None:
    rule = IndicatorRule(Direction.AT_MOST, FLOW, target=2, frequency=Frequency.HALF_YEARLY)
    assert status(rule, {SEP: 1.0}, SEP) is Status.ON_TRACK
    assert status(rule, {SEP: 1.0, Month(2027, 3): 0.0}, Month(2027, 3)) is Status.ACHIEVED
    assert status(rule, {SEP: 3.0}, SEP) is Status.DELAYED


def test_reference_indicator_counts_only_due_reports() -> None:
    rule = IndicatorRule(INC, LEVEL, frequency=Frequency.YEARLY, due_month=7)
    ev = evaluate_indicator(rule, {}, Month(2026, 10), FY)
    assert (ev.status, ev.unreported_months) == (Status.REFERENCE, 1)


# ---------------------------------------------------------------- any rule, any actuals

_numbers = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def _rules(draw: st.DrawFn) -> IndicatorRule:
    direction = draw(st.sampled_from(list(Direction)))
    final_year = draw(st.integers(FY, FY + 3))
    flow_scope = draw(st.sampled_from(list(FlowScope)))
    return IndicatorRule(
        direction,
        draw(st.sampled_from(list(Accumulation))),
        baseline=draw(st.none() | _numbers),
        target=draw(_numbers) if direction is Direction.AT_MOST else draw(st.none() | _numbers),
        target_factor=draw(st.none() | st.sampled_from([0.8, 2.0])),
        new_baseline=draw(st.booleans()),
        baseline_month=draw(st.none() | st.builds(Month, st.integers(FY - 4, FY), st.integers(1, 12))),
        target_year=final_year,
        yearly_targets=draw(st.none() | st.dictionaries(st.integers(FY - 1, final_year), _numbers, max_size=4)),
        flow_scope=flow_scope,
        frequency=(frequency := draw(st.sampled_from(list(Frequency)))),
        due_month=draw(st.none() | st.integers(1, 12)) if frequency is not Frequency.MONTHLY else None,
    )


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(
    rule=_rules(),
    actuals=st.dictionaries(st.builds(Month, st.integers(FY - 2, FY + 1), st.integers(1, 12)), _numbers, max_size=20),
    as_of=st.builds(Month, st.integers(FY, FY + 1), st.integers(1, 12)),
)
def test_any_rule_gives_a_status_with_finite_numbers_and_counts_only_due_reports(
    rule: IndicatorRule, actuals: dict[Month, float], as_of: Month
) -> None:
    ev = evaluate_indicator(rule, actuals, as_of, FY)
    for value in (ev.ratio, ev.expected, ev.actual, ev.target, ev.start):
        assert value is None or math.isfinite(value)
    assert 0 <= ev.unreported_months <= len(rule.due)
    if ev.status is Status.NOT_DUE:
        assert rule.frequency is not Frequency.MONTHLY and ev.unreported_months == 0
