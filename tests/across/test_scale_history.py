"""The month-by-month status history (全体概要's 月別の状況) counted at two plan sizes.

Like tests/across/test_scale.py (whose data sets and counters these tests share): work counted,
not timed. The history prepares each indicator's year once and evaluates it once per month;
month texts are parsed once each, not once per reported value.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from kpi.domain import status as status_rules
from kpi.domain.plan import PlanData
from kpi.domain.statuses import status_history

from .test_scale import AS_OF, LARGE, SMALL, _linear, counting, sizes

__all__ = ["sizes"]  # the shared fixture of two plan sizes


def test_status_history_prepares_each_indicator_once_and_grows_linearly(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare, judge = status_rules.IndicatorYear.__init__, status_rules.IndicatorYear._judge
    prepared: dict[int, int] = {}
    evaluated: dict[int, int] = {}
    works = {}
    calls = {"prepared": 0, "evaluated": 0}
    for n, (_engine, data) in sizes.items():
        calls.update(prepared=0, evaluated=0)

        def counted_prepare(self: Any, *args: Any) -> None:
            calls["prepared"] += 1
            prepare(self, *args)

        def counted_judge(self: Any, as_of: Any, fields: Any) -> Any:
            calls["evaluated"] += 1
            return judge(self, as_of, fields)

        with monkeypatch.context() as m, counting(monkeypatch) as work:
            m.setattr(status_rules.IndicatorYear, "__init__", counted_prepare)
            m.setattr(status_rules.IndicatorYear, "_judge", counted_judge)
            history = status_history(data, AS_OF)
        assert len(history) == 20 * n and len(history.columns) == 4 + 12
        indicators = len(data.indicators)
        assert calls["prepared"] == indicators  # once per indicator, not once per month
        assert calls["evaluated"] == indicators * 12  # one status per indicator and month
        prepared[n], evaluated[n], works[n] = calls["prepared"], calls["evaluated"], work
    assert prepared[LARGE] == LARGE // SMALL * prepared[SMALL]
    assert _linear(evaluated[SMALL], evaluated[LARGE]), evaluated
    assert _linear(works[SMALL].parsed, works[LARGE].parsed), (works[SMALL].parsed, works[LARGE].parsed)
    assert _linear(works[SMALL].compared, works[LARGE].compared), (works[SMALL].compared, works[LARGE].compared)
    # 12 reported months × 60 indicators per 重点施策 rows, but only a few month texts.
    rows = len(sizes[LARGE][1].actuals)
    assert works[LARGE].parsed < rows / 5, (works[LARGE].parsed, rows)


@pytest.mark.parametrize("page", ["pages/2_projects.py", "pages/1_measures.py"])
def test_a_page_of_one_project_or_measure_judges_only_what_it_shows(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    """Every status rule call (the statuses and the month-by-month history, which no longer
    goes through evaluate_indicator) counted: the same at both sizes."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    judge = status_rules.IndicatorYear._judge
    judged: dict[int, int] = {}
    for n, (engine, _data) in sizes.items():
        calls = [0]

        def counted(self: Any, as_of: Any, fields: Any, calls: list[int] = calls) -> Any:
            calls[0] += 1
            return judge(self, as_of, fields)

        monkeypatch.setenv("KPI_DATABASE_URL", str(engine.url))
        monkeypatch.setenv("KPI_TODAY", "2027-04-15")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(page)
        with monkeypatch.context() as m:
            m.setattr(status_rules.IndicatorYear, "_judge", counted)
            at.run()
        assert not at.exception
        judged[n] = calls[0]
    assert judged[LARGE] == judged[SMALL] > 0, judged
