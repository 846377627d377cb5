"""Status rules: how monthly numbers become 達成 / 順調 / 注意 / 遅延.

Pure functions over plain values; no database, no Streamlit. The README's "Status rules"
section documents every rule here with a worked example; tests/domain/test_status.py pins each
boundary.
"""

from __future__ import annotations

import functools
import math
import sys
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

from kpi.domain.fiscal import Month, fiscal_months


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


class FlowScope(StrEnum):
    FISCAL_YEAR = "fiscal_year"  # a flow adds up within each fiscal year (the target is a year's total)
    SINCE_BASELINE = "since_baseline"  # 累計: a flow adds up since the baseline (the target is a running total)


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


# Calendar month of the first figure due when a plan gives no due_month; the others follow
# every 3 or 6 months (quarterly 6/9/12/3, half-yearly 9/3). March closes the fiscal year.
DEFAULT_DUE_MONTH = {Frequency.QUARTERLY: 6, Frequency.HALF_YEARLY: 9, Frequency.YEARLY: 3}
_STEP = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}


@functools.lru_cache(maxsize=64)  # asked by every indicator of every status computation
def due_months(frequency: Frequency, due_month: int | None = None) -> frozenset[int]:
    """Calendar months (1–12) in which a figure is due: every month for a monthly indicator."""
    step = _STEP[frequency]
    first = due_month if due_month is not None else DEFAULT_DUE_MONTH.get(frequency, 1)
    return frozenset((first - 1 + k * step) % 12 + 1 for k in range(12 // step))


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
# decimal arithmetic (e.g. 9/10) may come out as 0.8999999999. This tolerance absorbs that.
TOLERANCE = 1e-9

# The default thresholds, written only here (the plan file, a new indicator row, the store,
# new-year and the benchmark data use these): an indicator at 9/10 of its expected progress or
# more is 順調, from 7/10 注意, below that 遅延 (README "Status rules"); a plan may set its own.
DEFAULT_ON_TRACK = 0.9
DEFAULT_CAUTION = 0.7


@dataclass(frozen=True)
class Thresholds:
    on_track: float = DEFAULT_ON_TRACK  # r >= on_track → 順調
    caution: float = DEFAULT_CAUTION  # caution <= r < on_track → 注意; below → 遅延

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
    # 「新規」: nothing existed before, so the baseline is 0 and never missing.
    new_baseline: bool = False
    # When the baseline was measured (end of that month); None: March before the fiscal year.
    baseline_month: Month | None = None
    # Fiscal year of the final target; None: the fiscal year being evaluated.
    target_year: int | None = None
    yearly_targets: Mapping[int, float] | None = None  # fiscal year → that year's target
    flow_scope: FlowScope = FlowScope.FISCAL_YEAR
    frequency: Frequency = Frequency.MONTHLY
    due_month: int | None = None  # calendar month of the (first) due figure; None: DEFAULT_DUE_MONTH
    # 累計: the running total known at the end of ``start_total_month`` (the years before it
    # need not be loaded); the flows after that month add to it.
    start_total: float | None = None
    start_total_month: Month | None = None

    def running_start(self, fiscal_year: int) -> tuple[Month, float]:
        """(month, total) a 累計 adds its flows to: the plan's start_total, else the baseline."""
        if self.start_total is not None and self.start_total_month is not None:
            return self.start_total_month, self.start_total
        return baseline_month_of(self, fiscal_year), self.base or 0.0

    @property
    def base(self) -> float | None:
        """The baseline the rules use: 0 for a 新規 baseline."""
        return 0.0 if self.new_baseline else self.baseline

    @property
    def has_target(self) -> bool:
        return self.target is not None or self.target_factor is not None

    @property
    def resolved_target(self) -> float | None:
        """The final target (of ``target_year``)."""
        if self.target is not None:
            return self.target
        if self.target_factor is not None and self.base is not None:
            return self.base * self.target_factor
        return None

    @property
    def cumulative_since_baseline(self) -> bool:
        """累計: the value is the baseline plus every flow since then, judged like a level."""
        return (
            self.accumulation is Accumulation.FLOW
            and self.flow_scope is FlowScope.SINCE_BASELINE
            and self.direction is not Direction.AT_MOST
        )

    @property
    def level_like(self) -> bool:
        return self.accumulation is Accumulation.LEVEL or self.cumulative_since_baseline

    @property
    def needs_baseline(self) -> bool:
        if self.direction is Direction.AT_MOST or self.new_baseline:
            return False
        return self.level_like or self.target is None

    @property
    def due(self) -> frozenset[int]:
        return due_months(self.frequency, self.due_month)


@dataclass(frozen=True)
class IndicatorEvaluation:
    status: Status
    as_of: Month
    month: Month | None = None  # m*: the latest month <= as_of with an actual
    actual: float | None = None  # level: a at m*; flow: A, the cumulative sum up to m*
    expected: float | None = None  # E at m* (at its due month for a figure due less than monthly)
    target: float | None = None  # this fiscal year's target T
    ratio: float | None = None
    unreported_months: int = 0  # due reports after m* up to as_of that did not come
    final_target: float | None = None  # the target of target_year (equals target in its last year)
    target_year: int | None = None
    start: float | None = None  # the value expected at the start of this year's trajectory
    # A target-only indicator's 起点: the month of the year's first report, which starts the trajectory.
    start_month: Month | None = None


def _ge(value: float, bound: float) -> bool:
    return value >= bound - TOLERANCE * max(1.0, abs(bound))


def _le(value: float, bound: float) -> bool:
    return value <= bound + TOLERANCE * max(1.0, abs(bound))


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def baseline_month_of(rule: IndicatorRule, fiscal_year: int) -> Month:
    """When the baseline was measured: the plan's month, else March before the fiscal year."""
    return rule.baseline_month if rule.baseline_month is not None else Month(fiscal_year, 3)


def final_month_of(rule: IndicatorRule, fiscal_year: int) -> Month:
    """The final target is due at the end of March closing its fiscal year."""
    return Month((rule.target_year if rule.target_year is not None else fiscal_year) + 1, 3)


def _along(start: float, end: float, done: int, span: int) -> float:
    """The straight line from ``start`` to ``end`` after ``done`` of ``span`` months."""
    if span <= 0:
        return end
    f = min(max(done, 0), span) / span
    return start + (end - start) * f


def line_value(rule: IndicatorRule, fiscal_year: int, month: Month) -> float | None:
    """The straight line from the baseline (at its month) to the final target (at its year's end)."""
    base, target = rule.base, rule.resolved_target
    if base is None or target is None:
        return None
    start = baseline_month_of(rule, fiscal_year)
    return _along(base, target, month - start, final_month_of(rule, fiscal_year) - start)


def year_target(rule: IndicatorRule, fiscal_year: int) -> float | None:
    """This fiscal year's target: the plan's yearly target, else the straight line at March."""
    if rule.yearly_targets and fiscal_year in rule.yearly_targets:
        return float(rule.yearly_targets[fiscal_year])
    target = rule.resolved_target
    final_year = rule.target_year if rule.target_year is not None else fiscal_year
    if target is None or fiscal_year >= final_year or rule.direction is Direction.AT_MOST:
        return target
    return line_value(rule, fiscal_year, Month(fiscal_year + 1, 3))


def year_start(rule: IndicatorRule, fiscal_year: int) -> tuple[Month, float | None]:
    """(month, value) the year's trajectory starts from (at the end of that month).

    A flow of the fiscal year starts from 0 in March. Otherwise: the previous year's yearly
    target, else the straight line's value in March; a baseline measured later than March
    starts the trajectory itself.
    """
    march = Month(fiscal_year, 3)
    if not rule.level_like:
        return march, 0.0
    measured = baseline_month_of(rule, fiscal_year)
    if measured >= march:
        return measured, rule.base
    if rule.yearly_targets and fiscal_year - 1 in rule.yearly_targets:
        return march, float(rule.yearly_targets[fiscal_year - 1])
    return march, line_value(rule, fiscal_year, march)


def starts_at_first_report(rule: IndicatorRule) -> bool:
    """A target-only level indicator (a target, no baseline, not 新規): the year's first
    reported value is the 起点 its trajectory starts from (README "Status rules")."""
    return (
        rule.accumulation is Accumulation.LEVEL
        and rule.direction is not Direction.AT_MOST
        and rule.base is None
        and rule.target is not None
    )


def first_report(rule: IndicatorRule, actuals: Mapping[Month, float], fiscal_year: int) -> tuple[Month, float] | None:
    """(month, value) of the 起点 of a target-only indicator: its first report of the year."""
    if not starts_at_first_report(rule):
        return None
    months = [m for m in actuals if m.fiscal_year == fiscal_year]
    if not months:
        return None
    first = min(months)
    return first, float(actuals[first])


def expected_at(
    rule: IndicatorRule, fiscal_year: int, month: Month, start: tuple[Month, float] | None = None
) -> float | None:
    """E at the end of ``month`` on this year's trajectory; None when it cannot be known yet.

    ``start``: the 起点 (month, value) of a target-only indicator (``first_report``)."""
    if rule.monthly_plan is not None and month.fiscal_year == fiscal_year and month.fiscal_index in rule.monthly_plan:
        return float(rule.monthly_plan[month.fiscal_index])
    target = year_target(rule, fiscal_year)
    if target is None:
        return None
    start_month, start_value = start if start is not None else year_start(rule, fiscal_year)
    if start_value is None:
        return None
    return _along(start_value, target, month - start_month, Month(fiscal_year + 1, 3) - start_month)


def expected_value(rule: IndicatorRule, fiscal_index: int, fiscal_year: int | None = None) -> float | None:
    """E for fiscal month ``fiscal_index`` (1 … 12) of ``fiscal_year``; None when it cannot be
    known yet. Without a fiscal year, the year of the final target (a one-year plan)."""
    year = fiscal_year if fiscal_year is not None else (rule.target_year or 2000)
    return expected_at(rule, year, fiscal_months(year)[fiscal_index - 1])


def ratio_for(rule: IndicatorRule, value: float, expected: float, start: float | None = None) -> float | None:
    """Progress ratio r of ``value`` (a or A) against ``expected`` (E), measured from ``start``
    (where the year's trajectory begins; default: the baseline for a level, 0 for a flow)."""
    increase = rule.direction is Direction.INCREASE
    if start is None:
        start = (rule.base if rule.base is not None else 0.0) if rule.level_like else 0.0
    if rule.level_like:
        if _close(expected, start) or (expected < start if increase else expected > start):
            # No progress expected (or a step back allowed): on track unless worse than that.
            bound = start if _close(expected, start) else expected
            not_worse = _ge(value, bound) if increase else _le(value, bound)
            return 1.0 if not_worse else 0.0
        return (value - start) / (expected - start) if increase else (start - value) / (start - expected)
    if _close(expected, start):
        not_worse = _ge(value, start) if increase else _le(value, start)
        return 1.0 if not_worse else 0.0
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

    ``actuals`` holds the current value per calendar month. Only months of ``fiscal_year``
    count as this year's reports; a 累計 flow also adds the months since its baseline. An
    as-of month after March is read as March (the year is over).
    """
    return IndicatorYear(rule, actuals, fiscal_year).at(as_of)


class IndicatorYear:
    """One indicator's fiscal year, prepared once to be evaluated as of any month.

    ``IndicatorYear(rule, actuals, year).at(m)`` is ``evaluate_indicator(rule, actuals, m, year)``
    (that function is exactly this); a status history asks for every month of the year, and
    what does not depend on the as-of month (the year's reported months, its due months,
    target and trajectory) is worked out here only once.
    """

    def __init__(self, rule: IndicatorRule, actuals: Mapping[Month, float], fiscal_year: int) -> None:
        self.rule = rule
        self.actuals = actuals
        self.fiscal_year = fiscal_year
        self.target = year_target(rule, fiscal_year)
        self.year_end = Month(fiscal_year + 1, 3)
        # This year's reported months, oldest first, and their positions (year × 12 + month),
        # which bisect compares faster than Months: the months up to a cutoff are a prefix.
        self.months = sorted(m for m in actuals if m.fiscal_year == fiscal_year)
        self._month_keys = [_key(m) for m in self.months]
        self._values = [actuals[m] for m in self.months]  # a flow's sum up to a month: a prefix
        due = rule.due
        self.due_in_year = [m for m in fiscal_months(fiscal_year) if m.month in due]
        self._due_keys = [_key(m) for m in self.due_in_year]
        self._fields: dict[str, object] = {
            "status": Status.NO_DATA,
            "target": self.target,
            "final_target": rule.resolved_target,
            "target_year": rule.target_year if rule.target_year is not None else fiscal_year,
        }
        # The rule's derived properties, read at every month.
        self._year_end_key = _key(self.year_end)
        self._has_target = rule.has_target
        # A target-only level indicator starts from its first report of the year (起点).
        self._first = first_report(rule, actuals, fiscal_year)
        self._lacks_baseline = rule.needs_baseline and rule.base is None and not starts_at_first_report(rule)
        self._start: tuple[Month, float | None] | None = None
        self._expected: dict[int, float | None] = {}
        self._since: tuple[list[Month], list[float]] | None = None

    def _unreported(self, cutoff: int, after: int | None) -> int:
        # Only reports that were due count: a yearly survey due in July is not missing in June.
        # The due months are in order: the count of those in (after, cutoff].
        upto = bisect_right(self._due_keys, cutoff)
        return upto if after is None else max(0, upto - bisect_right(self._due_keys, after))

    def _expected_at(self, month: Month) -> float | None:
        key = _key(month)
        if key not in self._expected:
            self._expected[key] = expected_at(self.rule, self.fiscal_year, month, self._first)
        return self._expected[key]

    def _year_start(self) -> float | None:
        if self._start is None:
            self._start = self._first if self._first is not None else year_start(self.rule, self.fiscal_year)
        return self._start[1]

    def at(self, as_of: Month) -> IndicatorEvaluation:
        """The evaluation as of month ``as_of`` (see ``evaluate_indicator``)."""
        fields = {**self._fields, "as_of": as_of}
        status = self._judge(as_of, fields)
        fields["status"] = status
        return IndicatorEvaluation(**fields)  # type: ignore[arg-type]

    def status_at(self, as_of: Month) -> Status:
        """Only the status as of ``as_of`` (what a status history rolls up), by the same steps."""
        return self._judge(as_of, {})

    def _judge(self, as_of: Month, fields: dict[str, object]) -> Status:
        """The status as of ``as_of``; ``fields`` receives what the evaluation shows besides it."""
        rule, fiscal_year = self.rule, self.fiscal_year
        target = self.target
        cutoff_key = min(_key(as_of), self._year_end_key)  # the as-of month, read as March after the year
        reported = bisect_right(self._month_keys, cutoff_key)

        if not reported:
            missing = self._unreported(cutoff_key, None)
            if not self._has_target:
                fields["unreported_months"] = missing
                return Status.REFERENCE
            if missing == 0 and rule.frequency is not Frequency.MONTHLY and cutoff_key >= _key(Month(fiscal_year, 4)):
                return Status.NOT_DUE  # 予定: nothing was due yet
            fields["unreported_months"] = missing
            return Status.NO_DATA

        months = self.months[:reported]
        last = months[-1]
        value = self._observed(months)
        fields.update(month=last, actual=value, unreported_months=self._unreported(cutoff_key, _key(last)))
        if not self._has_target:
            return Status.REFERENCE

        if self._lacks_baseline:
            return Status.NO_BASELINE
        if target is None:  # a later year's target on the straight line needs the baseline
            return Status.NO_BASELINE
        # The year's total is known once no further figure is due this year (March, monthly).
        due_by_last = bisect_right(self._due_keys, _key(last))
        at_year_end = due_by_last == len(self._due_keys)

        if rule.direction is Direction.AT_MOST:
            if value > target and not _close(value, target):
                return Status.DELAYED
            return Status.ACHIEVED if at_year_end else Status.ON_TRACK

        # A figure reported after its due month is judged where it was due (a July survey
        # entered in August is judged at July); a monthly figure at its own month.
        judged = self.due_in_year[due_by_last - 1] if due_by_last else last
        expected = self._expected_at(judged)
        start = self._year_start()
        if expected is None or start is None:
            return Status.NO_BASELINE
        fields.update(expected=expected, start=start)
        if self._first is not None:
            fields["start_month"] = self._first[0]
        increase = rule.direction is Direction.INCREASE
        if rule.level_like or increase:
            achieved = _ge(value, target) if increase else _le(value, target)
        else:  # a decreasing flow is only known to be within its annual target at the year's end
            achieved = at_year_end and _le(value, target)
        ratio = ratio_for(rule, value, expected, start)
        if achieved:
            fields["ratio"] = ratio
            return Status.ACHIEVED
        if ratio is None:
            return Status.ON_TRACK
        fields["ratio"] = ratio
        return _grade(ratio, rule.thresholds)

    def _observed(self, months: list[Month]) -> float:
        rule, actuals = self.rule, self.actuals
        if rule.cumulative_since_baseline:
            return _saturating_sum([rule.running_start(self.fiscal_year)[1], *self._flows_since_baseline(months[-1])])
        if rule.accumulation is Accumulation.FLOW or rule.direction is Direction.AT_MOST:
            return _saturating_sum(self._values[: len(months)])
        return float(actuals[months[-1]])

    def _flows_since_baseline(self, last: Month) -> list[float]:
        """The values of the months after the baseline up to ``last``, in the order of ``actuals``
        (a sum past the float range depends on the order)."""
        since = self.rule.running_start(self.fiscal_year)[0]
        if self._since is None:
            items = list(self.actuals.items())
            # Entered in month order (as the store reads them), the months in (since, last]
            # are a slice; otherwise every month is looked at, as the rule reads.
            in_order = all(a[0] < b[0] for a, b in pairwise(items))
            self._since = ([m for m, _ in items], [v for _, v in items]) if in_order else ([], [])
        keys, values = self._since
        if not keys and self.actuals:
            return [v for m, v in self.actuals.items() if since < m <= last]
        return values[bisect_right(keys, since) : bisect_right(keys, last)]


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


def _key(month: Month) -> int:
    return month.year * 12 + month.month


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
