""" "Missing report": the one definition (kpi.domain.inquiry.missing_reports) that 全体概要
(kpi.services.overview), the inquiry's owed items and the reminders share."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from sqlalchemy import Engine

from kpi.domain.fiscal import Month
from kpi.domain.inquiry import missing_reports, owed_items
from kpi.domain.plan import PlanData
from kpi.domain.statuses import indicator_statuses
from kpi.services.overview import missing_rows
from kpi.store.db import transaction
from kpi.store.reads import plan_data
from kpi.text.labels import owed_text

CODE = "04-mynumber-card-rate"  # monthly, project 4 (市民課)


@pytest.fixture
def plan(plan_engine: Engine) -> PlanData:
    """The real R8 plan without any actual."""
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    return data


def _with_actuals(data: PlanData, reported: dict[str, list[str]]) -> PlanData:
    rows = [
        {"code": code, "month": m, "value": 1.0, "note": None, "author": "t", "created_at": None, "revision": 1,
         "is_sample": False}
        for code, months in reported.items()
        for m in months
    ]  # fmt: skip
    return replace(data, actuals=pd.DataFrame(rows, columns=list(data.actuals.columns)))


def _months(data: PlanData, as_of: Month, code: str = CODE) -> list[str]:
    return [str(m) for r in missing_reports(data, as_of) if r.code == code for m in r.months]


def test_a_monthly_indicator_owes_every_ended_month_without_an_actual(plan: PlanData) -> None:
    assert _months(plan, Month(2026, 6)) == ["2026-04", "2026-05", "2026-06"]
    data = _with_actuals(plan, {CODE: ["2026-04", "2026-05", "2026-06"]})
    assert _months(data, Month(2026, 6)) == []
    assert _months(data, Month(2026, 8)) == ["2026-07", "2026-08"]
    # After the year: as of March (the year's last month), not later months.
    assert _months(data, Month(2027, 6))[-1] == "2027-03"
    gap = next(r for r in missing_reports(data, Month(2026, 8)) if r.code == CODE)
    assert (gap.project_no, gap.name) == (4, "マイナンバーカード保有率")


def test_a_gap_before_a_later_report_is_missing_though_the_old_overview_rule_missed_it(plan: PlanData) -> None:
    """The case where the two old definitions disagreed: May skipped, June reported."""
    data = _with_actuals(plan, {CODE: ["2026-04", "2026-06"]})
    as_of = Month(2026, 6)
    assert _months(data, as_of) == ["2026-05"]
    statuses = indicator_statuses(data, as_of)
    shown = missing_rows(data, as_of, statuses)
    assert [(r.label.split()[-1], r.months) for r in shown if r.project_no == 4] == [("マイナンバーカード保有率", 1)]
    # The old 全体概要 rule (months unreported after the latest report, or no data) did not list it.
    ind = statuses[statuses["kind"] == "indicator"]
    old = ind[(ind["unreported_months"] > 0) | (ind["status"] == "no_data")]
    assert CODE not in set(old["id"])
    # The inquiry (and the reminders built on it) owe the same month.
    owed = [i for i in owed_items(data, as_of, {}, inquiry_open=False) if i.kind == "actual" and i.project_no == 4]
    assert [owed_text(i) for i in owed] == ["マイナンバーカード保有率: 2026年5月の実績"]


def test_a_quarterly_indicator_owes_only_due_months_after_its_latest_report(plan: PlanData) -> None:
    indicators = plan.indicators.copy()
    indicators.loc[indicators["code"] == CODE, "frequency"] = "quarterly"  # due 6, 9, 12, 3
    data = replace(plan, indicators=indicators)
    assert _months(data, Month(2026, 5)) == []  # nothing due yet
    assert _months(data, Month(2026, 9)) == ["2026-06", "2026-09"]
    # A June figure entered late, in August: June is answered, September is still owed.
    late = _with_actuals(data, {CODE: ["2026-08"]})
    assert _months(late, Month(2026, 9)) == ["2026-09"]


def test_overview_rows_follow_the_plan_order_with_department_and_last_month(plan: PlanData) -> None:
    data = _with_actuals(plan, {CODE: ["2026-04"]})
    as_of = Month(2026, 5)
    statuses = indicator_statuses(data, as_of)
    rows = missing_rows(data, as_of, statuses)
    codes = [
        c
        for c in statuses.loc[statuses["kind"] == "indicator", "id"]
        if c in {m.code for m in missing_reports(data, as_of)}
    ]
    assert len(rows) == len(codes) == len(missing_reports(data, as_of))
    mine = next(r for r in rows if r.project_no == 4)
    assert (mine.department, mine.last_month, mine.months) == ("市民課", "2026-04", 1)
    assert mine.label.startswith(str(statuses.set_index("id").loc[CODE, "measure"]))
