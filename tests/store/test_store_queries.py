"""The query functions of kpi.store that services, the cycle and reports call instead of
writing SQL themselves, each on a real database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from kpi.store import actual_rows
from kpi.store.actual_rows import current_revisions, indicator_rows
from kpi.store.db import DEFAULT_PLAN, is_database_busy, transaction, upgrade
from kpi.store.demo_rows import (
    delete_sample_rows,
    projects_with_indicators,
    real_actual_count,
    year_indicators,
    year_projects,
)
from kpi.store.evaluations import (
    EVALUATION_COLUMNS,
    HISTORY_COLUMNS,
    current_evaluations,
    evaluation_revision,
    evaluation_revisions,
    latest_evaluation,
)
from kpi.store.models import ActualRevision, Assessment, Evaluation
from kpi.store.reads import (
    fiscal_year_id,
    indicator_by_code,
    latest_assessment_revision,
    latest_fiscal_year,
    milestone_by_code,
    plan_data,
    project_by_no,
)
from tests.conftest import import_with_year_before


def _evaluate(s: Session, year: int, no: int, *ratings: str) -> int:
    project = project_by_no(s, year, no)
    assert project is not None
    for revision, rating in enumerate(ratings, start=1):
        s.add(Evaluation(project_id=project.id, revision=revision, rating=rating, reason=f"r{revision}", author="a"))
    s.flush()
    return project.id


# ---------------------------------------------------------------- kpi.store.evaluations


def test_current_evaluations_are_the_latest_revision_of_each_project_of_the_year(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    import_with_year_before(sqlite_engine, DEFAULT_PLAN, tmp_path)
    with transaction(sqlite_engine) as s:
        assert list(current_evaluations(s, 2026).columns) == EVALUATION_COLUMNS
        assert current_evaluations(s, 2026).empty
        _evaluate(s, 2026, 3, "B", "C")
        _evaluate(s, 2026, 1, "A")
        _evaluate(s, 2025, 2, "D")  # another year: not this year's
        current = current_evaluations(s, 2026)
    assert list(current["project_no"]) == [1, 3]
    assert list(current["rating"]) == ["A", "C"]
    assert list(current["revision"]) == [1, 2]
    assert list(current["reason"]) == ["r1", "r2"]


def test_evaluation_revisions_are_newest_first_and_only_the_project_s(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        one = _evaluate(s, 2026, 1, "B", "C", "A")
        two = _evaluate(s, 2026, 2, "D")
        history = evaluation_revisions(s, one)
        assert list(history.columns) == HISTORY_COLUMNS
        assert list(history["revision"]) == [3, 2, 1]
        assert list(history["rating"]) == ["A", "C", "B"]
        assert list(evaluation_revisions(s, two)["rating"]) == ["D"]


def test_latest_evaluation_and_one_revision(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        project = project_by_no(s, 2026, 1)
        assert project is not None
        assert latest_evaluation(s, project.id) is None
        assert evaluation_revision(s, project.id, 1) is None
        _evaluate(s, 2026, 1, "B", "C")
        latest = latest_evaluation(s, project.id)
        first = evaluation_revision(s, project.id, 1)
        assert latest is not None and (latest.revision, latest.rating) == (2, "C")
        assert first is not None and (first.revision, first.rating) == (1, "B")
        assert evaluation_revision(s, project.id, 3) is None


# ---------------------------------------------------------------- kpi.store.reads (lookups of write paths)


def test_fiscal_year_id_and_latest_fiscal_year(sqlite_engine: Engine, tmp_path: Path) -> None:
    upgrade(sqlite_engine)
    with transaction(sqlite_engine) as s:
        assert latest_fiscal_year(s) is None and fiscal_year_id(s, 2026) is None
    import_with_year_before(sqlite_engine, DEFAULT_PLAN, tmp_path)
    with transaction(sqlite_engine) as s:
        assert latest_fiscal_year(s) == 2026
        ids = fiscal_year_id(s, 2025), fiscal_year_id(s, 2026)
        project = project_by_no(s, 2026, 1)
        assert project is not None and ids[1] == project.fiscal_year_id
        assert ids[0] is not None and ids[0] != ids[1]
        assert fiscal_year_id(s, 2027) is None


def test_milestone_by_code_is_the_year_s_milestone_with_its_project(sqlite_engine: Engine, tmp_path: Path) -> None:
    import_with_year_before(sqlite_engine, DEFAULT_PLAN, tmp_path)  # the 2025 copy has no 工程表
    with transaction(sqlite_engine) as s:
        found = milestone_by_code(s, 2026, "01-m1")
        assert found is not None
        milestone, project = found
        assert (milestone.code, project.no, project.id) == ("01-m1", 1, milestone.project_id)
        assert milestone_by_code(s, 2025, "01-m1") is None
        assert milestone_by_code(s, 2026, "no-such-milestone") is None


def test_latest_assessment_revision_per_project_and_month(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        one, two = project_by_no(s, 2026, 1), project_by_no(s, 2026, 2)
        assert one is not None and two is not None
        assert latest_assessment_revision(s, one.id, "2026-05") is None
        for revision in (1, 2, 3):
            s.add(Assessment(project_id=one.id, month="2026-05", revision=revision, status="on_track", author="a"))
        s.add(Assessment(project_id=one.id, month="2026-06", revision=1, status="caution", author="a"))
        s.flush()
        assert latest_assessment_revision(s, one.id, "2026-05") == 3
        assert latest_assessment_revision(s, one.id, "2026-06") == 1
        assert latest_assessment_revision(s, two.id, "2026-05") is None


# ---------------------------------------------------------------- kpi.store.actual_rows


def test_indicator_rows_name_the_owning_project_in_every_year(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_with_year_before(sqlite_engine, DEFAULT_PLAN, tmp_path)
    with transaction(sqlite_engine) as s:
        rows = indicator_rows(s, {"04-mynumber-card-rate"})
        assert sorted(r[3] for r in rows) == [2025, 2026]  # one row per year the code recurs
        row = next(r for r in rows if r[3] == 2026)
        ind, project = indicator_by_code(s, 2026, "04-mynumber-card-rate"), project_by_no(s, 2026, 4)
        assert ind is not None and project is not None
        assert row[:3] == (ind.id, ind.code, ind.name) and row[4:7] == (ind.unit, ind.min_value, ind.max_value)
        assert row[7:] == (project.lead_department, project.related_departments)
        assert indicator_rows(s, {"no-such-code"}) == []
        data = plan_data(s, 2026)
        assert data is not None
        everything = indicator_rows(s)
        assert len(everything) == 2 * len(data.indicators)
        # Past CODES_LOOKED_UP codes the whole table is read (the caller picks its codes from it).
        monkeypatch.setattr(actual_rows, "CODES_LOOKED_UP", 1)
        assert len(indicator_rows(s, {"04-mynumber-card-rate", "no-such-code"})) == len(everything)


def test_current_revisions_are_the_latest_of_each_month_of_the_given_indicators(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        a, b = indicator_by_code(s, 2026, "04-mynumber-card-rate"), indicator_by_code(s, 2026, "01-online-procedures")
        assert a is not None and b is not None
        assert current_revisions(s, []) == [] and current_revisions(s, [a.id]) == []
        for ind, month, revision, value in ((a, "2026-04", 1, 1.0), (a, "2026-04", 2, 2.0), (a, "2026-05", 1, 3.0)):
            s.add(ActualRevision(indicator_id=ind.id, month=month, revision=revision, value=value, author="a"))
        s.add(ActualRevision(indicator_id=b.id, month="2026-04", revision=1, value=9.0, author="a"))
        s.flush()
        got = {(r.indicator_id, r.month): (r.revision, r.value) for r in current_revisions(s, [a.id, a.id])}
        assert got == {(a.id, "2026-04"): (2, 2.0), (a.id, "2026-05"): (1, 3.0)}
        assert len(current_revisions(s, [a.id, b.id])) == 3


# ---------------------------------------------------------------- kpi.store.demo_rows


def test_demo_rows_of_a_year(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
        fid = fiscal_year_id(s, 2026)
        assert data is not None and fid is not None
        assert [i.code for i in year_indicators(s, fid)] == list(data.indicators["code"])
        assert [p.no for p in year_projects(s, fid)] == sorted(data.projects["project_no"])
        with_indicators = {p.no for p in year_projects(s, fid) if p.id in projects_with_indicators(s, fid)}
        assert with_indicators == set(data.indicators["project_no"])
        assert year_indicators(s, -1) == [] and year_projects(s, -1) == []


def test_sample_rows_are_deleted_and_real_ones_kept_and_counted(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        fid = fiscal_year_id(s, 2026)
        ind, project = indicator_by_code(s, 2026, "04-mynumber-card-rate"), project_by_no(s, 2026, 1)
        assert fid is not None and ind is not None and project is not None
        assert real_actual_count(s, fid) == 0 and delete_sample_rows(s, fid) == 0
        for month, sample in (("2026-04", True), ("2026-05", True), ("2026-06", False)):
            s.add(ActualRevision(indicator_id=ind.id, month=month, revision=1, value=1.0, author="a", is_sample=sample))
        for month, sample in (("2026-04", True), ("2026-05", False)):
            s.add(
                Assessment(
                    project_id=project.id, month=month, revision=1, status="on_track", author="a", is_sample=sample
                )
            )
        s.flush()
        assert real_actual_count(s, fid) == 1
        assert delete_sample_rows(s, fid) == 3
        assert real_actual_count(s, fid) == 1
        left = s.execute(text("SELECT COUNT(*) FROM actual_revisions")).scalar_one()
        assessments = s.execute(text("SELECT COUNT(*) FROM assessments")).scalar_one()
        assert (left, assessments) == (1, 1)


# ---------------------------------------------------------------- kpi.store.db.is_database_busy


def test_a_database_locked_by_another_writer_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.commit()
    holder.execute("BEGIN IMMEDIATE")  # holds the write lock
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05})
    try:
        with pytest.raises(OperationalError) as caught, engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
        assert is_database_busy(caught.value)
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()


def test_other_failures_are_not_busy() -> None:
    assert not is_database_busy(OperationalError("SELECT x", {}, Exception("no such table: x")))
    assert not is_database_busy(IntegrityError("INSERT", {}, Exception("database is locked")))
    assert not is_database_busy(RuntimeError("database is locked"))
