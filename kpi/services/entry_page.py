"""What 実績入力 computes besides its forms' rows: the months one may enter, the locked ones,
and which of the form's inputs are changes (the forms' own rules are in actuals_form,
milestones, assessments and bulk_import)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from kpi.domain.fiscal import Month, current_month, fiscal_months
from kpi.store.reads import locked_months

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def entry_months(year: int, as_of: Month, today: date) -> tuple[list[Month], Month]:
    """The fiscal year's months up to this month (April when the year is ahead), and the one
    the form opens on: the as-of month when it is one of them, else the latest."""
    months = [m for m in fiscal_months(year) if m <= current_month(today)] or [Month(year, 4)]
    return months, as_of if as_of in months else months[-1]


def month_locks(session: Session, year: int) -> set[str]:
    """The year's locked months (「2026-04」): their entry is closed."""
    return locked_months(session, year)


def milestone_changes(
    codes: Iterable[str],
    done: Mapping[str, bool],
    dates: Mapping[str, date | None],
    undo: Mapping[str, bool],
    today: date,
) -> tuple[dict[str, date], list[str]]:
    """The milestone form's ticks as (completed code → date, default today; codes to undo)."""
    codes = list(codes)
    complete = {c: dates.get(c) or today for c in codes if done.get(c)}
    return complete, [c for c in codes if undo.get(c)]


def assessment_changes(
    projects: Iterable[Mapping[str, Any]], statuses: Mapping[int, str], comments: Mapping[int, str]
) -> list[tuple[int, str, str]]:
    """(project, status, comment) of each row whose chosen status or comment differs from the
    stored one; a row without a status chosen is not a change."""
    out = []
    for p in projects:
        no = int(p["project_no"])
        status, comment = statuses.get(no) or "", comments.get(no) or ""
        if status and (status != (p["assessment"] or "") or comment != (p["comment"] or "")):
            out.append((no, status, comment))
    return out
