"""The query functions of kpi.store that services, the cycle and reports call instead of
writing SQL themselves, each on a real database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kpi.store.db import DEFAULT_PLAN, transaction
from kpi.store.evaluations import (
    EVALUATION_COLUMNS,
    HISTORY_COLUMNS,
    current_evaluations,
    evaluation_revision,
    evaluation_revisions,
    latest_evaluation,
)
from kpi.store.models import Evaluation
from kpi.store.reads import project_by_no

from .conftest import import_with_year_before


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
