"""The rows the sample data (kpi.services.demo) reads and removes: a year's indicators and
projects, how many real actuals it has, and the rows marked ``is_sample``."""

from __future__ import annotations

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from kpi.store.models import ActualRevision, Assessment, Indicator, Project


def real_actual_count(session: Session, fiscal_year_id: int) -> int:
    """Revisions of the year's actuals that are not sample data."""
    return (
        session.scalar(
            select(func.count())
            .select_from(ActualRevision)
            .join(Indicator)
            .where(Indicator.fiscal_year_id == fiscal_year_id, ActualRevision.is_sample.is_(False))
        )
        or 0
    )


def year_indicators(session: Session, fiscal_year_id: int) -> list[Indicator]:
    """The year's indicators in the plan's order."""
    stmt = select(Indicator).where(Indicator.fiscal_year_id == fiscal_year_id).order_by(Indicator.position)
    return list(session.scalars(stmt))


def year_projects(session: Session, fiscal_year_id: int) -> list[Project]:
    """The year's projects by number."""
    return list(session.scalars(select(Project).where(Project.fiscal_year_id == fiscal_year_id).order_by(Project.no)))


def projects_with_indicators(session: Session, fiscal_year_id: int) -> set[int]:
    """Row ids of the year's projects that have at least one indicator."""
    return set(session.scalars(select(Indicator.project_id).where(Indicator.fiscal_year_id == fiscal_year_id)))


def delete_sample_rows(session: Session, fiscal_year_id: int) -> int:
    """Delete the year's sample actual revisions and sample self-assessments (nothing else);
    return how many rows were removed."""
    ind_ids = select(Indicator.id).where(Indicator.fiscal_year_id == fiscal_year_id)
    proj_ids = select(Project.id).where(Project.fiscal_year_id == fiscal_year_id)
    n = _rowcount(
        session.execute(
            delete(ActualRevision).where(ActualRevision.is_sample.is_(True), ActualRevision.indicator_id.in_(ind_ids))
        )
    )
    n += _rowcount(
        session.execute(delete(Assessment).where(Assessment.is_sample.is_(True), Assessment.project_id.in_(proj_ids)))
    )
    return n


def _rowcount(result: object) -> int:
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0
