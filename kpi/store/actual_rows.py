"""What a save of actuals reads before it writes (kpi.services.actuals): the indicators it
names with their owning project, the locked months and the current revisions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpi.store.models import ActualRevision, FiscalYear, Indicator, Project
from kpi.store.revisions import latest

# A save names its indicators: up to this many codes are looked up by name, not the whole table.
CODES_LOOKED_UP = 5_000


def indicator_rows(session: Session, codes: set[str] | None = None) -> list[tuple[Any, ...]]:
    """Indicators with the given codes (all when None or more than CODES_LOOKED_UP), in every
    fiscal year: (id, code, name, year, unit, min_value, max_value, lead department, related
    departments) per row. A code may recur year after year."""
    stmt = (
        select(
            Indicator.id,
            Indicator.code,
            Indicator.name,
            FiscalYear.year,
            Indicator.unit,
            Indicator.min_value,
            Indicator.max_value,
            Project.lead_department,
            Project.related_departments,
        )
        .join(FiscalYear, FiscalYear.id == Indicator.fiscal_year_id)
        .join(Project, Project.id == Indicator.project_id)
    )
    if codes is not None and len(codes) <= CODES_LOOKED_UP:
        stmt = stmt.where(Indicator.code.in_(sorted(codes)))
    return [tuple(r) for r in session.execute(stmt)]


def current_revisions(session: Session, indicator_ids: Iterable[int]) -> list[ActualRevision]:
    """The latest revision of every month of the given indicators."""
    ids = sorted(set(indicator_ids))
    if not ids:
        return []
    stmt = select(ActualRevision).join(
        *latest(ActualRevision, ActualRevision.indicator_id, ActualRevision.indicator_id.in_(ids))
    )
    return list(session.scalars(stmt))
