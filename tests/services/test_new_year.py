"""R8 → R9 with ``new-year``: a draft plan file for the next fiscal year, loaded beside R8;
the year selector switches between them and an indicator in both years shows both on one chart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from kpi.charts.data import format_value, indicator_chart_data
from kpi.cli.main import main
from kpi.domain.fiscal import Month
from kpi.domain.status import DEFAULT_CAUTION, DEFAULT_ON_TRACK, Thresholds
from kpi.services.demo import load_demo
from kpi.services.new_year import draft_yaml
from kpi.store import reads as store_reads
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.models import Indicator
from kpi.store.planfile import CYCLE_STEPS, ThresholdsIn
from kpi.store.planfile_read import load_plan_file
from kpi.store.reads import fiscal_years, plan_data
from tests.conftest import ADMIN, ROOT, TODAY
from tests.web.charts_on import show_charts

TWO_LEVEL = Path(__file__).parents[1] / "plans" / "fictional_two_level.yaml"


def _draft(engine: Engine, tmp_path: Path) -> Path:
    with transaction(engine) as s:
        year, text = draft_yaml(s)
    assert year == 2027
    path = tmp_path / "plan_r9.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_r9_draft_moves_the_plan_on_one_year(demo_engine: Engine, tmp_path: Path) -> None:
    path = _draft(demo_engine, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 下書き: 草津市 令和9年度の計画ファイル") and "確認・修正してから" in text
    r8, r9 = load_plan_file(DEFAULT_PLAN), load_plan_file(path)
    assert (r9.format_version, r9.fiscal_year, r9.label) == (2, 2027, "令和9年度")
    assert [p.no for p in r9.projects] == [p.no for p in r8.projects]
    assert [(m.no, m.symbol, m.policy) for m in r9.measures] == [(m.no, m.symbol, m.policy) for m in r8.measures]
    for old, new in zip(r8.projects, r9.projects, strict=True):
        assert (new.name, new.lead_department, new.related_departments) == (
            old.name, old.lead_department, old.related_departments,
        )  # fmt: skip
        assert (new.summary, new.outcome, new.url) == (old.summary, old.outcome, old.url)
        assert new.this_year == old.next_years and new.next_years == ""
        assert new.previous_work == "\n".join(t for t in (old.previous_work, old.this_year) if t)
        assert [row.item for row in new.schedule] == [row.item for row in old.schedule]
        assert all(not row.milestones for row in new.schedule)
        steps = {(b.text, b.start, b.end) for row in new.schedule for b in row.bars}
        assert steps == {(s, f"2028-0{4 + i}", f"2028-0{4 + i}") for i, s in enumerate(CYCLE_STEPS)}, new.no
    assert r9.indicator_ids() == r8.indicator_ids()
    with transaction(demo_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    by_id = {i.id: i for i in r9.indicators}
    for old in r8.indicators:
        new = by_id[old.id]
        assert (new.target, new.target_factor, new.target_note) == (old.target, old.target_factor, old.target_note)
        own = data.actuals[data.actuals["code"] == old.id].sort_values("month")
        if own.empty:
            assert new.baseline == old.baseline
        elif old.accumulation == "level":  # the state the new year starts from
            month = Month.parse(own.iloc[-1]["month"])
            assert new.baseline == float(own.iloc[-1]["value"])
            assert new.baseline_note == f"R8年度の最新実績（{month.label_ja()}）"
        else:  # a flow of the fiscal year starts from 0 in April: its baseline stays, its total is noted
            assert (new.baseline, new.baseline_month) == (old.baseline, old.baseline_month), old.id
            month = Month.parse(own.iloc[-1]["month"])
            assert f"R8年度の実績合計 {format_value(own['value'].sum(), old.unit)}（{month.label_ja()}まで）" in (
                new.baseline_note
            )


def test_the_sample_r9_draft_value_by_value(demo_engine: Engine, tmp_path: Path) -> None:
    """The issue's cases: the within-year flows keep their R8 baseline (0 h, 0 items), not
    October's amount (239 h, 1 item); the levels take October's actual."""
    r9 = {i.id: i for i in load_plan_file(_draft(demo_engine, tmp_path)).indicators}
    with transaction(demo_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    october = data.actuals[data.actuals["month"] == "2026-10"].set_index("code")["value"]
    assert october["14-ai-rpa-hours-saved"] != 0 and october["11-opendata-new-items"] != 0
    august = data.actuals[data.actuals["month"] == "2026-08"].set_index("code")["value"]
    assert "15-new-dx-projects" not in october  # the sample's last report of it is August's
    expected_baselines = {
        "01-online-procedures": (float(october["01-online-procedures"]), "2026-10"),
        "03-exemption-e-application-rate": (float(october["03-exemption-e-application-rate"]), "2026-10"),
        "04-mynumber-card-rate": (float(october["04-mynumber-card-rate"]), "2026-10"),
        "05-konbini-issuance-share": (float(october["05-konbini-issuance-share"]), "2026-10"),
        "06-collection-fees": (None, None),  # a decreasing flow: its unknown R7 baseline stays unknown
        "09-maternal-app-registration": (float(october["09-maternal-app-registration"]), "2026-10"),
        "11-opendata-new-items": (0.0, None),
        "14-ai-rpa-hours-saved": (0.0, None),
        "14-welfare-overtime": (None, None),
        "15-new-dx-projects": (float(august["15-new-dx-projects"]), "2026-08"),
        "21-security-incidents": (None, None),
    }
    assert {k: (i.baseline, i.baseline_month) for k, i in r9.items()} == expected_baselines
    hours = data.actuals[data.actuals["code"] == "14-ai-rpa-hours-saved"]["value"].sum()
    assert hours == 1847  # seven months of the sample, not October's amount alone
    assert "R8年度の実績合計 1,847 時間（2026年10月まで）" in r9["14-ai-rpa-hours-saved"].baseline_note


def test_r9_imports_beside_r8_and_one_chart_shows_both_years(demo_engine: Engine, tmp_path: Path) -> None:
    import_plan(demo_engine, _draft(demo_engine, tmp_path), ADMIN)
    with transaction(demo_engine) as s:
        assert [fy.year for fy in fiscal_years(s)] == [2026, 2027]
        r8, r9 = plan_data(s, 2026), plan_data(s, 2027)
    assert r8 is not None and r9 is not None
    assert len(r8.actuals) and r9.actuals.empty  # R8's actuals stay with R8
    chart = indicator_chart_data(r9, "04-mynumber-card-rate", Month(2027, 4))
    keys = [s.key for s in chart.series]
    assert "previous" in keys and "actual" in keys
    previous = next(s for s in chart.series if s.key == "previous")
    assert previous.name == "R8の実績値"
    r8_values = r8.actuals[r8.actuals["code"] == "04-mynumber-card-rate"].sort_values("month")
    assert list(previous.ys) == [float(v) for v in r8_values["value"]]
    assert "previous" not in [s.key for s in indicator_chart_data(r8, "04-mynumber-card-rate", Month(2026, 10)).series]


def test_cli_new_year_then_import_plan(demo_app: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan_r9.yaml"
    assert main(["new-year", "--out", str(out)]) == 0
    assert "令和9年度" in capsys.readouterr().out
    assert main(["new-year", "--out", str(out)]) == 1  # never overwrites a file
    assert "上書きしない" in capsys.readouterr().err
    assert main(["import-plan", str(out)]) == 0
    assert main(["import-plan", str(out)]) == 0 and "変更はありません" in capsys.readouterr().out


def test_the_year_selector_switches_between_r8_and_r9(
    demo_app: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(demo_app)
    import_plan(engine, _draft(engine, tmp_path), ADMIN)
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/2_projects.py").run()
    assert not at.exception
    year = next(s for s in at.sidebar.selectbox if s.key == "_wkpi_fiscal_year")
    assert list(year.options) == ["令和8年度", "令和9年度"]
    text = "\n".join(m.value for m in at.markdown)
    assert "R7までの実施内容" in text
    year.select_index(1).run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "R8までの実施内容" in text and "R9の実施内容" in text and "R10以降の取組(予定)" in text


def test_a_two_level_plan_moves_on_too(sqlite_engine: Engine, tmp_path: Path) -> None:
    import_plan(sqlite_engine, TWO_LEVEL, ADMIN)
    with transaction(sqlite_engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
    path = _draft(sqlite_engine, tmp_path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw["levels"] == ["分野", "取組"] and "measures" not in raw
    assert [p.get("code") for p in raw["projects"]] == ["1-1-1", "1-2-3", "2-1-1"]
    import_plan(sqlite_engine, path, ADMIN)
    with transaction(sqlite_engine) as s:
        data = plan_data(s, 2027)
    assert data is not None and data.levels == ("分野", "取組")
    assert list(data.projects["project_code"]) == ["1-1-1", "1-2-3", "2-1-1"]


MULTIYEAR = Path(__file__).parents[1] / "data" / "plan_multiyear_fictional.yaml"


def test_multi_year_fields_are_kept_and_the_baseline_gets_its_month(sqlite_engine: Engine, tmp_path: Path) -> None:
    from kpi.services.actuals import ActualInput, record_actuals

    import_plan(sqlite_engine, MULTIYEAR, ADMIN)
    with transaction(sqlite_engine) as s:
        record_actuals(s, [ActualInput("02-digital-staff-rate", "2026-09", "81")], ADMIN, TODAY)
    path = _draft(sqlite_engine, tmp_path)
    r8, r9 = load_plan_file(MULTIYEAR), load_plan_file(path)
    old = {i.id: i for i in r8.indicators}
    new = {i.id: i for i in r9.indicators}
    staff = new["02-digital-staff-rate"]
    assert (staff.baseline, staff.baseline_month) == (81.0, "2026-09")
    before = old["02-digital-staff-rate"]
    assert (staff.target, staff.target_year) == (before.target, 2028)
    assert before.yearly_targets is not None  # FY2025's lies before the new baseline (2026-09): left out
    assert staff.yearly_targets == {y: v for y, v in before.yearly_targets.items() if y >= 2026}
    survey = new["03-staff-survey"]
    assert (survey.frequency, survey.due_month, survey.target_year) == ("yearly", 7, 2027)
    assert (survey.baseline, survey.baseline_month) == (60.0, "2025-07")  # no R8 actual: kept
    assert new["04-new-service-users"].baseline == "新規"
    assert new["01-online-rate"].target_year is None  # FY2026's final target stays R9's target
    import_plan(sqlite_engine, path, ADMIN)


@pytest.mark.parametrize(
    ("page", "query"),
    [("pages/2_projects.py", {"project": "4"}), ("pages/1_measures.py", None), ("pages/5_reports.py", {})],
)
def test_every_page_that_charts_r9_draws_r8_beside_it(
    demo_app: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str, query: dict[str, str] | None
) -> None:
    """The pages read the year before's actuals only for their charts (the 全体概要 and the
    status tables never draw them): each page that charts still draws them."""

    engine = make_engine(demo_app)
    import_plan(engine, _draft(engine, tmp_path), ADMIN)
    with transaction(engine) as s:
        r9 = plan_data(s, 2027)
    engine.dispose()
    assert r9 is not None
    if query is None:  # the 重点施策 of project 4 (the マイナンバーカード rate)
        query = {"measure": str(int(r9.projects.set_index("project_no").loc[4, "measure_no"]))}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    next(s for s in at.sidebar.selectbox if s.key == "_wkpi_fiscal_year").select_index(1).run()
    reads: list[int] = []
    real = store_reads.previous_actuals

    def counted(session: object, year: int) -> object:
        reads.append(year)
        return real(session, year)  # type: ignore[arg-type]

    monkeypatch.setattr("kpi.web.cache.previous_actuals", counted)
    at.run()  # the 全体概要 of R9
    assert not at.exception
    assert reads == []  # statuses and tables only: the year before is not read
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    show_charts(at)  # the pages draw their charts on demand (issue 22)
    assert reads == [2027]
    names = {t.get("name") for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]}
    assert "R8の実績値" in names, names


def test_the_default_thresholds_are_what_a_plan_file_a_new_row_and_new_year_get(plan_engine: Engine) -> None:
    """One constant (kpi.domain.status): the plan file's default, the ORM column default, the
    stored rows of a plan without thresholds, and new-year's "leave it out when it is the default"."""
    default = (DEFAULT_ON_TRACK, DEFAULT_CAUTION)
    assert (Thresholds().on_track, Thresholds().caution) == default
    assert (ThresholdsIn().on_track, ThresholdsIn().caution) == default
    assert ThresholdsIn(on_track=0.95).caution == DEFAULT_CAUTION  # one threshold set, the other the default
    assert all(ind.thresholds is None for ind in load_plan_file(DEFAULT_PLAN).indicators)
    with transaction(plan_engine) as s:
        rows = s.scalars(select(Indicator)).all()
        assert {(r.on_track_threshold, r.caution_threshold) for r in rows} == {default}
        first = rows[0]
        new = Indicator(
            fiscal_year_id=first.fiscal_year_id, project_id=first.project_id, code="99-new", name="新しい指標",
            unit="件", direction=first.direction, accumulation=first.accumulation,
        )  # fmt: skip
        s.add(new)
        s.flush()
        assert (new.on_track_threshold, new.caution_threshold) == default
        s.delete(new)
        first.on_track_threshold, first.caution_threshold = 0.95, 0.8
        code = first.code
    with transaction(plan_engine) as s:
        _, text = draft_yaml(s)
    drafted = {i["id"]: i for i in yaml.safe_load(text)["indicators"]}
    assert drafted[code]["thresholds"] == {"on_track": 0.95, "caution": 0.8}
    assert all("thresholds" not in i for c, i in drafted.items() if c != code)


def test_a_cumulative_count_takes_its_running_total_at_the_year_end(sqlite_engine: Engine, tmp_path: Path) -> None:
    """累計 (since_baseline): 100 facilities in March 2022, 250 added in FY2025 and 30 + 20 in
    FY2026: the R9 baseline is the running total 400 at its month, not the last month's 20."""
    from kpi.services.actuals import ActualInput, record_actuals
    from tests.conftest import import_with_year_before

    import_with_year_before(sqlite_engine, MULTIYEAR, tmp_path)
    with transaction(sqlite_engine) as s:
        record_actuals(s, [ActualInput("06-digital-facilities", "2025-09", "250")], ADMIN, TODAY)
        record_actuals(
            s,
            [ActualInput("06-digital-facilities", m, v) for m, v in (("2026-05", "30"), ("2026-09", "20"))],
            ADMIN,
            TODAY,
        )
    facilities = {i.id: i for i in load_plan_file(_draft(sqlite_engine, tmp_path)).indicators}["06-digital-facilities"]
    assert (facilities.baseline, facilities.baseline_month) == (400.0, "2026-09")
    assert facilities.baseline_note == "R8年度の累計（2026年9月）"
    assert facilities.flow_scope == "since_baseline"


def test_a_within_year_flow_starts_from_zero_and_notes_last_years_total(sqlite_engine: Engine, tmp_path: Path) -> None:
    from kpi.services.actuals import ActualInput, record_actuals

    import_plan(sqlite_engine, MULTIYEAR, ADMIN)
    code = "07-online-consultations"
    with transaction(sqlite_engine) as s:
        record_actuals(s, [ActualInput(code, "2026-06", "12"), ActualInput(code, "2026-09", "9")], ADMIN, TODAY)
    before = {i.id: i for i in load_plan_file(MULTIYEAR).indicators}[code]
    new = {i.id: i for i in load_plan_file(_draft(sqlite_engine, tmp_path)).indicators}[code]
    assert (new.baseline, new.baseline_month) == (before.baseline, before.baseline_month)  # not 9
    assert "R8年度の実績合計 21 件（2026年9月まで）" in new.baseline_note
