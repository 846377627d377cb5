"""The one-pass status history gives exactly what evaluating each month on its own gives.

``status_history`` prepares each indicator's year once (``kpi.domain.status.IndicatorYear``) and
evaluates every month from it. These tests compare it, month by month, with
``project_statuses`` computed separately for each month (the pages' own roll-up), on the
sample data, on generated plans (Hypothesis), on plans that span years with an earlier
year's 累計 reports, and on a plan without any actual, with one actual and with gaps; and
they compare ``IndicatorYear`` with the status rule as it was written before it
(tests/status_reference.py) for any rule, any actuals and any order of as-of months.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from kpi.bench import data as bench_data
from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.domain.status import IndicatorYear, evaluate_indicator
from kpi.domain.statuses import HISTORY_KEYS, project_statuses, status_history
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store.bootstrap import import_plan
from kpi.store.db import make_engine, transaction
from kpi.store.reads import plan_data
from tests import status_reference
from tests.conftest import ADMIN, ROOT, TODAY, import_with_year_before
from tests.generated import EXAMPLES, FISCAL_YEAR, Case, cases

from .test_status_multiyear import _numbers, _rules

FY = 2026
MULTIYEAR_PLAN = ROOT / "tests" / "data" / "plan_multiyear_fictional.yaml"
# From before the fiscal year (no month columns) to after it ended (read as March).
AS_OFS = (Month(2026, 3), Month(2026, 4), Month(2026, 10), Month(2027, 3), Month(2027, 6))


def _data(engine: Engine, year: int = FY) -> PlanData:
    with transaction(engine) as s:
        data = plan_data(s, year)
    assert data is not None
    return data


def _each_month_separately(data: PlanData, as_of: Month) -> pd.DataFrame:
    """The history as it would read if every month were evaluated on its own."""
    first, last = Month(data.year, 4), min(as_of, Month(data.year + 1, 3))
    out = data.projects[["project_no"]].rename(columns={"project_no": "id"}).reset_index(drop=True)
    for i in range(max(0, last - first + 1)):
        month = first.add(i)
        statuses = project_statuses(data, month).set_index("id")["status"]
        out[str(month)] = [statuses.get(int(no)) for no in out["id"]]
    return out


def _assert_same_history(data: PlanData, as_of: Month) -> None:
    history = status_history(data, as_of)
    expected = _each_month_separately(data, as_of)
    months = [c for c in history.columns if c not in HISTORY_KEYS]
    assert months == [c for c in expected.columns if c != "id"]
    assert list(history["id"]) == list(expected["id"])
    for month in months:
        got = [None if pd.isna(v) else v for v in history[month]]
        want = [None if pd.isna(v) else v for v in expected[month]]
        assert got == want, month


def _record(engine: Engine, rows: list[tuple[str, str, float]]) -> None:
    with transaction(engine) as s:
        record_actuals(s, [ActualInput(c, m, v) for c, m, v in rows], ADMIN, date(FY + 2, 1, 1), source="test")


@pytest.mark.parametrize("as_of", AS_OFS)
def test_history_of_the_sample_data_equals_each_month_evaluated_separately(demo_engine: Engine, as_of: Month) -> None:
    _assert_same_history(_data(demo_engine), as_of)


def test_history_without_any_actual_with_one_and_with_gaps(plan_engine: Engine) -> None:
    for as_of in AS_OFS:
        _assert_same_history(_data(plan_engine), as_of)  # an empty year: every indicator 未入力
    codes = list(_data(plan_engine).indicators["code"])
    _record(plan_engine, [(codes[0], "2026-07", 12.0)])
    for as_of in AS_OFS:
        _assert_same_history(_data(plan_engine), as_of)
    gaps = [(code, f"2026-{m:02d}", float(10 * i + m)) for i, code in enumerate(codes) for m in (4, 6, 9) if i % 3]
    gaps += [(code, "2027-02", 5.0) for code in codes[::4]]
    _record(plan_engine, gaps)
    for as_of in AS_OFS:
        _assert_same_history(_data(plan_engine), as_of)


@pytest.fixture(scope="module")
def multiyear_engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The fictional plan of targets spanning years, with the year before and its 累計 reports."""
    tmp = tmp_path_factory.mktemp("history-multiyear")
    engine = make_engine(f"sqlite:///{tmp / 'kpi.db'}")
    raw = import_with_year_before(engine, MULTIYEAR_PLAN, tmp)
    codes = [i["id"] for i in raw["indicators"]]
    rows = [(code, "2025-06", 40.0 + k) for k, code in enumerate(codes)]
    rows += [(code, f"2026-{m:02d}", 50.0 + 2 * k + m) for k, code in enumerate(codes) for m in (4, 5, 7, 10) if k % 2]
    rows += [(code, "2026-09", 45.0 + k) for k, code in enumerate(codes) if not k % 2]
    with transaction(engine) as s:
        record_actuals(s, [ActualInput(c, m, v) for c, m, v in rows], ADMIN, TODAY)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("as_of", AS_OFS)
def test_history_of_a_plan_spanning_years_equals_each_month_evaluated_separately(
    multiyear_engine: Engine, as_of: Month
) -> None:
    data = _data(multiyear_engine)
    assert not data.earlier_actuals.empty  # the 累計 indicator adds up the year before
    _assert_same_history(data, as_of)


def test_history_of_the_generated_benchmark_plan_over_two_years(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bench.db'}")
    from kpi.store.db import upgrade

    upgrade(engine)
    for year in (FY - 1, FY):
        raw = bench_data.generated_plan_raw(year)
        raw["measures"] = raw["measures"][:1]
        raw["projects"] = [p for p in raw["projects"] if p["measure"] <= 1]
        raw["indicators"] = [i for i in raw["indicators"] if i["project"] <= len(raw["projects"])]
        plan = bench_data.parse_plan(raw, "generated")
        with engine.begin() as conn:
            bench_data.bulk_load_plan(conn, plan, "generated")
            bench_data.bulk_actuals(conn, plan, revisions=2)
    for as_of in (Month(2026, 9), Month(2027, 3)):
        _assert_same_history(_data(engine), as_of)
    engine.dispose()


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases())
def test_history_of_generated_plans_equals_each_month_evaluated_separately(case: Case) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        plan_file = Path(tmp) / "plan.yaml"
        plan_file.write_text(yaml.safe_dump(case.plan, allow_unicode=True), encoding="utf-8")
        engine = make_engine(f"sqlite:///{Path(tmp) / 'kpi.db'}")
        import_plan(engine, plan_file, ADMIN)
        if case.actuals:
            _record(engine, case.actuals)
        data = _data(engine, FISCAL_YEAR)
        engine.dispose()
    for as_of in (Month.of(case.today).add(-1), Month(FISCAL_YEAR + 1, 3)):
        _assert_same_history(data, as_of)


_months = st.builds(Month, st.integers(FY - 2, FY + 1), st.integers(1, 12))


@settings(max_examples=400, derandomize=True, deadline=None, database=None)
@given(
    rule=_rules(),
    actuals=st.dictionaries(_months, _numbers, max_size=30),
    as_ofs=st.lists(_months, min_size=1, max_size=14),
)
def test_one_prepared_year_evaluates_every_month_as_the_rule_always_did(
    rule: Any, actuals: dict[Month, float], as_ofs: list[Month]
) -> None:
    year = IndicatorYear(rule, actuals, FY)
    for as_of in [*as_ofs, *reversed(as_ofs)]:  # any order: nothing of one month leaks into another
        expected = status_reference.evaluate_indicator(rule, actuals, as_of, FY)
        assert year.at(as_of) == expected
        assert year.status_at(as_of) is expected.status
        assert evaluate_indicator(rule, actuals, as_of, FY) == expected


def test_prepared_year_keeps_the_order_of_a_sum_past_the_float_range() -> None:
    from kpi.domain.status import Accumulation, Direction, FlowScope, IndicatorRule

    rule = IndicatorRule(
        Direction.INCREASE,
        Accumulation.FLOW,
        baseline=0.0,
        target=1.0,
        baseline_month=Month(2024, 3),
        flow_scope=FlowScope.SINCE_BASELINE,
    )
    big = 1.7e308
    # Not in month order: the saturating sum reads them in this order, as the rule always did.
    actuals = {Month(2026, 5): big, Month(2025, 5): big, Month(2026, 4): -big, Month(2024, 8): -big}
    for as_of in (Month(2026, 4), Month(2026, 5), Month(2027, 3)):
        assert IndicatorYear(rule, actuals, FY).at(as_of) == status_reference.evaluate_indicator(
            rule, actuals, as_of, FY
        )
