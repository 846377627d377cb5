"""The store on a real database (SQLite file; PostgreSQL too when KPI_TEST_POSTGRES_URL is set):
init twice, re-import without losing actuals, revisions, all-or-nothing, migrations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import Engine, func, inspect, select, text

from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor, PermissionDenied
from kpi.domain.statuses import indicator_statuses, project_statuses
from kpi.services.actuals import ActualInput, ActualsRejected, record_actuals
from kpi.services.demo import DemoRefused, clear_demo, load_demo
from kpi.store.audit import audit_frame
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, current_revision, head_revision, make_engine, transaction, upgrade
from kpi.store.models import ActualRevision, AuditEntry, FiscalYear, Indicator, Milestone, Project
from kpi.store.planfile import PlanError
from kpi.store.reads import actual_history, plan_data
from tests.old_schema import fill_old_schema

ADMIN = Actor("test-admin", "admin")
TODAY = date(2026, 11, 24)


def _counts(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {
            t: s.scalar(select(func.count()).select_from(text(t))) or 0
            for t in (
                "fiscal_years",
                "policies",
                "measures",
                "projects",
                "schedule_rows",
                "milestones",
                "indicators",
                "actual_revisions",
                "audit_log",
            )
        }


def _save(engine: Engine, *rows: ActualInput, actor: Actor = ADMIN, **kw) -> None:
    with transaction(engine) as s:
        record_actuals(s, list(rows), actor, TODAY, **kw)


def test_init_creates_the_schema_and_loads_the_whole_plan(engine: Engine) -> None:
    summary = import_plan(engine, DEFAULT_PLAN, ADMIN)
    assert summary.created > 0
    assert current_revision(engine) == head_revision()
    counts = _counts(engine)
    assert counts["policies"] == 3 and counts["measures"] == 10 and counts["projects"] == 22
    assert counts["indicators"] == 11 and counts["milestones"] == 7
    assert counts["audit_log"] == 1


def test_init_twice_changes_nothing(engine: Engine) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    before = _counts(engine)
    summary = import_plan(engine, DEFAULT_PLAN, ADMIN)
    assert not summary.changed
    assert _counts(engine) == before


def test_saving_adds_revisions_and_never_overwrites(engine: Engine) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    _save(engine, ActualInput("04-mynumber-card-rate", "2026-10", "86.5", "first"))
    _save(engine, ActualInput("04-mynumber-card-rate", "2026-10", "86.9", reason="集計の誤り"))
    _save(engine, ActualInput("04-mynumber-card-rate", "2026-10", "86.9"))  # unchanged: no new revision
    with transaction(engine) as s:
        history = actual_history(s, 2026, "04-mynumber-card-rate")
        data = plan_data(s, 2026)
        audit = audit_frame(s)
    assert list(history["value"]) == [86.9, 86.5]
    assert list(history["revision"]) == [2, 1]
    assert list(history["reason"]) == ["集計の誤り", ""]
    assert list(history["author"]) == ["test-admin", "test-admin"]
    current = data.actuals.set_index("code").loc["04-mynumber-card-rate"]
    assert current["value"] == 86.9 and current["revision"] == 2
    assert (audit["action"] == "actual.save").sum() == 2


def test_a_bad_row_rejects_the_whole_batch_and_changes_nothing(engine: Engine) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    before = _counts(engine)
    with pytest.raises(ActualsRejected) as err:
        _save(
            engine,
            ActualInput("04-mynumber-card-rate", "2026-10", "86.5", line=2),
            ActualInput("04-mynumber-card-rate", "2026-09", "101", line=3),
        )
    assert [e.line for e in err.value.errors] == [3]
    assert _counts(engine) == before


def test_reimporting_an_edited_plan_keeps_actuals_and_completed_milestones(engine: Engine, tmp_path: Path) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    _save(engine, ActualInput("01-online-procedures", "2026-09", 76))
    with transaction(engine) as s:
        ms = s.scalars(select(Milestone).where(Milestone.code == "01-m2")).one()
        ms.completed_on = date(2026, 4, 20)
        ind = s.scalars(select(Indicator).where(Indicator.code == "06-collection-fees")).one()
        ind.baseline = 1_000_000  # set by an administrator; the file leaves it empty
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["projects"][0]["name"] = "行政手続のオンライン化の推進（改）"
    raw["indicators"][0]["target"] = 85
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    summary = import_plan(engine, edited, ADMIN)
    assert summary.updated >= 2
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    assert data.projects.loc[0, "project_name"] == "行政手続のオンライン化の推進（改）"
    ind = data.indicators.set_index("code")
    assert ind.loc["01-online-procedures", "target"] == 85
    assert ind.loc["06-collection-fees", "baseline"] == 1_000_000
    assert list(data.actuals["value"]) == [76]
    assert data.milestones.set_index("code").loc["01-m2", "completed_on"] == date(2026, 4, 20)


def test_removing_an_indicator_that_has_actuals_is_refused(engine: Engine, tmp_path: Path) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    _save(engine, ActualInput("01-online-procedures", "2026-09", 76))
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["indicators"] = raw["indicators"][1:]
    raw["projects"][0]["name"] = "changed"
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanError, match="01-online-procedures"):
        import_plan(engine, edited, ADMIN)
    with transaction(engine) as s:  # nothing of the edited file was applied
        assert s.scalar(select(Project.name).where(Project.no == 1)) == "行政手続のオンライン化の推進"


def test_the_next_fiscal_year_lives_in_the_same_database(engine: Engine, tmp_path: Path) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    _save(engine, ActualInput("04-mynumber-card-rate", "2026-10", 87))
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw.update(fiscal_year=2027, label="令和9年度")
    for p in raw["projects"]:
        for row in p["schedule"]:
            for bar in row["bars"]:
                bar["start"] = str(Month.parse(bar["start"]).add(12))
                bar["end"] = str(Month.parse(bar["end"]).add(12))
            for ms in row["milestones"]:
                ms["month"] = str(Month.parse(ms["month"]).add(12))
    r9 = tmp_path / "plan_r9.yaml"
    r9.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    import_plan(engine, r9, ADMIN)
    with transaction(engine) as s:
        years = s.scalars(select(FiscalYear.year).order_by(FiscalYear.year)).all()
        r8 = plan_data(s, 2026)
        r9_data = plan_data(s, 2027)
    assert years == [2026, 2027]
    assert len(r8.actuals) == 1 and len(r9_data.actuals) == 0
    assert len(r9_data.projects) == 22


def test_another_municipality_needs_its_own_database(engine: Engine, tmp_path: Path) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["municipality"] = "守山市"
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanError, match="別のデータベース"):
        import_plan(engine, other, ADMIN)


def test_only_admins_load_plans(engine: Engine) -> None:
    upgrade(engine)
    with pytest.raises(PermissionDenied):
        import_plan(engine, DEFAULT_PLAN, Actor("someone", "editor", ("経営戦略課",)))


def test_demo_is_flagged_and_clear_removes_only_sample_rows(engine: Engine) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        n = load_demo(s, 2026, ADMIN, TODAY)
    assert n > 0
    with transaction(engine) as s:
        data = plan_data(s, 2026)
        assert data.has_sample
        assert min(data.actuals["month"]) == "2026-04" and max(data.actuals["month"]) == "2026-10"
        assert data.actuals["is_sample"].all()
    with transaction(engine) as s:
        clear_demo(s, 2026, ADMIN)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
        assert not data.has_sample and data.actuals.empty
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "demo.clear")) == 1


def test_demo_refuses_to_mix_with_real_data(engine: Engine) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    _save(engine, ActualInput("04-mynumber-card-rate", "2026-10", 87))
    with pytest.raises(DemoRefused), transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
    with transaction(engine) as s:
        assert s.scalar(select(func.count()).select_from(ActualRevision)) == 1


def test_demo_statuses_cover_good_and_bad(engine: Engine) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
        data = plan_data(s, 2026)
    statuses = set(indicator_statuses(data, Month(2026, 10))["status"])
    assert {"on_track", "caution", "delayed", "no_baseline"} <= statuses
    assert len(project_statuses(data, Month(2026, 10))) == 22


def test_migration_upgrade_keeps_existing_data(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    # an older database: plan and actuals written with the 0001 schema only (raw SQL: the
    # ORM follows the newest schema)
    fill_old_schema(engine, "0001")
    assert "users" not in inspect(engine).get_table_names()
    upgrade(engine)  # 0001 → head
    assert current_revision(engine) == head_revision()
    assert "users" in inspect(engine).get_table_names()
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    assert list(data.actuals["value"]) == [86.5]
    assert len(data.projects) == 22


def test_sqlite_settings(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def _cells(frame: pd.DataFrame) -> list[object]:
    return [v for row in frame.itertuples(index=False) for v in row]


def test_read_model_has_one_missing_value_none_never_nan(plan_engine: Engine) -> None:
    import math

    with transaction(plan_engine) as s:
        record_actuals(s, [ActualInput("04-mynumber-card-rate", "2026-05", 86.0)], ADMIN, TODAY)
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    frames = {
        "projects": data.projects,
        "indicators": data.indicators,
        "milestones": data.milestones,
        "actuals": data.actuals,
        "statuses": indicator_statuses(data, Month(2026, 10)),
        "projects_status": project_statuses(data, Month(2026, 10)),
    }
    for name, frame in frames.items():
        floats = [v for v in _cells(frame) if isinstance(v, float) and math.isnan(v)]
        assert not floats, f"{name} holds NaN"
    urls = list(data.projects["url"])
    assert urls.count(None) == 10
    statuses = frames["statuses"].set_index("id")
    assert statuses.loc["01-online-procedures", "month"] is None  # never reported
    assert statuses.loc["01-online-procedures", "actual"] is None
    assert statuses.loc["04-mynumber-card-rate", "month"] == "2026-05"
