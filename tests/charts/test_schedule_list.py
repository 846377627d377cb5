"""The 工程表 as a list for phones (kpi.charts.schedule_list): the same items, periods and ● as the chart."""

from __future__ import annotations

from kpi.charts.schedule_list import month_short, schedule_list
from kpi.domain.fiscal import Month
from kpi.domain.statuses import indicator_statuses
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.reads import plan_data
from tests.conftest import ADMIN


def test_month_labels_are_short_inside_the_year_and_name_the_next_year_after_it() -> None:
    assert month_short("2026-10", 2026, "ja") == "10月"
    assert month_short("2027-03", 2026, "ja") == "3月"
    assert month_short("2027-04", 2026, "ja") == "R9 4月"
    assert month_short("2027-04", 2026, "en") == "2027-04"


def test_list_has_every_item_with_its_periods_and_milestones_in_status(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    as_of = Month(2026, 10)
    projects = schedule_list(data, indicator_statuses(data, as_of), [1, 3])
    assert [p.no for p in projects] == [1, 3]
    first = projects[0]
    assert first.symbol == "①" and first.name == "行政手続のオンライン化の推進"
    assert len(first.lines) == len(data.schedule[data.schedule["project_no"] == 1])
    assert ("2026-04", "2027-03", "適宜啓発・導入支援") in [p for line in first.lines for p in line.periods]
    marks = {m.month: m.status for line in projects[1].lines for m in line.marks}
    # 03's 電子申請システムの運用開始 was due in 2026-06 and is not complete: 遅延.
    assert marks["2026-06"] == "delayed"
    every_mark = [m for p in projects for line in p.lines for m in line.marks]
    assert len(every_mark) == len(data.milestones[data.milestones["project_no"].isin([1, 3])])
