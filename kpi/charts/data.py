"""What an indicator chart shows, built once: series, reference lines, labels and axes.

Pure (no plotly, no matplotlib). The screen figure (``kpi.charts.figures``, plotly) and the
print figure (``kpi.reports.print_charts``, matplotlib) both draw an ``IndicatorChartData``,
so a PDF shows exactly what the page shows.

Label positions are decided here, not by a renderer: this module says which labels a chart
has and what each labels (a line, a point, a corner); ``kpi.charts.label_placement`` places
them at the nominal plot size (the narrowest place a chart is drawn: one column of the
two-column report and half an A4 landscape page).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from kpi.charts.label_placement import Label, LabelWant, Obstacle, place_labels, text_width_em
from kpi.domain.fiscal import Month, fiscal_months, fiscal_year_short
from kpi.domain.frames import opt, opt_float
from kpi.domain.plan import PlanData
from kpi.domain.status import (
    Accumulation,
    Direction,
    Status,
    expected_at,
    first_report,
    year_start,
    year_target,
)
from kpi.domain.statuses import rule_of
from kpi.text import fmt, phrases
from kpi.text.catalog import t
from kpi.text.labels import month_label, month_short, paren, plan_year_label, status_text, year_of
from kpi.text.palette import STATUS_STYLES

# Colours that are not statuses: ink for actuals, greys for reference lines.
ACTUAL_COLOR = "#1F3A5F"
TRAJECTORY_COLOR = "#5C6B7A"
PREVIOUS_COLOR = "#90A4AE"  # the previous fiscal year's actuals, behind this year's
TARGET_COLOR = "#0D47A1"
BASELINE_COLOR = "#616161"
AS_OF_COLOR = "#6D4C41"
NOTE_COLOR = "#6A1B9A"

# Title lines at the nominal plot width (kpi.charts.label_placement holds the geometry).
TITLE_EM = 30  # a title line holds this many full-width characters at the nominal width
SUBTITLE_EM = 36

PROJECTION_WINDOW = 3  # months of recent actuals the year-end projection follows
COUNT_UNITS = frozenset({"件", "項目", "人", "回", "台", "校", "施設", "者", "団体", "事業", "本", "個"})
MONEY_UNITS = frozenset({"円"})
MAN = 10_000  # 万: money axes switch to 万円 from here


# ---------------------------------------------------------------- text and numbers


def unit_digits(unit: str) -> int:
    """Decimals an indicator's values are shown with: whole counts and 円, one decimal otherwise."""
    return 0 if unit in COUNT_UNITS or unit in MONEY_UNITS else 1


def format_value(value: Any, unit: str) -> str:
    """「89%」「56.4%」「3,100 時間」「2,426,667円」; a missing value reads 「―」."""
    v = opt_float(value)
    if v is None:
        return fmt.MISSING
    digits = unit_digits(unit)
    body = fmt.number(round(v, digits), digits=None if digits else 0)
    return f"{body}{unit}" if unit in ("%", "円") else f"{body} {unit}".rstrip()


def expected_digits(value: Any, unit: str) -> int:
    """Decimals an expected value E is shown with: the unit's, one more when rounding to the
    unit's would change it (E of a count is rarely whole: 8.75 件 shown as 「9 件」 beside an
    actual of 8 reads as a miss of 11 % where r is 91 %)."""
    digits = unit_digits(unit)
    v = opt_float(value)
    if v is None or math.isclose(v, round(v, digits), abs_tol=10 ** -(digits + 3)):
        return digits
    return digits + 1


def format_expected(value: Any, unit: str) -> str:
    """An expected value (計画値) with the precision it needs (``expected_digits``)."""
    v = opt_float(value)
    if v is None:
        return fmt.MISSING
    digits = expected_digits(v, unit)
    if digits == unit_digits(unit):
        return format_value(v, unit)
    body = fmt.number(round(v, digits))
    return f"{body}{unit}" if unit in ("%", "円") else f"{body} {unit}".rstrip()


def wrap(text: str, width_em: float) -> tuple[str, ...]:
    """Lines of at most ``width_em``, of even length (no one-character last line), broken only
    between phrases (``kpi.text.phrases``: never 「…発行件 / 数に…」)."""
    text = text.strip()
    lines = phrases.wrap(text, width_em, text_width_em)
    total = text_width_em(text)
    # Lines of even width: 31 characters in 30 become 16 + 15, not 30 + 1 — the narrowest
    # width at which the phrases still fit in as many lines.
    for narrower in range(math.ceil(total / len(lines)), math.ceil(width_em)):
        even = phrases.wrap(text, narrower, text_width_em)
        if len(even) == len(lines):
            return even
    return lines


def wrap_parts(parts: Sequence[str], width_em: float, sep: str = " ・ ") -> tuple[str, ...]:
    """``parts`` joined by ``sep``, a line broken only between parts (a long part is wrapped)."""
    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]}{sep}{part}" if lines else part
        if lines and text_width_em(joined) <= width_em:
            lines[-1] = joined
        else:
            lines.extend(wrap(part, width_em))
    return tuple(lines) or ("",)


def month_tick(month: Month, lang: str) -> str:
    return month_short(month, lang)


def as_of_text(as_of: Month, lang: str) -> str:
    return f"{t('as_of', lang)} {month_label(as_of, lang)}"


def linear_projection(
    points: Sequence[tuple[float, float]], at: float, window: int = PROJECTION_WINDOW
) -> float | None:
    """Least-squares line through the last ``window`` points, evaluated at ``at``.

    None with fewer than two points: one month gives no trend to project.
    """
    recent = sorted(points)[-window:]
    if len(recent) < 2:
        return None
    n = len(recent)
    mx = math.fsum(x for x, _ in recent) / n
    my = math.fsum(y for _, y in recent) / n
    sxx = math.fsum((x - mx) ** 2 for x, _ in recent)
    if sxx == 0:
        return None
    slope = math.fsum((x - mx) * (y - my) for x, y in recent) / sxx
    return my + slope * (at - mx)


def nice_ticks(low: float, high: float, integer: bool, n: int = 5) -> tuple[float, ...]:
    """About ``n`` round tick values covering [low, high]; whole steps on an integer axis."""
    span = high - low
    if span <= 0:
        span = abs(high) or 1.0
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if integer:
        step = max(1.0, math.ceil(step))
    # Ticks by index, never by repeated addition: far from zero ``v + step == v`` in floating
    # point, and a loop adding steps would never end (a generated plan found this).
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    count = min(max(0, last - first + 1), 4 * n)
    return tuple(dict.fromkeys(round((first + i) * step, 10) for i in range(count)))


def axis_scale(unit: str, high: float) -> tuple[float, str]:
    """(divisor, axis title): money from 10,000 円 up reads in 万円, everything else as is."""
    if unit in MONEY_UNITS and high >= MAN:
        return MAN, "万円"
    return 1.0, unit


def tick_text(value: float, divisor: float, integer: bool) -> str:
    v = value / divisor
    if integer or float(v).is_integer():
        return f"{v:,.0f}"
    return fmt.number(v)


# ---------------------------------------------------------------- the chart's elements


@dataclass(frozen=True)
class Series:
    key: str  # trajectory | actual | projection
    name: str  # legend text
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    color: str
    dash: str  # solid | dash | dot
    width: float
    markers: bool


@dataclass(frozen=True)
class RefLine:
    key: str  # target | baseline (horizontal) | as_of (vertical)
    value: float
    vertical: bool
    color: str
    dash: str  # solid | dot | dashdot
    width: float


@dataclass(frozen=True)
class StatusMark:
    x: float
    y: float
    name: str
    marker: str  # plotly symbol name; the print renderer maps it
    color: str


@dataclass(frozen=True)
class IndicatorChartData:
    code: str
    title_lines: tuple[str, ...]
    subtitle_lines: tuple[str, ...]
    unit: str
    x_range: tuple[float, float]
    x_ticks: tuple[tuple[float, str], ...]
    y_range: tuple[float, float]
    y_ticks: tuple[tuple[float, str], ...]
    y_title: str
    series: tuple[Series, ...]
    lines: tuple[RefLine, ...]
    status: StatusMark | None
    labels: tuple[Label, ...]

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    @property
    def elements(self) -> set[str]:
        """Every element a renderer must draw, e.g. {'series:actual', 'line:target', 'label:as_of'}."""
        out = {f"series:{s.key}" for s in self.series} | {f"line:{ln.key}" for ln in self.lines}
        out |= {f"label:{lb.key}" for lb in self.labels}
        if self.status is not None:
            out.add("status")
        return out


# ---------------------------------------------------------------- building the chart


def _obstacles(series: Sequence[Series], lines: Sequence[RefLine], mark: StatusMark | None) -> list[Obstacle]:
    """Every drawn line as segments (a series point by point, a reference line across the
    plot) and the status mark: what no label may cover."""
    out: list[Obstacle] = []
    for s in series:
        pts = list(zip(s.xs, s.ys, strict=True))
        out += [Obstacle("seg", x0, y0, x1, y1) for (x0, y0), (x1, y1) in pairwise(pts)]
        if len(pts) == 1:
            out.append(Obstacle("seg", pts[0][0], pts[0][1], pts[0][0], pts[0][1]))
    for ln in lines:
        if ln.vertical:
            out.append(Obstacle("vline", ln.value))
        else:
            out.append(Obstacle("seg", -1e6, ln.value, 1e6, ln.value))
    if mark is not None:
        out.append(Obstacle("mark", mark.x, mark.y))
    return out


def indicator_points(data: PlanData, code: str, previous: bool = False) -> list[tuple[int, float]]:
    """(fiscal month index, value as charted): flow indicators are charted as running totals.

    ``previous``: the previous fiscal year's actuals of the same indicator id, on the same months.
    """
    ind = data.indicators.loc[data.indicators["code"] == code].iloc[0]
    source = data.previous_actuals if previous else data.actuals
    if source is None or source.empty:
        return []
    year = data.year - 1 if previous else data.year
    rows = source.loc[source["code"] == code, ["month", "value"]]
    monthly = sorted(
        (Month.parse(m).fiscal_index, float(v))
        for m, v in rows.itertuples(index=False)
        if opt_float(v) is not None and Month.parse(m).fiscal_year == year
    )
    cumulative = ind["accumulation"] == Accumulation.FLOW.value or ind["direction"] == Direction.AT_MOST.value
    if not cumulative:
        return monthly
    rule = rule_of(ind)
    total = 0.0
    counted_from = 0  # fiscal months up to this one are in the starting total already
    if rule.cumulative_since_baseline:
        # 累計: the running total starts from the baseline (or the plan's start_total) and what
        # came after it before April.
        (since, start), april = rule.running_start(data.year), Month(data.year, 4)
        earlier = data.earlier_actuals.loc[data.earlier_actuals["code"] == code, ["month", "value"]]
        total = start + math.fsum(
            float(v) for m, v in earlier.itertuples(index=False) if since < Month.parse(m) < april
        )
        if since.fiscal_year == year:
            counted_from = since.fiscal_index
    out = []
    for i, v in monthly:
        if i > counted_from:
            total += v
        out.append((i, total))
    return out


def known_months(year: int, as_of: Month) -> int:
    """How many months of fiscal ``year`` are known as of ``as_of`` (0 … 12)."""
    months = fiscal_months(year)
    if as_of > months[-1]:
        return 12
    return as_of.fiscal_index if as_of.fiscal_year == year else 0


def known_points(data: PlanData, code: str, as_of: Month) -> list[tuple[int, float]]:
    """``indicator_points`` up to ``as_of``: what was known then (chart and sparkline)."""
    known = known_months(data.year, as_of)
    return [(i, v) for i, v in indicator_points(data, code) if i <= known]


def indicator_chart_data(
    data: PlanData, code: str, as_of: Month, status: Mapping[str, Any] | None = None, lang: str = "ja"
) -> IndicatorChartData:
    """Monthly actuals against the expected trajectory and the target, as of ``as_of``.

    ``status`` is this indicator's row of ``kpi.domain.statuses.indicator_statuses`` (status and
    ratio for the subtitle and the as-of marker). Only actuals up to ``as_of`` are drawn,
    so that the chart tells what was known then.
    """
    ind = data.indicators.loc[data.indicators["code"] == code].iloc[0]
    rule = rule_of(ind)
    unit = fmt.text(ind["unit"], "")
    months = fiscal_months(data.year)
    known = known_months(data.year, as_of)
    points = known_points(data, code, as_of)
    flow = rule.accumulation is Accumulation.FLOW or rule.direction is Direction.AT_MOST
    target = year_target(rule, data.year)
    final = rule.resolved_target
    series: list[Series] = []
    starts_at_baseline = False

    # A target-only indicator's trajectory starts at its first report of the year (起点), as known then.
    first = first_report(rule, {Month(data.year, 4).add(i - 1): v for i, v in points}, data.year)
    trajectory = [
        (i, expected_at(rule, data.year, m, first))
        for i, m in enumerate(months, start=1)
        if first is None or m >= first[0]
    ]
    start = year_start(rule, data.year)[1]
    if first is not None:
        wants_start: LabelWant | None = LabelWant(
            "start",
            f"{t('scale_chart_first_report', lang)} {format_value(first[1], unit)}",
            TRAJECTORY_COLOR,
            "start",
            (float(first[0].fiscal_index), first[1]),
        )
    else:
        wants_start = None
    if rule.direction is not Direction.AT_MOST and trajectory and all(v is not None for _, v in trajectory):
        xs = [float(i) for i, _ in trajectory]
        ys = [float(v) for _, v in trajectory if v is not None]
        if rule.level_like and start is not None and rule.monthly_plan is None:
            # The year's trajectory starts where it is expected to stand in March: the
            # baseline in a one-year plan, the line or last year's target in a longer one.
            xs, ys = [0.0, *xs], [start, *ys]
            starts_at_baseline = True
        series.append(
            Series("trajectory", t("chart_trajectory", lang), tuple(xs), tuple(ys), TRAJECTORY_COLOR, "dash", 2, False)
        )

    before = indicator_points(data, code, previous=True)
    if before:  # the same indicator last year: both years on one chart
        name = t("chart_previous_year", lang).format(year=fiscal_year_short(data.year - 1))
        xs_before, ys_before = tuple(float(i) for i, _ in before), tuple(v for _, v in before)
        series.append(Series("previous", name, xs_before, ys_before, PREVIOUS_COLOR, "solid", 2, True))

    actual_name = t("chart_actual_cumulative" if flow else "actual", lang)
    series.append(
        Series(
            "actual",
            actual_name,
            tuple(float(i) for i, _ in points),
            tuple(v for _, v in points),
            ACTUAL_COLOR,
            "solid",
            3,
            True,
        )
    )

    wants: list[LabelWant] = [wants_start] if wants_start is not None else []
    lines: list[RefLine] = []
    projected: float | None = None
    if points and points[-1][0] < 12:
        projected = linear_projection(points, 12)
        if projected is not None:
            if rule.accumulation is Accumulation.LEVEL and unit == "%":
                projected = max(0.0, min(100.0, projected))
            last_x, last_y = points[-1]
            series.append(
                Series(
                    "projection",
                    t("chart_projection", lang),
                    (float(last_x), 12.0),
                    (last_y, projected),
                    ACTUAL_COLOR,
                    "dot",
                    2,
                    False,
                )
            )

    if target is not None:
        lines.append(RefLine("target", target, False, TARGET_COLOR, "solid", 2))
        wants.append(
            LabelWant("target", f"{t('target', lang)} {format_value(target, unit)}", TARGET_COLOR, "hline", (0, target))
        )
    final_year = rule.target_year if rule.target_year is not None else data.year
    if final is not None and (target is None or not math.isclose(final, target)):
        # A target years away: drawn beside this year's, with its year, never instead of it.
        lines.append(RefLine("final_target", final, False, TARGET_COLOR, "dash", 1.5))
        named = paren(t("chart_final_target", lang), year_of(final_year, lang), lang)
        text = f"{named} {format_value(final, unit)}"
        wants.append(LabelWant("final_target", text, TARGET_COLOR, "hline", (0, final)))
    base = rule.base
    if base is not None and not (flow and not rule.cumulative_since_baseline and base == 0):
        lines.append(RefLine("baseline", base, False, BASELINE_COLOR, "dot", 1.5))
        notes = [t("chart_baseline_new", lang)] if rule.new_baseline else []
        if rule.baseline_month is not None:
            notes.append(month_label(rule.baseline_month, lang))
        text = f"{t('baseline', lang)} {format_value(base, unit)}"
        for note in notes:
            text = paren(text, note, lang)
        wants.append(LabelWant("baseline", text, BASELINE_COLOR, "hline", (0, base)))
    if projected is not None:
        label = f"{t('chart_projection_short', lang)} {format_value(projected, unit)}"
        wants.append(LabelWant("projection", label, ACTUAL_COLOR, "point", (12.0, projected)))
    as_of_x = float(known) if known else 0.5
    lines.append(RefLine("as_of", as_of_x, True, AS_OF_COLOR, "dashdot", 1.5))
    wants.append(LabelWant("as_of", as_of_text(as_of, lang), AS_OF_COLOR, "vline", (as_of_x, 0)))
    if target is None:
        wants.append(LabelWant("no_target", t("chart_no_target", lang), NOTE_COLOR, "corner", (0, 0)))

    code_status = opt(status.get("status")) if status else None
    graded = opt_float(status.get("ratio")) if status else None  # for a plan's 「前倒し達成」
    mark = None
    if code_status and points:
        style = STATUS_STYLES[Status(code_status)]
        last_x, last_y = points[-1]
        mark = StatusMark(
            float(last_x),
            last_y,
            status_text(code_status, lang, graded),
            style.marker,
            style.color if style.color != "#FFFFFF" else "#424242",
        )

    x_range = (-0.3 if starts_at_baseline else 0.5, 12.6)
    x_ticks = ([(0.0, t("chart_start", lang))] if starts_at_baseline else []) + [
        (float(i), month_tick(m, lang)) for i, m in enumerate(months, start=1)
    ]
    values = [v for s in series for v in s.ys] + [ln.value for ln in lines if not ln.vertical]
    floor = 0.0 if flow or (values and min(values) >= 0) else None
    y_range = _y_range(values, flow)
    labels, y_range = place_labels(wants, x_range, y_range, floor, _obstacles(series, lines, mark))
    integer = unit in COUNT_UNITS
    divisor, y_title = axis_scale(unit, max(abs(y_range[0]), abs(y_range[1])))
    # Ticks are round numbers in the unit the axis reads in (円 or 万円).
    ticks = nice_ticks(y_range[0] / divisor, y_range[1] / divisor, integer or divisor != 1)
    y_ticks = tuple((v * divisor, tick_text(v * divisor, divisor, integer)) for v in ticks)

    project = data.projects.loc[data.projects["project_no"] == ind["project_no"]].iloc[0]
    # Codes as printed: a three-level plan's title names the 重点施策 (①), a two-level plan's
    # the 取組 itself (「2-6-1」: its top level is in the subtitle's project code already).
    if data.two_levels:
        head = str(project["project_code"])
    else:
        head = str(data.measures.loc[data.measures["measure_no"] == project["measure_no"], "symbol"].iloc[0])
    title = f"{head} {ind['name']}"
    parts = [
        f"{plan_year_label(data, lang)} {as_of_text(as_of, lang)}",
        data.project_labels[int(project["project_no"])],
    ]
    if code_status:
        parts.append(status_text(code_status, lang, graded))
    ratio = opt_float(status.get("ratio")) if status else None
    if ratio is not None:
        parts.append(f"{t('ratio', lang)} {fmt.percent(ratio)}")
    return IndicatorChartData(
        code=code,
        title_lines=wrap(title, TITLE_EM),
        subtitle_lines=wrap_parts(parts, SUBTITLE_EM),
        unit=unit,
        x_range=x_range,
        x_ticks=tuple(x_ticks),
        y_range=y_range,
        y_ticks=y_ticks,
        y_title=y_title,
        series=tuple(series),
        lines=tuple(lines),
        status=mark,
        labels=labels,
    )


def _y_range(values: Sequence[float], flow: bool) -> tuple[float, float]:
    if not values:
        return (0.0, 1.0)
    low, high = min(values), max(values)
    pad = (high - low) * 0.12 or max(1.0, abs(high) * 0.1)
    # Values that are never negative keep a zero floor rather than an axis below zero.
    floor = 0.0 if (flow or low >= 0) and low - pad < 0 else low - pad
    return (floor, high + pad)
