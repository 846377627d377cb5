"""Queries of the 期末評価 table (append-only: the latest revision of a project is current).

The rules of an evaluation (who may save, the scale, the suggestion) are ``kpi.cycle.evaluations``.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpi.store.models import Evaluation, FiscalYear, Project

EVALUATION_COLUMNS = ["project_no", "rating", "reason", "new_issues", "author", "created_at", "revision"]
HISTORY_COLUMNS = ["revision", "rating", "reason", "new_issues", "author", "created_at"]


def current_evaluations(session: Session, year: int) -> pd.DataFrame:
    """The latest evaluation of every evaluated project of a fiscal year."""
    latest = (
        select(Evaluation.project_id, func.max(Evaluation.revision).label("rev"))
        .group_by(Evaluation.project_id)
        .subquery()
    )
    stmt = (
        select(
            Project.no,
            Evaluation.rating,
            Evaluation.reason,
            Evaluation.new_issues,
            Evaluation.author,
            Evaluation.created_at,
            Evaluation.revision,
        )
        .join(latest, (Evaluation.project_id == latest.c.project_id) & (Evaluation.revision == latest.c.rev))
        .join(Project, Project.id == Evaluation.project_id)
        .join(FiscalYear, FiscalYear.id == Project.fiscal_year_id)
        .where(FiscalYear.year == year)
        .order_by(Project.no)
    )
    return pd.DataFrame([tuple(r) for r in session.execute(stmt).all()], columns=EVALUATION_COLUMNS)


def evaluation_revisions(session: Session, project_id: int) -> pd.DataFrame:
    """Every revision of one project's evaluation (by the project's row id), newest first."""
    stmt = (
        select(
            Evaluation.revision,
            Evaluation.rating,
            Evaluation.reason,
            Evaluation.new_issues,
            Evaluation.author,
            Evaluation.created_at,
        )
        .where(Evaluation.project_id == project_id)
        .order_by(Evaluation.revision.desc())
    )
    return pd.DataFrame([tuple(r) for r in session.execute(stmt).all()], columns=HISTORY_COLUMNS)


def latest_evaluation(session: Session, project_id: int) -> Evaluation | None:
    """The current revision of a project's evaluation, or None before the first save."""
    return session.scalars(
        select(Evaluation).where(Evaluation.project_id == project_id).order_by(Evaluation.revision.desc()).limit(1)
    ).one_or_none()


def evaluation_revision(session: Session, project_id: int, revision: int) -> Evaluation | None:
    """One revision of a project's evaluation, or None if there is no such revision."""
    return session.scalars(
        select(Evaluation).where(Evaluation.project_id == project_id, Evaluation.revision == revision)
    ).one_or_none()
