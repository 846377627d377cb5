"""Append-only revisions: the one "latest revision" query and the revision-number race.

Actuals and self-assessments are never updated in place: each save adds a row numbered
max+1 per (owner, month), and the highest number is current.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Subquery, func, select
from sqlalchemy.exc import IntegrityError

# Unique constraints whose violation means "someone else took this revision number".
REVISION_CONSTRAINTS = (
    "uq_actual_revisions_indicator_id",
    "uq_assessments_project_id",
    "uq_evaluations_project_id",
)
_SQLITE_TABLES = ("actual_revisions", "assessments", "evaluations")


def latest(model: Any, owner: Any, *where: Any, by_month: bool = True) -> tuple[Subquery, ColumnElement[bool]]:
    """The join target and ON clause that keep only the latest revision per (owner, month).

    ``where`` filters the rows *before* the maximum is taken (e.g. one fiscal year's
    indicators), so the maximum never scans other years. Use as
    ``select(...).join(*latest(ActualRevision, ActualRevision.indicator_id, ...))``.
    ``by_month=False`` for a model revised per owner only (the year-end evaluation).
    """
    keys = [owner.label("owner")] + ([model.month.label("month")] if by_month else [])
    newest = (
        select(*keys, func.max(model.revision).label("rev"))
        .where(*where)
        .group_by(owner, *([model.month] if by_month else []))
        .subquery()
    )
    on = (owner == newest.c.owner) & (model.revision == newest.c.rev)
    if by_month:
        on = on & (model.month == newest.c.month)
    return newest, on


def is_revision_conflict(exc: IntegrityError) -> bool:
    """True when ``exc`` is a revision-number race, not some other broken constraint."""
    orig = getattr(exc, "orig", None)
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name in REVISION_CONSTRAINTS
    text = str(orig if orig is not None else exc)
    # SQLite names the columns: "UNIQUE constraint failed: actual_revisions.indicator_id, …revision"
    return "UNIQUE constraint failed" in text and any(f"{t}.revision" in text for t in _SQLITE_TABLES)
