"""Hypothesis strategies: valid plans of any shape and valid sets of actuals for them.

A generated plan is a fictional municipality (「テスト市」), never the real one: it exercises
every direction × accumulation, with and without baseline (a number or 「新規」), target,
target factor, monthly plan and thresholds, targets that span years (baseline month, final
target year, yearly targets, 累計 flows), every reporting frequency, projects without
indicators, 0–3 ● milestones, and actual sets from none at all to every month with extreme
valid values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import strategies as st

from kpi.domain.fiscal import Month, fiscal_months

FISCAL_YEAR = 2026
UNITS = ("%", "件", "時間", "円", "人")
# Upper bounds used for generated values when the plan gives none: within every default range.
UPPER = {"%": 100.0, "件": 1_000_000.0, "時間": 100_000.0, "円": 1_000_000_000.0, "人": 1_000_000.0}
# CI runs a fixed, small number of examples; KPI_HYPOTHESIS_EXAMPLES=200 runs more locally.
EXAMPLES = int(os.environ.get("KPI_HYPOTHESIS_EXAMPLES", "12"))

_NAME_CHARS = "市民課税務窓口電子申請手続推進業務改善子育福祉防災情報化"


def names(min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.text(alphabet=_NAME_CHARS, min_size=min_size, max_size=max_size)


@st.composite
def values(draw: st.DrawFn, unit: str, high: float) -> float:
    """A valid actual: 0, the upper bound, a long decimal, or anything in between."""
    return draw(
        st.one_of(
            st.sampled_from([0.0, high, round(high / 3, 10), 12.3456789012]).map(lambda v: min(v, high)),
            st.floats(min_value=0.0, max_value=high, allow_nan=False, allow_infinity=False),
        )
    )


@st.composite
def indicator(draw: st.DrawFn, code: str, project: int) -> dict[str, Any]:
    unit = draw(st.sampled_from(UNITS))
    custom_high = draw(st.sampled_from([None, 50.0, 5000.0])) if unit != "%" else None
    high = custom_high if custom_high is not None else UPPER[unit]
    direction = draw(st.sampled_from(["increase", "decrease", "at_most"]))
    accumulation = draw(st.sampled_from(["level", "flow"]))
    number = st.floats(min_value=0.0, max_value=high, allow_nan=False, allow_infinity=False)
    kind = "number" if direction == "at_most" else draw(st.sampled_from(["number", "factor", "none"]))
    ind: dict[str, Any] = {
        "id": code,
        "project": project,
        "name": draw(names()),
        "unit": unit,
        "direction": direction,
        "accumulation": accumulation,
    }
    if custom_high is not None:
        ind["max_value"] = custom_high
    if draw(st.booleans()):
        ind["baseline"] = draw(st.one_of(number, st.just("新規")))
    if draw(st.booleans()):  # targets that span years, reporting frequency (issue 9)
        final_year = draw(st.integers(FISCAL_YEAR, FISCAL_YEAR + 2))
        ind["target_year"] = final_year
        ind["baseline_month"] = str(Month(draw(st.integers(FISCAL_YEAR - 4, FISCAL_YEAR)), draw(st.integers(1, 12))))
        if direction != "at_most" and draw(st.booleans()):
            # A yearly target never ends before the baseline was measured (the plan file refuses it).
            measured = Month.parse(ind["baseline_month"])
            years = [y for y in range(FISCAL_YEAR - 1, final_year + 1) if Month(y + 1, 3) >= measured]
            ind["yearly_targets"] = {y: draw(number) for y in years if draw(st.booleans())}
        if accumulation == "flow" and direction != "at_most" and draw(st.booleans()):
            ind["flow_scope"] = "since_baseline"
        frequency = draw(st.sampled_from(["monthly", "quarterly", "half_yearly", "yearly"]))
        ind["frequency"] = frequency
        if frequency != "monthly" and draw(st.booleans()):
            ind["due_month"] = draw(st.integers(1, 12))
    if kind == "number":
        ind["target"] = draw(number)
    elif kind == "factor":
        ind["target_factor"] = draw(st.sampled_from([0.8, 1.1, 2.0]))
        ind["target_note"] = "基準値から"
    if kind != "none" and draw(st.booleans()):
        ind["monthly_plan"] = {str(m): draw(number) for m in fiscal_months(FISCAL_YEAR)}
    if draw(st.booleans()):
        on_track = draw(st.sampled_from([0.5, 0.9, 1.0]))
        ind["thresholds"] = {"on_track": on_track, "caution": draw(st.sampled_from([0.1, on_track]))}
    return ind


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """A raw plan file (format 1) as a dict: 1–3 基本方針, 1–12 重点施策, 1–40 実施事業."""
    n_policies = draw(st.integers(1, 3))
    n_measures = draw(st.integers(1, 12))
    n_projects = draw(st.integers(1, 40))
    policies = [{"no": n, "name": draw(names())} for n in range(1, n_policies + 1)]
    measures = [
        {"no": n, "symbol": "①②③④⑤⑥⑦⑧⑨⑩⑪⑫"[n - 1], "name": draw(names()), "policy": draw(st.integers(1, n_policies))}
        for n in range(1, n_measures + 1)
    ]
    months = [str(Month(FISCAL_YEAR, 4).add(i)) for i in range(15)]
    projects, indicators = [], []
    milestone_no = 0
    for n in range(1, n_projects + 1):
        schedule = []
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(0, 11))
            end = draw(st.integers(start, 14))
            row: dict[str, Any] = {
                "item": draw(names(0)),
                "bars": [{"start": months[start], "end": months[end], "text": draw(names(0, 6))}],
            }
            milestones = []
            for _ in range(draw(st.integers(0, 2))):
                milestone_no += 1
                milestones.append({"id": f"m{milestone_no}", "month": draw(st.sampled_from(months))})
            if milestones:
                row["milestones"] = milestones
            schedule.append(row)
        projects.append(
            {
                "no": n,
                "name": draw(names()),
                "measure": draw(st.integers(1, n_measures)),
                "lead_department": draw(st.sampled_from(["市民課", "税務課", "情報政策課"])),
                "url": draw(st.sampled_from([None, "https://example.jp/dx"])),
                "summary": draw(names(0, 30)),
                "schedule": schedule,
            }
        )
        for k in range(draw(st.integers(0, 4))):
            indicators.append(draw(indicator(f"p{n}-k{k}", n)))
    return {
        "format_version": 1,
        "municipality": "テスト市",
        "plan_name": "テスト市DX計画（生成テスト用）",
        "fiscal_year": FISCAL_YEAR,
        "label": "令和8年度",
        "policies": policies,
        "measures": measures,
        "projects": projects,
        "indicators": indicators,
    }


@dataclass(frozen=True)
class Case:
    plan: dict[str, Any]
    actuals: list[tuple[str, str, float]]  # (indicator id, month, value)
    today: date  # the product's "now": sets the as-of month (latest ended month)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    plan = draw(plans())
    year = [str(m) for m in fiscal_months(FISCAL_YEAR)]
    actuals: list[tuple[str, str, float]] = []
    shape = draw(st.sampled_from(["none", "april", "march", "gaps", "every"]))
    for ind in plan["indicators"]:
        if shape == "none" or draw(st.integers(0, 4)) == 0:
            continue  # some indicators are never reported
        chosen = {
            "april": year[:1],
            "march": year[-1:],
            "gaps": [m for m in year if draw(st.booleans())],
            "every": year,
        }[shape]
        high = ind.get("max_value", UPPER[ind["unit"]])
        if ind["accumulation"] == "flow":
            high = high / 12  # the year's sum stays within the indicator's range
        for month in chosen:
            actuals.append((ind["id"], month, draw(values(ind["unit"], high))))
    # From before the fiscal year (as-of March of the year before) to after it ended.
    today = draw(
        st.sampled_from(
            [date(FISCAL_YEAR, 4, 10), date(FISCAL_YEAR, 5, 10), date(FISCAL_YEAR, 11, 24), date(FISCAL_YEAR + 1, 6, 1)]
        )
    )
    return Case(plan, actuals, today)
