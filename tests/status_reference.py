"""The indicator status rule as it was written before the one-pass status history: each call
starts from nothing. tests/domain/test_status_history.py checks kpi.domain.status against it, verbatim."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from kpi.domain.fiscal import Month, fiscal_months
from kpi.domain.status import (
    Accumulation,
    Direction,
    Frequency,
    IndicatorEvaluation,
    IndicatorRule,
    Status,
    _close,
    _ge,
    _grade,
    _le,
    _saturating_sum,
    baseline_month_of,
    expected_at,
    ratio_for,
    starts_at_first_report,
    year_start,
    year_target,
)


def evaluate_indicator(
    rule: IndicatorRule,
    actuals: Mapping[Month, float],
    as_of: Month,
    fiscal_year: int,
) -> IndicatorEvaluation:
    """Status of one indicator as of month ``as_of``, using only actuals up to that month.

    ``actuals`` holds the current value per calendar month. Only months of ``fiscal_year``
    count as this year's reports; a 累計 flow also adds the months since its baseline. An
    as-of month after March is read as March (the year is over).
    """
    target = year_target(rule, fiscal_year)
    final = rule.resolved_target
    year_end = Month(fiscal_year + 1, 3)
    cutoff = min(as_of, year_end)
    months = sorted(m for m in actuals if m.fiscal_year == fiscal_year and m <= cutoff)
    due = rule.due
    due_in_year = [m for m in fiscal_months(fiscal_year) if m.month in due]
    base = IndicatorEvaluation(
        status=Status.NO_DATA,
        as_of=as_of,
        target=target,
        final_target=final,
        target_year=rule.target_year if rule.target_year is not None else fiscal_year,
    )

    def unreported(after: Month | None) -> int:
        # Only reports that were due count: a yearly survey due in July is not missing in June.
        return sum(1 for m in due_in_year if m <= cutoff and (after is None or m > after))

    if not months:
        missing = unreported(None)
        if not rule.has_target:
            return _replace(base, status=Status.REFERENCE, unreported_months=missing)
        if missing == 0 and rule.frequency is not Frequency.MONTHLY and cutoff >= Month(fiscal_year, 4):
            return _replace(base, status=Status.NOT_DUE)  # 予定: nothing was due yet
        return _replace(base, unreported_months=missing)

    last = months[-1]
    value = _observed(rule, actuals, months, fiscal_year)
    base = _replace(base, month=last, actual=value, unreported_months=unreported(last))
    if not rule.has_target:
        return _replace(base, status=Status.REFERENCE)

    # A target-only level indicator (issue 21): its first report of the year is its 起点.
    first = (months[0], float(actuals[months[0]])) if starts_at_first_report(rule) else None
    if rule.needs_baseline and rule.base is None and first is None:
        return _replace(base, status=Status.NO_BASELINE)
    if target is None:  # a later year's target on the straight line needs the baseline
        return _replace(base, status=Status.NO_BASELINE)
    # The year's total is known once no further figure is due this year (March, monthly).
    at_year_end = not any(m > last for m in due_in_year)

    if rule.direction is Direction.AT_MOST:
        if value > target and not _close(value, target):
            return _replace(base, status=Status.DELAYED)
        status = Status.ACHIEVED if at_year_end else Status.ON_TRACK
        return _replace(base, status=status)

    # A figure reported after its due month is judged where it was due (a July survey
    # entered in August is judged at July); a monthly figure at its own month.
    judged = max((m for m in due_in_year if m <= last), default=last)
    expected = expected_at(rule, fiscal_year, judged, first)
    start = first[1] if first is not None else year_start(rule, fiscal_year)[1]
    if expected is None or start is None:
        return _replace(base, status=Status.NO_BASELINE)
    base = _replace(base, expected=expected, start=start, start_month=first[0] if first else None)
    increase = rule.direction is Direction.INCREASE
    if rule.level_like or increase:
        achieved = _ge(value, target) if increase else _le(value, target)
    else:  # a decreasing flow is only known to be within its annual target at the year's end
        achieved = at_year_end and _le(value, target)
    ratio = ratio_for(rule, value, expected, start)
    if achieved:
        return _replace(base, status=Status.ACHIEVED, ratio=ratio)
    if ratio is None:
        return _replace(base, status=Status.ON_TRACK)
    return _replace(base, status=_grade(ratio, rule.thresholds), ratio=ratio)


def _observed(rule: IndicatorRule, actuals: Mapping[Month, float], months: list[Month], fiscal_year: int) -> float:
    if rule.cumulative_since_baseline:
        since, total = baseline_month_of(rule, fiscal_year), rule.base or 0.0
        if rule.start_total is not None and rule.start_total_month is not None:  # issue 21
            since, total = rule.start_total_month, rule.start_total
        last = months[-1]
        flows = [v for m, v in actuals.items() if since < m <= last]
        return _saturating_sum([total, *flows])
    if rule.accumulation is Accumulation.FLOW or rule.direction is Direction.AT_MOST:
        return _saturating_sum(actuals[m] for m in months)
    return float(actuals[months[-1]])


def _replace(ev: IndicatorEvaluation, **changes: object) -> IndicatorEvaluation:
    return dataclasses.replace(ev, **changes)  # type: ignore[arg-type]
