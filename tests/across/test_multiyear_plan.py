"""A fictional plan with targets that span years, a yearly survey, a 「新規」 baseline, a
decreasing and a cumulative indicator (tests/data/plan_multiyear_fictional.yaml), imported
into a database of its own: statuses, charts and reports work and never read nan; the
issue's examples; the plan file's new fields; migration 0005 keeps today's rows and statuses."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import inspect, select

from kpi.charts.data import indicator_chart_data
from kpi.charts.figures import indicator_figure
from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.domain.statuses import indicator_statuses, status_table
from kpi.reports.content import Scope
from kpi.reports.print_charts import chart_png
from kpi.reports.print_charts import figure as print_figure
from kpi.reports.service import load_inputs, report_bytes
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, current_revision, downgrade, head_revision, make_engine, transaction, upgrade
from kpi.store.models import Indicator
from kpi.store.planfile import PlanError
from kpi.store.planfile_read import parse_plan
from kpi.store.reads import plan_data
from tests.conftest import ADMIN, ROOT, TODAY, import_with_year_before
from tests.web.charts_on import show_charts

PLAN = ROOT / "tests" / "data" / "plan_multiyear_fictional.yaml"
OCT = Month(2026, 10)


def _actuals(rows: list[tuple[str, str, float]]) -> list[ActualInput]:
    return [ActualInput(code, month, value, note="架空の実績") for code, month, value in rows]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("multiyear")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_with_year_before(engine, PLAN, tmp)  # the 累計 indicator adds up an earlier year's reports
    monthly_01 = [80, 80.5, 81, 81.5, 82, 82.25, 82.5]
    rows = [("01-online-rate", f"2026-{m:02d}", v) for m, v in zip(range(4, 11), monthly_01, strict=True)]
    rows += [
        ("06-digital-facilities", "2025-06", 250),
        ("02-digital-staff-rate", "2026-10", 81),
        ("04-new-service-users", "2026-10", 500),
        ("05-paper-forms", "2026-10", 220),
        ("06-digital-facilities", "2026-04", 30),
        ("06-digital-facilities", "2026-10", 20),
        ("07-online-consultations", "2026-06", 25),
        ("07-online-consultations", "2026-09", 30),
    ]
    with transaction(engine) as s:
        record_actuals(s, _actuals(rows), ADMIN, TODAY)
    engine.dispose()
    return url


def _data(url: str) -> PlanData:
    engine = make_engine(url)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None
    return data


def _no_nan(values: Any) -> None:
    for v in values:
        assert not (isinstance(v, float) and math.isnan(v)), values
        assert "nan" not in str(v).lower() or v is None, v


def _row(frame: pd.DataFrame, code: str) -> dict[str, Any]:
    return frame.loc[frame["id"] == code].iloc[0].to_dict()


def test_statuses_of_the_fictional_plan(url: str) -> None:
    data = _data(url)
    ind = indicator_statuses(data, OCT)
    for frame in (ind, *(status_table(data, OCT, level) for level in ("project", "measure", "policy"))):
        _no_nan(v for row in frame.itertuples(index=False) for v in row)
    got = {r["id"]: (r["status"], r["unreported_months"]) for r in ind.to_dict("records") if r["kind"] == "indicator"}
    assert got == {
        "01-online-rate": ("delayed", 0),  # far below the four-year line's 95.8
        "02-digital-staff-rate": ("caution", 0),  # 81 against 81.33 from 79 (yearly targets)
        "03-staff-survey": ("no_data", 1),  # July's survey missing: one report, not four months
        "04-new-service-users": ("caution", 0),  # 新規: 500 of 700 expected, never 基準値未設定
        "05-paper-forms": ("caution", 0),
        "06-digital-facilities": ("delayed", 0),
        "07-online-consultations": ("on_track", 0),  # quarterly: Dec not due yet
    }
    assert _row(ind, "06-digital-facilities")["actual"] == 400  # 100 + 250 (FY2025) + 30 + 20
    two = _row(ind, "02-digital-staff-rate")
    assert (two["target"], two["final_target"], two["target_year"]) == (83, 100, 2028)
    assert _row(ind, "04-new-service-users")["baseline"] == 0 and _row(ind, "04-new-service-users")["baseline_new"]


def test_four_year_target_no_longer_reads_on_track_while_its_projection_ends_short(url: str) -> None:
    data = _data(url)
    row = _row(indicator_statuses(data, OCT), "01-online-rate")
    assert row["status"] != "on_track" and row["ratio"] < 0.7  # squeezed into FY2026 it read 順調 129%
    chart = indicator_chart_data(data, "01-online-rate", OCT, row)
    projection = next(s for s in chart.series if s.key == "projection")
    target = next(ln for ln in chart.lines if ln.key == "target")
    assert projection.ys[-1] < target.value == 100
    trajectory = next(s for s in chart.series if s.key == "trajectory")
    assert (trajectory.xs[0], trajectory.ys[0]) == (0.0, pytest.approx(90.0))  # the line's value in March 2026
    assert trajectory.ys[-1] == pytest.approx(100.0)
    assert "final_target" not in {ln.key for ln in chart.lines}  # this year's target is the final one


def test_survey_never_reads_three_months_unreported(url: str, tmp_path: Path) -> None:
    data = _data(url)
    for month in range(7, 13):
        row = _row(indicator_statuses(data, Month(2026, month)), "03-staff-survey")
        assert row["unreported_months"] == 1
    assert _row(indicator_statuses(data, Month(2026, 6)), "03-staff-survey")["status"] == "not_due"
    engine = make_engine(url)
    with transaction(engine) as s:
        record_actuals(s, _actuals([("03-staff-survey", "2026-07", 63.7)]), ADMIN, TODAY)
    engine.dispose()
    data = _data(url)
    for month in (Month(2026, 7), OCT, Month(2027, 3)):
        row = _row(indicator_statuses(data, month), "03-staff-survey")
        assert (row["status"], row["unreported_months"]) == ("on_track", 0)  # judged at July: 63.75 expected


def test_charts_show_this_years_and_the_final_target_and_draw_without_nan(url: str) -> None:
    data = _data(url)
    statuses = indicator_statuses(data, OCT)
    for code in data.indicators["code"]:
        chart = indicator_chart_data(data, code, OCT, _row(statuses, code))
        _no_nan([*chart.title_lines, *chart.subtitle_lines, *(lb.text for lb in chart.labels)])
        _no_nan([v for s in chart.series for v in (*s.xs, *s.ys)] + [ln.value for ln in chart.lines])
        fig = indicator_figure(chart)
        assert "nan" not in fig.to_json().lower()
        on_screen = {tr.meta for tr in fig.data} | {s.name for s in fig.layout.shapes}
        assert on_screen | {a.name for a in fig.layout.annotations} == chart.elements, code
        printed = print_figure(chart)
        assert {a.get_gid() for a in printed.findobj() if a.get_gid()} - {"title", "subtitle"} == chart.elements
        assert chart_png(chart, dpi=50).startswith(b"\x89PNG")
    yearly = indicator_chart_data(data, "02-digital-staff-rate", OCT, _row(statuses, "02-digital-staff-rate"))
    lines = {ln.key: ln.value for ln in yearly.lines}
    assert (lines["target"], lines["final_target"]) == (83, 100)
    texts = {lb.key: lb.text for lb in yearly.labels}
    assert texts["target"] == "目標値 83%" and texts["final_target"] == "最終目標（R10年度） 100%"
    english = indicator_chart_data(data, "02-digital-staff-rate", OCT, None, lang="en")
    assert {lb.key: lb.text for lb in english.labels}["final_target"] == "Final target (FY2028) 100%"
    new = indicator_chart_data(data, "04-new-service-users", OCT, _row(statuses, "04-new-service-users"))
    assert "新規" in {lb.key: lb.text for lb in new.labels}["baseline"]


def test_reports_of_the_fictional_plan_have_no_nan(url: str) -> None:
    engine = make_engine(url)
    inputs = load_inputs(engine, 2026)
    engine.dispose()
    assert inputs is not None
    xlsx = report_bytes(inputs, OCT, Scope.parse("all"), "xlsx", TODAY)
    wb = load_workbook(io.BytesIO(xlsx))
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    _no_nan(cells)
    pdf = report_bytes(inputs, OCT, Scope.parse("measure:2"), "pdf", TODAY)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "nan" not in text.lower() and "None" not in text
    assert "最終目標" in text
    from kpi.reports.content import build_report
    from kpi.reports.tables import indicator_rows

    rows = {cells[1]: cells for cells, _ in indicator_rows(build_report(inputs.data, OCT, Scope.parse("all")))}
    assert rows["デジタル研修を修了した職員の割合（架空）"][3] == "83%（最終目標 R10年度 100%）"
    assert rows["手続のオンライン化率（架空）"][3] == "100%"  # this year's target is the final one
    assert rows["電子窓口サービスの利用者数（架空）"][2] == "新規"


# ---------------------------------------------------------------- the plan file's fields


def _plan_with(**changes: Any) -> dict[str, Any]:
    raw = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    raw["indicators"][0].update(changes)
    return raw


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target_year": 2025}, "最終目標の年度 2025 が計画の年度 2026 より前です"),
        ({"yearly_targets": {2027: 90}}, "最終目標の年度 2026 より後の年度があります"),
        ({"baseline": "新"}, "baseline"),
        ({"due_month": 7}, "due_month は frequency が"),
        ({"due_month": 13, "frequency": "yearly"}, "due_month"),
        ({"flow_scope": "since_baseline"}, "since_baseline（累計）は flow の指標"),
        ({"frequency": "weekly"}, "frequency"),
        ({"baseline_month": "2027-03"}, "基準値の月は最終目標の年度末より前"),
    ],
)
def test_plan_file_refuses_inconsistent_indicator_fields(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(PlanError) as err:
        parse_plan(_plan_with(**changes), "plan.yaml")
    assert message in str(err.value)


def test_plan_file_reads_new_fields_and_defaults_to_todays_meaning() -> None:
    plan = parse_plan(yaml.safe_load(PLAN.read_text(encoding="utf-8")), "plan.yaml")
    by_id = {i.id: i for i in plan.indicators}
    assert by_id["04-new-service-users"].baseline == "新規"
    assert by_id["03-staff-survey"].frequency == "yearly" and by_id["03-staff-survey"].due_month == 7
    r8 = parse_plan(yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8")), "plan_r8.yaml")
    assert {(i.frequency, i.flow_scope, i.target_year, i.yearly_targets, i.baseline_month) for i in r8.indicators} == {
        ("monthly", "fiscal_year", None, None, None)
    }


# ---------------------------------------------------------------- migration 0005


def test_migration_0005_upgrades_a_0003_database_and_keeps_todays_statuses(db_url: str) -> None:
    engine = make_engine(db_url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    rows = [("04-mynumber-card-rate", "2026-10", 87.2), ("01-online-procedures", "2026-09", 76)]
    with transaction(engine) as s:
        record_actuals(s, _actuals(rows), ADMIN, TODAY)
        before = indicator_statuses(plan_data(s, 2026), OCT)  # type: ignore[arg-type]
    downgrade(engine, "0003")  # a 0003 database holding a plan and actuals
    assert "frequency" not in {c["name"] for c in inspect(engine).get_columns("indicators")}
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with transaction(engine) as s:
        inds = s.scalars(select(Indicator)).all()
        after = indicator_statuses(plan_data(s, 2026), OCT)  # type: ignore[arg-type]
    assert len(inds) == 11
    assert {(i.baseline_is_new, i.baseline_month, i.target_year, i.yearly_targets) for i in inds} == {
        (False, None, None, None)
    }
    assert {(i.flow_scope, i.frequency, i.due_month) for i in inds} == {("fiscal_year", "monthly", None)}
    pd.testing.assert_frame_equal(before, after)
    assert set(after["status"]) >= {"on_track"}
    engine.dispose()


def test_a_department_owes_only_the_figures_that_were_due(url: str) -> None:
    from dataclasses import replace

    from kpi.domain.inquiry import owed_items
    from kpi.text.labels import owed_text

    data = _data(url)
    without_survey = replace(data, actuals=data.actuals.loc[data.actuals["code"] != "03-staff-survey"])

    def owed(d: PlanData, as_of: Month, name: str) -> list[str]:
        items = owed_items(d, as_of, {}, inquiry_open=False)
        return [owed_text(i) for i in items if i.kind == "actual" and name in owed_text(i)]

    survey = "職員意識調査で「業務が効率化した」と答えた割合（架空）"
    assert owed(without_survey, Month(2026, 6), survey) == []  # not due yet
    assert owed(without_survey, OCT, survey) == [f"{survey}: 2026年7月の実績"]  # one figure, not four months
    late = without_survey.actuals.iloc[:1].assign(code="03-staff-survey", month="2026-08", value=63.7)
    answered = replace(data, actuals=pd.concat([without_survey.actuals, late], ignore_index=True))
    assert owed(answered, OCT, survey) == []  # entered late, in August: July's figure is in
    assert owed(data, OCT, "オンライン相談") == []  # quarterly: June and September in, December not due
    assert owed(data, OCT, "手続のオンライン化率") == []  # monthly: April–October all reported


@pytest.mark.parametrize(
    ("page", "query"),
    [(None, {}), ("pages/1_measures.py", {"measure": "2"}), ("pages/2_projects.py", {"project": "3"})],
)
def test_pages_of_the_fictional_plan_render_without_nan(
    url: str, monkeypatch: pytest.MonkeyPatch, page: str | None, query: dict[str, str]
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KPI_DATABASE_URL", url)
    monkeypatch.setenv("KPI_TODAY", TODAY.isoformat())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, at.exception
        show_charts(at)
    shown = "\n".join(m.value for m in at.markdown)
    specs = "".join(c.proto.spec for c in at.get("plotly_chart"))
    assert not re.search(r"\b(nan|NaN|None)\b", shown) and "NaN" not in specs
    assert "架空" in shown


def test_a_measured_baseline_set_by_an_administrator_replaces_new(tmp_path: Path) -> None:
    from kpi.services.plan_admin import update_indicator_plan

    engine = make_engine(f"sqlite:///{tmp_path / 'kpi.db'}")
    import_plan(engine, PLAN, ADMIN)
    with transaction(engine) as s:
        changed = update_indicator_plan(s, ADMIN, 2026, "04-new-service-users", {"baseline": "300"})
    assert changed == {"baseline": (None, 300.0), "baseline_is_new": (True, False)}
    with transaction(engine) as s:
        row = _row(indicator_statuses(plan_data(s, 2026), OCT), "04-new-service-users")  # type: ignore[arg-type]
    assert (row["baseline"], row["baseline_new"]) == (300.0, False)
    engine.dispose()


def test_suggested_rating_counts_an_indicator_not_due_yet_as_nothing_measured() -> None:
    from kpi.cycle.evaluations import suggest_rating

    assert suggest_rating(["not_due"], [], None)[0] == "D"
    assert suggest_rating(["not_due"], ["done"], None) == ("B", "報告の時期が来ていない指標があります（予定）")
    assert suggest_rating(["achieved"], ["done"], None)[0] == "A"


def test_reimporting_the_plan_changes_nothing_and_keeps_new(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kpi.db'}")
    assert import_plan(engine, PLAN, ADMIN).changed
    assert not import_plan(engine, PLAN, ADMIN).changed
    with transaction(engine) as s:
        ind = s.scalars(select(Indicator).where(Indicator.code == "04-new-service-users")).one()
        yearly = s.scalars(select(Indicator).where(Indicator.code == "02-digital-staff-rate")).one()
        assert (ind.baseline, ind.baseline_is_new) == (None, True)
        assert yearly.yearly_targets == {"2025": 79.0, "2026": 83.0, "2027": 93.0}
    engine.dispose()
