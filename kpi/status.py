"""Status rules: how monthly numbers become 達成 / 順調 / 注意 / 遅延.

Pure functions over plain values; no database, no Streamlit. The README's "Status rules"
section documents every rule here with a worked example; tests/test_status.py pins each
boundary.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kpi.fiscal import Month


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    CAUTION = "caution"
    DELAYED = "delayed"
    NO_DATA = "no_data"
    NO_BASELINE = "no_baseline"
    REFERENCE = "reference"
    NOT_DUE = "not_due"
    DONE = "done"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    AT_MOST = "at_most"


class Accumulation(StrEnum):
    LEVEL = "level"  # the latest monthly value is the state (e.g. a rate)
    FLOW = "flow"  # monthly values add up over the fiscal year (e.g. hours saved)


# Roll-up severity, worst first. Statuses on one line share a rank; the first of a
# line is shown when both occur. REFERENCE has no rank: it never colours a roll-up.
ROLLUP_ORDER: tuple[tuple[Status, ...], ...] = (
    (Status.DELAYED,),
    (Status.CAUTION,),
    (Status.NO_DATA,),
    (Status.NO_BASELINE,),
    (Status.ON_TRACK, Status.NOT_DUE),
    (Status.ACHIEVED, Status.DONE),
)
_RANK = {s: (rank, pos) for rank, line in enumerate(ROLLUP_ORDER) for pos, s in enumerate(line)}

# Ratios are computed in binary floating point; a ratio that is exactly a threshold in
# decimal arithmetic (e.g. 0.9) may come out as 0.8999999999. This tolerance absorbs that.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Thresholds:
    on_track: float = 0.9  # r >= on_track → 順調
    caution: float = 0.7  # caution <= r < on_track → 注意; below → 遅延

    def __post_init__(self) -> None:
        if not (0 < self.caution <= self.on_track):
            raise ValueError("しきい値は 0 < 注意 <= 順調 である必要があります")


@dataclass(frozen=True)
class IndicatorRule:
    """What the status rules need to know about one indicator."""

    direction: Direction
    accumulation: Accumulation
    baseline: float | None = None
    target: float | None = None
    # A target relative to the baseline (e.g. 0.8 for "2割削減"); resolved once a baseline is set.
    target_factor: float | None = None
    # Expected value per fiscal month index (April = 1 … March = 12), overriding the straight
    # line. Level: the expected level. Flow: the expected cumulative total to that month.
    monthly_plan: Mapping[int, float] | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def has_target(self) -> bool:
        return self.target is not None or self.target_factor is not None

    @property
    def resolved_target(self) -> float | None:
        if self.target is not None:
            return self.target
        if self.target_factor is not None and self.baseline is not None:
            return self.baseline * self.target_factor
        return None

    @property
    def needs_baseline(self) -> bool:
        if self.direction is Direction.AT_MOST:
            return False
        return self.accumulation is Accumulation.LEVEL or self.target is None


@dataclass(frozen=True)
class IndicatorEvaluation:
    status: Status
    as_of: Month
    month: Month | None = None  # m*: the latest month <= as_of with an actual
    actual: float | None = None  # level: a at m*; flow: A, the cumulative sum up to m*
    expected: float | None = None  # E at m*
    target: float | None = None
    ratio: float | None = None
    unreported_months: int = 0  # months after m* up to as_of without a report


def _ge(value: float, bound: float) -> bool:
    return value >= bound - TOLERANCE * max(1.0, abs(bound))


def _le(value: float, bound: float) -> bool:
    return value <= bound + TOLERANCE * max(1.0, abs(bound))


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def expected_value(rule: IndicatorRule, fiscal_index: int) -> float | None:
    """E for fiscal month ``fiscal_index`` (1 … 12); None when it cannot be known yet."""
    if rule.monthly_plan is not None and fiscal_index in rule.monthly_plan:
        return float(rule.monthly_plan[fiscal_index])
    target = rule.resolved_target
    if target is None:
        return None
    f = fiscal_index / 12
    if rule.accumulation is Accumulation.FLOW:
        return target * f
    if rule.baseline is None:
        return None
    return rule.baseline + (target - rule.baseline) * f


def ratio_for(rule: IndicatorRule, value: float, expected: float) -> float | None:
    """Progress ratio r of ``value`` (a or A) against ``expected`` (E)."""
    increase = rule.direction is Direction.INCREASE
    if rule.accumulation is Accumulation.LEVEL:
        start = rule.baseline if rule.baseline is not None else 0.0
    else:
        start = 0.0
    if _close(expected, start):
        # No progress expected yet: on track unless worse than where the year started.
        not_worse = _ge(value, start) if increase else _le(value, start)
        return 1.0 if not_worse else 0.0
    if rule.accumulation is Accumulation.LEVEL:
        return (value - start) / (expected - start) if increase else (start - value) / (start - expected)
    if increase:
        return value / expected
    if _close(value, 0.0):
        return None  # nothing spent on a decreasing flow: on track, no meaningful ratio
    return expected / value


def _grade(ratio: float, thresholds: Thresholds) -> Status:
    if _ge(ratio, thresholds.on_track):
        return Status.ON_TRACK
    if _ge(ratio, thresholds.caution):
        return Status.CAUTION
    return Status.DELAYED


def evaluate_indicator(
    rule: IndicatorRule,
    actuals: Mapping[Month, float],
    as_of: Month,
    fiscal_year: int,
) -> IndicatorEvaluation:
    """Status of one indicator as of month ``as_of``, using only actuals up to that month.

    ``actuals`` holds the current value per calendar month; months outside ``fiscal_year``
    are ignored. An as-of month after March is read as March (the year is over).
    """
    target = rule.resolved_target
    year_end = Month(fiscal_year + 1, 3)
    cutoff = min(as_of, year_end)
    months = sorted(m for m in actuals if m.fiscal_year == fiscal_year and m <= cutoff)
    elapsed = cutoff.fiscal_index if cutoff.fiscal_year == fiscal_year else 0
    base = IndicatorEvaluation(status=Status.NO_DATA, as_of=as_of, target=target)

    if not rule.has_target:
        if months:
            last = months[-1]
            value = _observed(rule, actuals, months)
            return _replace(base, status=Status.REFERENCE, month=last, actual=value, unreported_months=cutoff - last)
        return _replace(base, status=Status.REFERENCE, unreported_months=elapsed)
    if not months:
        return _replace(base, unreported_months=elapsed)

    last = months[-1]
    value = _observed(rule, actuals, months)
    base = _replace(base, month=last, actual=value, unreported_months=cutoff - last)

    if rule.needs_baseline and rule.baseline is None:
        return _replace(base, status=Status.NO_BASELINE)
    assert target is not None  # has_target and a baseline when needed resolve it
    at_year_end = last.fiscal_index == 12

    if rule.direction is Direction.AT_MOST:
        if value > target and not _close(value, target):
            return _replace(base, status=Status.DELAYED)
        status = Status.ACHIEVED if at_year_end else Status.ON_TRACK
        return _replace(base, status=status)

    expected = expected_value(rule, last.fiscal_index)
    assert expected is not None
    base = _replace(base, expected=expected)
    increase = rule.direction is Direction.INCREASE
    if rule.accumulation is Accumulation.LEVEL or increase:
        achieved = _ge(value, target) if increase else _le(value, target)
    else:  # a decreasing flow is only known to be within its annual target in March
        achieved = at_year_end and _le(value, target)
    ratio = ratio_for(rule, value, expected)
    if achieved:
        return _replace(base, status=Status.ACHIEVED, ratio=ratio)
    if ratio is None:
        return _replace(base, status=Status.ON_TRACK)
    return _replace(base, status=_grade(ratio, rule.thresholds), ratio=ratio)


def _observed(rule: IndicatorRule, actuals: Mapping[Month, float], months: list[Month]) -> float:
    if rule.accumulation is Accumulation.FLOW or rule.direction is Direction.AT_MOST:
        return _saturating_sum(actuals[m] for m in months)
    return float(actuals[months[-1]])


def _saturating_sum(values: Iterable[float]) -> float:
    """An exact sum that never raises: past the float range it stays at the largest float.

    Stored values are bounded, but a status page must not crash on a database written
    before the bounds (math.fsum raises OverflowError on 1e308 + 1e308).
    """
    items = [float(v) for v in values]
    try:
        return float(math.fsum(items))
    except OverflowError:
        total = sum(items)  # a float sum saturates to ±inf instead of raising
        return math.copysign(sys.float_info.max, total) if math.isinf(total) else total


def _replace(ev: IndicatorEvaluation, **changes: object) -> IndicatorEvaluation:
    from dataclasses import replace

    return replace(ev, **changes)  # type: ignore[arg-type]


def evaluate_milestone(month: Month, completed: Month | None, as_of: Month) -> Status:
    """A ● mark: done once completed (by as_of); else not due / due this month / overdue."""
    if completed is not None and completed <= as_of:
        return Status.DONE
    if as_of < month:
        return Status.NOT_DUE
    if as_of == month:
        return Status.CAUTION
    return Status.DELAYED


@dataclass(frozen=True)
class Rollup:
    worst: Status | None
    counts: Mapping[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def worst(statuses: Iterable[Status]) -> Status | None:
    """The worst status by the roll-up order; REFERENCE and unknown codes are ignored."""
    ranked = [s for s in statuses if s in _RANK]
    return min(ranked, key=_RANK.__getitem__) if ranked else None


def rollup(statuses: Iterable[Status]) -> Rollup:
    """Counts per status and the worst one. No averaging: one 遅延 makes the whole 遅延."""
    items = list(statuses)
    return Rollup(worst=worst(items), counts=Counter(items))


def severity(status: Status | None) -> int:
    """Sort key: 0 for the worst status; unranked statuses sort last."""
    if status is None or status not in _RANK:
        return len(ROLLUP_ORDER)
    return _RANK[status][0]
