"""Statuses of a whole fiscal year as of a month, as DataFrames.

Pure over ``PlanData`` (already read from the store): the status rules of
``kpi.domain.status`` applied to every indicator, milestone and self-assessment, then rolled up to
実施事業, 重点施策 and 基本方針. Pages, the CLI and reports all call these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi.domain.fiscal import Month
from kpi.domain.frames import from_records, opt, opt_float, records
from kpi.domain.group_rollup import RollupPolicy, group_status
from kpi.domain.plan import PlanData
from kpi.domain.status import (
    Accumulation,
    Direction,
    FlowScope,
    Frequency,
    IndicatorRule,
    IndicatorYear,
    Status,
    Thresholds,
    evaluate_milestone,
    rollup,
    worst,
)

STATUS_CODES = tuple(s.value for s in Status)

INDICATOR_COLUMNS = [
    "kind",
    "id",
    "project",
    "measure",
    "name",
    "unit",
    "baseline",
    "target",
    "expected",
    "actual",
    "ratio",
    "status",
    "unreported_months",
]
# What the pages read besides the CLI's columns; an empty plan still has every column.
STATUS_ROW_COLUMNS = [
    *INDICATOR_COLUMNS,
    "month",
    "project_name",
    "measure_no",
    "policy_no",
    "direction",
    "accumulation",
    "is_sample",
    "final_target",
    "target_year",
    "baseline_new",
    "frequency",
]


def rule_of(row: Any) -> IndicatorRule:
    """The status rule of one indicator row of ``PlanData.indicators``."""
    plan = row["monthly_plan"]
    monthly = {Month.parse(k).fiscal_index: float(v) for k, v in plan.items()} if plan else None
    yearly = opt(row.get("yearly_targets"))
    baseline_month = opt(row.get("baseline_month"))
    target_year = opt(row.get("target_year"))
    due_month = opt(row.get("due_month"))
    return IndicatorRule(
        direction=Direction(row["direction"]),
        accumulation=Accumulation(row["accumulation"]),
        baseline=opt_float(row["baseline"]),
        target=opt_float(row["target"]),
        target_factor=opt_float(row["target_factor"]),
        monthly_plan=monthly,
        thresholds=Thresholds(on_track=float(row["on_track_threshold"]), caution=float(row["caution_threshold"])),
        # Frames written before these columns existed read as today's one-year monthly rule.
        new_baseline=bool(opt(row.get("baseline_is_new")) or False),
        baseline_month=Month.parse(baseline_month) if baseline_month else None,
        target_year=int(target_year) if target_year is not None else None,
        yearly_targets={int(y): float(v) for y, v in yearly.items()} if isinstance(yearly, dict) and yearly else None,
        flow_scope=FlowScope(opt(row.get("flow_scope")) or FlowScope.FISCAL_YEAR.value),
        frequency=Frequency(opt(row.get("frequency")) or Frequency.MONTHLY.value),
        due_month=int(due_month) if due_month is not None else None,
        start_total=opt_float(row.get("start_total")),
        start_total_month=Month.parse(str(row["start_total_month"])) if opt(row.get("start_total_month")) else None,
    )


def actuals_by_code(data: PlanData) -> dict[str, dict[Month, float]]:
    """Current values per indicator and month: this year's, and earlier years' of 累計 indicators."""
    return values_by_code(data.earlier_actuals, data.actuals)


def values_by_code(*frames: pd.DataFrame) -> dict[str, dict[Month, float]]:
    """code → month → value of frames of current actuals (columns code, month, value)."""
    out: dict[str, dict[Month, float]] = {}
    # Hundreds of thousands of rows name a few dozen months: each month text is parsed once.
    parsed: dict[str, Month] = {}
    for frame in frames:
        for code, text, value in zip(
            frame["code"].tolist(), frame["month"].tolist(), frame["value"].tolist(), strict=True
        ):
            month = parsed.get(text)
            if month is None:
                month = parsed[text] = Month.parse(text)
            out.setdefault(code, {})[month] = float(value)
    return out


@dataclass(frozen=True)
class PreparedYear:
    """A plan year's indicators prepared once (each one's rule, values and ``IndicatorYear``):
    this month's statuses and the month-by-month history of the same ``PlanData`` (or of a
    part of it, ``PlanData.only_projects``) both ask it, instead of each parsing the actuals
    and building the rules again. Read only once made; share it per data version."""

    years: dict[str, IndicatorYear]  # indicator code → its year


def prepare_year(data: PlanData) -> PreparedYear:
    values = actuals_by_code(data)  # parsed once for every indicator and month
    return PreparedYear(
        {
            str(ind["code"]): IndicatorYear(rule_of(ind), values.get(ind["code"], {}), data.year)
            for ind in records(data.indicators)
        }
    )


def _years(data: PlanData, prepared: PreparedYear | None) -> list[IndicatorYear]:
    """Each indicator's prepared year (``prepared``'s, else made now), in ``data.indicators``' order."""
    prepared = prepare_year(data) if prepared is None else prepared
    return [prepared.years[str(code)] for code in data.indicators["code"].tolist()]


def indicator_statuses(data: PlanData, as_of: Month, prepared: PreparedYear | None = None) -> pd.DataFrame:
    """One row per indicator and per ● milestone, with the CLI's columns and more for the UI.

    Extra columns: project_name, measure_no, policy_no, month (m*), status_label-free codes
    only; the UI adds labels from kpi.text.labels. ``prepared``: the year's ``prepare_year(data)``
    (or of a larger ``PlanData`` this is part of), when the caller shares one.
    """
    projects = {int(p["project_no"]): p for p in records(data.projects)}
    measures = {int(m["measure_no"]): m for m in records(data.measures)}
    sample_codes = set(data.actuals.loc[data.actuals["is_sample"].astype(bool), "code"])
    rows: list[dict[str, Any]] = []
    i = data.indicators  # the columns read, as lists: a dict per row of 3,000 costs more than the rules
    for code, no, name, unit, year in zip(
        i["code"].tolist(),
        i["project_no"].tolist(),
        i["name"].tolist(),
        i["unit"].tolist(),
        _years(data, prepared),
        strict=True,
    ):
        rule = year.rule
        ev = year.at(as_of)
        proj = projects[int(no)]
        rows.append(
            {
                "kind": "indicator",
                "id": code,
                "project": int(no),
                "measure": measures[int(proj["measure_no"])]["symbol"],
                "name": name,
                "unit": unit,
                "baseline": rule.base,
                "target": ev.target,
                "expected": _round(ev.expected),
                "actual": _round(ev.actual),
                "ratio": _round(ev.ratio),
                "status": ev.status.value,
                "unreported_months": ev.unreported_months,
                "month": str(ev.month) if ev.month else None,
                "project_name": proj["project_name"],
                "measure_no": int(proj["measure_no"]),
                "policy_no": int(measures[int(proj["measure_no"])]["policy_no"]),
                "direction": rule.direction.value,
                "accumulation": rule.accumulation.value,
                "is_sample": code in sample_codes,
                "final_target": ev.final_target,
                "target_year": ev.target_year,
                "baseline_new": rule.new_baseline,
                "frequency": rule.frequency.value,
            }
        )
    for ms in records(data.milestones):
        month = Month.parse(ms["month"])
        done = opt(ms["completed_on"])
        completed = Month(done.year, done.month) if done is not None else None
        status = evaluate_milestone(month, completed, as_of)
        proj = projects[int(ms["project_no"])]
        name = ms["item"] or "（項目名なし）"
        if ms["text"]:
            name = f"{name}（{ms['text']}）"
        rows.append(
            {
                "kind": "milestone",
                "id": ms["code"],
                "project": int(ms["project_no"]),
                "measure": measures[int(proj["measure_no"])]["symbol"],
                "name": name,
                "unit": "",
                "baseline": None,
                "target": str(month),
                "expected": None,
                "actual": done.isoformat() if completed else None,
                "ratio": None,
                "status": status.value,
                "unreported_months": 0,
                "month": str(month),
                "project_name": proj["project_name"],
                "measure_no": int(proj["measure_no"]),
                "policy_no": int(measures[int(proj["measure_no"])]["policy_no"]),
                "direction": "",
                "accumulation": "",
                "is_sample": False,
                "final_target": None,
                "target_year": None,
                "baseline_new": False,
                "frequency": "",
            }
        )
    return from_records(rows, STATUS_ROW_COLUMNS)


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def assessment_statuses(data: PlanData, as_of: Month) -> pd.DataFrame:
    """Each project's self-assessment counted in its roll-up: the latest up to ``as_of``.

    A project without an indicator must report one; without it the project is 未入力.
    """
    with_indicators = set(data.indicators["project_no"])
    a = data.assessments
    a = a[a["month"] <= str(as_of)]
    latest = a.sort_values("month").groupby("project_no").tail(1).set_index("project_no")
    rows = []
    for no in data.projects["project_no"]:
        if no in latest.index:
            r = latest.loc[no]
            months = Month.parse(r["month"])
            rows.append(
                {
                    "project": int(no),
                    "status": r["status"],
                    "month": r["month"],
                    "comment": r["comment"],
                    "author": r["author"],
                    "unreported_months": max(0, min(as_of, Month(data.year + 1, 3)) - months),
                }
            )
        elif no not in with_indicators:
            rows.append(
                {
                    "project": int(no),
                    "status": Status.NO_DATA.value,
                    "month": None,
                    "comment": "",
                    "author": None,
                    "unreported_months": 0,
                }
            )
    return from_records(rows, ["project", "status", "month", "comment", "author", "unreported_months"])


def _assessments_by_month(data: PlanData) -> Callable[[Month], dict[int, Status]]:
    """The status column of ``assessment_statuses(data, month)`` for any month, from one pass
    over the self-assessments (status_history asks it once per month)."""
    with_indicators = set(data.indicators["project_no"])
    by_project: dict[int, list[tuple[str, str]]] = {}
    a = data.assessments
    for no, month, status in zip(a["project_no"], a["month"], a["status"], strict=True):
        by_project.setdefault(int(no), []).append((str(month), str(status)))
    for rows in by_project.values():
        rows.sort(key=lambda r: r[0])
    order = [int(no) for no in data.projects["project_no"]]

    def at(as_of: Month) -> dict[int, Status]:
        key = str(as_of)
        out: dict[int, Status] = {}
        for no in order:
            rows = by_project.get(no, [])
            latest = next((status for month, status in reversed(rows) if month <= key), None)
            if latest is not None:
                out[no] = Status(latest)
            elif no not in with_indicators:
                out[no] = Status.NO_DATA
        return out

    return at


def _counts(statuses: list[str]) -> dict[str, int]:
    r = rollup(Status(s) for s in statuses)
    return {code: int(r.counts.get(Status(code), 0)) for code in STATUS_CODES}


def project_statuses(data: PlanData, as_of: Month, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """実施事業: the worst of its indicators, milestones and self-assessment; counts per status."""
    ind = indicator_statuses(data, as_of) if indicators is None else indicators
    assess = assessment_statuses(data, as_of)
    rows = []
    measures = {int(m["measure_no"]): m for m in records(data.measures)}
    # One pass over each frame (grouping per project by filtering would be quadratic).
    by_project: dict[int, list[str]] = {}
    for no, status in zip(ind["project"], ind["status"], strict=True):
        by_project.setdefault(int(no), []).append(status)
    assessed: dict[int, str] = {}
    for no, status in zip(assess["project"], assess["status"], strict=True):
        by_project.setdefault(int(no), []).append(status)
        assessed.setdefault(int(no), status)
    for p in records(data.projects):
        no = int(p["project_no"])
        statuses = by_project.get(no, [])
        measure = measures[int(p["measure_no"])]
        r = rollup(Status(s) for s in statuses)
        rows.append(
            {
                "kind": "project",
                "id": no,
                "name": p["project_name"],
                "measure": measure["symbol"],
                "measure_no": int(p["measure_no"]),
                "policy_no": int(measure["policy_no"]),
                "code": p["project_code"],
                "lead_department": p["lead_department"],
                "status": r.worst.value if r.worst else None,
                "assessment": assessed.get(no),
                **{f"n_{k}": v for k, v in _counts(statuses).items()},
            }
        )
    return from_records(rows)


def _group_rollup(projects: pd.DataFrame, key: str, value: int, policy: RollupPolicy) -> dict[str, Any]:
    """The status (by the plan's roll-up rule) and counts of the projects whose ``key`` column
    equals ``value``."""
    own = [s for s in projects.loc[projects[key] == value, "status"] if s]
    status = group_status((Status(s) for s in own), policy)
    return {"status": status.value if status else None, **{f"n_{k}": v for k, v in _counts(own).items()}}


def measure_statuses(data: PlanData, as_of: Month, projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """重点施策: the plan's roll-up of its projects (``data.rollup``) and the count per status."""
    proj = project_statuses(data, as_of) if projects is None else projects
    return from_records(
        [
            {
                "kind": "measure",
                "id": int(m["measure_no"]),
                "symbol": m["symbol"],
                "name": m["measure_name"],
                "policy_no": int(m["policy_no"]),
                "hidden": bool(m["hidden"]),  # the mirror of a top-level entry in a two-level plan
                **_group_rollup(proj, "measure_no", m["measure_no"], data.rollup),
            }
            for m in records(data.measures)
        ]
    )


def policy_statuses(data: PlanData, as_of: Month, projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """基本方針: the plan's roll-up of its projects (``data.rollup``) and the count per status."""
    proj = project_statuses(data, as_of) if projects is None else projects
    return from_records(
        [
            {
                "kind": "policy",
                "id": int(p["policy_no"]),
                "name": p["policy_name"],
                "code": p["policy_code"],
                **_group_rollup(proj, "policy_no", p["policy_no"], data.rollup),
            }
            for p in records(data.policies)
        ]
    )


def status_table(data: PlanData, as_of: Month, level: str = "indicator") -> pd.DataFrame:
    """The table of ``python -m kpi status`` for one level."""
    if level == "indicator":
        return indicator_statuses(data, as_of)[INDICATOR_COLUMNS]
    projects = project_statuses(data, as_of)
    if level == "project":
        return projects
    if level == "measure":
        return measure_statuses(data, as_of, projects)
    if level == "policy":
        return policy_statuses(data, as_of, projects)
    raise ValueError(f"level は indicator|project|measure|policy のいずれかです: {level}")


__all__ = [
    "INDICATOR_COLUMNS",
    "indicator_statuses",
    "measure_statuses",
    "policy_statuses",
    "project_statuses",
    "status_table",
]


HISTORY_KEYS = ("id", "name", "measure_no", "code")  # status_history's columns that are not months


def status_history(
    data: PlanData, as_of: Month, first: Month | None = None, prepared: PreparedYear | None = None
) -> pd.DataFrame:
    """Each project's status at the end of every month from April (or ``first``, if later)
    to ``as_of``.

    One row per project (id, name, measure_no, code), one column per month ("2026-04" …). A month
    before April gives no month columns. Statuses are recomputed as of each month, using
    only what had been entered for months up to then. ``first=as_of`` gives one month: every
    project's status as of it, without the frames of indicator_statuses.
    """
    first = max(Month(data.year, 4), first) if first is not None else Month(data.year, 4)
    last = min(as_of, Month(data.year + 1, 3))
    months = [first.add(i) for i in range(max(0, last - first + 1))]
    base = data.projects[["project_no", "project_name", "measure_no", "project_code"]].rename(
        columns={"project_no": "id", "project_name": "name", "project_code": "code"}
    )
    columns: dict[str, list[Any]] = {}
    # Each indicator's year (``prepared``, else made now) and each ● month prepared once; a
    # month then only looks up its as-of month in them and rolls up as project_statuses does
    # (the worst of indicators, milestones and the self-assessment), without building its frames.
    years = list(zip((int(no) for no in data.indicators["project_no"].tolist()), _years(data, prepared), strict=True))
    marks = []
    for no, month_text, done_on in zip(
        data.milestones["project_no"], data.milestones["month"], data.milestones["completed_on"], strict=True
    ):
        done = opt(done_on)
        marks.append((int(no), Month.parse(month_text), Month(done.year, done.month) if done is not None else None))
    assessed_at = _assessments_by_month(data)
    for month in months:
        by_project: dict[int, list[Status]] = {}
        for no, year in years:
            by_project.setdefault(no, []).append(year.status_at(month))
        for no, due, completed in marks:
            by_project.setdefault(no, []).append(evaluate_milestone(due, completed, month))
        for no, status in assessed_at(month).items():
            by_project.setdefault(no, []).append(status)
        columns[str(month)] = [_worst_code(by_project.get(int(no), [])) for no in base["id"]]
    return from_records(
        [{**row, **{m: columns[m][i] for m in columns}} for i, row in enumerate(base.to_dict("records"))],
        [*base.columns, *columns],
    )


def _worst_code(statuses: list[Status]) -> str | None:
    found = worst(statuses)
    return found.value if found else None


def status_changes(history: pd.DataFrame, project: int) -> list[tuple[str, str | None, str | None]]:
    """(month, before, after) for each month in which a project's status changed."""
    row = history.loc[history["id"] == project]
    if row.empty:
        return []
    months = [c for c in history.columns if c not in HISTORY_KEYS]
    values = [opt(row.iloc[0][m]) for m in months]
    return [(months[i], values[i - 1], values[i]) for i in range(1, len(months)) if values[i] != values[i - 1]]
