"""重点施策別's compact indicator table (status, name, latest, target, 進捗率, sparkline) and
the one data-version read per rerun that keys every cached read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from kpi.services.actuals import ActualInput, record_actuals
from kpi.store import audit
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.reads import plan_data
from kpi.web import cache
from tests.conftest import ADMIN, ROOT, TODAY
from tests.web.charts_on import show_charts

MEASURES = "pages/1_measures.py"
CODE = "04-mynumber-card-rate"


def _start(lang: str = "ja", **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["kpi_lang"] = lang
    at.run()
    assert not at.exception, at.exception
    at.switch_page(MEASURES)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _table(at: AppTest) -> str:
    tables = [m.value for m in at.markdown if m.value.startswith('<table class="kpi-table kpi-indicator-table"')]
    assert len(tables) == 1
    return tables[0]


def _measure_of(url: str, code: str) -> tuple[int, list[str]]:
    """The 重点施策 of indicator ``code`` and the names of all its indicators."""
    engine = make_engine(url)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None
    project = int(data.indicators.set_index("code").loc[code, "project_no"])
    measure = int(data.projects.set_index("project_no").loc[project, "measure_no"])
    projects = data.projects.loc[data.projects["measure_no"] == measure, "project_no"]
    names = data.indicators.loc[data.indicators["project_no"].isin(projects), "name"]
    return measure, [str(n) for n in names]


def _plan(url: str, actuals: list[tuple[str, str]]) -> None:
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    if actuals:
        with transaction(engine) as s:
            record_actuals(s, [ActualInput(CODE, m, v) for m, v in actuals], ADMIN, TODAY)
    engine.dispose()


def test_the_table_lists_every_indicator_of_the_measure_above_the_charts(demo_app: str) -> None:
    measure, names = _measure_of(demo_app, CODE)
    assert len(names) >= 2
    at = _start(measure=str(measure))
    html = _table(at)
    assert html.count("<tr") - 1 == len(names)  # one row per indicator under the header
    for name in names:
        assert f'title="{name}"' in html
    for word in ("状況", "指標", "最新値", "目標値", "進捗率", "今年度の推移"):
        assert f"<th>{word}</th>" in html
    assert html.count('class="kpi-chip"') == len(names)
    assert html.count("<svg") >= 1
    headings = [h.value for h in at.subheader]
    assert headings.index("指標の進捗") + 1 == headings.index("指標のグラフ")  # the charts follow the table
    assert not at.get("plotly_chart")  # drawn on demand
    assert show_charts(at).get("plotly_chart")


def test_a_series_with_a_gap_draws_two_runs_and_names_every_month(app_env: str) -> None:
    _plan(app_env, [("2026-04", "70"), ("2026-05", "72"), ("2026-07", "75")])
    measure, _ = _measure_of(app_env, CODE)
    html = _table(_start(measure=str(measure)))
    svg = re.search(r"<svg[^>]*aria-label=\"([^\"]*)\".*?</svg>", html)
    assert svg is not None
    assert "4月 70" in svg.group(1) and "5月 72" in svg.group(1) and "7月 75" in svg.group(1)
    assert "6月" not in svg.group(1)  # June has no value: a gap
    assert svg.group(0).count("<polyline") == 1  # April–May
    assert len(re.search(r'points="([^"]+)"', svg.group(0)).group(1).split()) == 2  # type: ignore[union-attr]
    assert svg.group(0).count("<circle") == 2  # July alone, and the latest value


@pytest.mark.parametrize("actuals", [[], [("2026-06", "71.5")]], ids=["no actuals", "one actual"])
def test_no_nan_or_none_with_no_or_one_actual(app_env: str, actuals: list[tuple[str, str]]) -> None:
    _plan(app_env, actuals)
    measure, _ = _measure_of(app_env, CODE)
    at = _start(measure=str(measure))
    html = _table(at)
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\bnan\b|\bNone\b|\bNaN\b", text, re.IGNORECASE)
    assert "―" in text  # a missing value or an empty sparkline reads 「―」
    if actuals:
        assert "71.5" in text
    else:
        assert "<svg" not in html and "今年度の実績なし" in html


def test_the_table_reads_in_english(demo_app: str) -> None:
    measure, _ = _measure_of(demo_app, CODE)
    html = _table(_start(measure=str(measure), lang="en"))
    for word in ("Status", "Indicator", "Latest", "Target", "Ratio", "This year"):
        assert f"<th>{word}</th>" in html
    assert "monthly actuals" in html and "月" not in re.sub(r'title="[^"]*"|aria-label="[^"]*"|>[^<]*<', "", html)


def test_one_data_version_read_per_rerun_and_a_write_elsewhere_shows_on_the_next(
    demo_app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = audit.data_version

    def counted(session: Any) -> int:
        calls.append(1)
        return real(session)

    monkeypatch.setattr(cache, "data_version", counted)
    measure, _ = _measure_of(demo_app, CODE)
    at = _start(measure=str(measure))
    calls.clear()
    at.run()
    assert not at.exception, at.exception
    assert len(calls) == 1
    # Another server (here: another engine) writes between two reruns of this session.
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        record_actuals(s, [ActualInput(CODE, "2026-10", "98.7")], ADMIN, TODAY)
    engine.dispose()
    at.run()
    assert not at.exception, at.exception
    assert "98.7" in _table(at)
    assert len(calls) == 2
