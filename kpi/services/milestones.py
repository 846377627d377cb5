"""Completing ● milestones (and, for administrators, undoing a completion)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor, PermissionDenied, require_admin, require_project_write
from kpi.domain.plan import PlanData
from kpi.domain.write_scope import can_write, project_rows
from kpi.store.audit import audit
from kpi.store.locks import hold_years, require_open
from kpi.store.models import Milestone, Project
from kpi.store.reads import milestone_by_code
from kpi.store.writes import EntryError, with_retry

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


def writable_milestones(data: PlanData, actor: Actor | None) -> pd.DataFrame:
    """The ● milestones of the projects the actor may write."""
    ok = {no for no, p in project_rows(data).items() if can_write(actor, p)}
    ms = data.milestones
    return ms.loc[ms["project_no"].isin(ok)].reset_index(drop=True)


def _milestone(session: Session, year: int, code: str) -> tuple[Milestone, Project]:
    row = milestone_by_code(session, year, code)
    if row is None:
        raise EntryError(f"不明なマイルストーンです: {code}")
    return row


def complete_milestone(session: Session, actor: Actor, year: int, code: str, completed_on: date, today: date) -> None:
    """Mark a ● milestone done on ``completed_on`` (not in the future, not in a locked month)."""
    ms, proj = _milestone(session, year, code)
    require_project_write(actor, proj.lead_department, proj.related_departments or (), "マイルストーンの完了")
    if completed_on > today:
        raise EntryError(f"完了日 {completed_on} は未来の日付です")
    if ms.completed_on is not None and not actor.is_admin:
        raise PermissionDenied("完了済みのマイルストーンの変更は管理者（admin）のみ実行できます")
    months = {Month.of(completed_on)} | ({Month.of(ms.completed_on)} if ms.completed_on else set())
    hold_years(session, [m.fiscal_year for m in months])
    for m in months:
        require_open(session, m.fiscal_year, m)
    previous = ms.completed_on
    ms.completed_on = completed_on
    ms.completed_by = actor.username
    ms.completed_at = pd.Timestamp.now(tz="UTC").to_pydatetime()
    audit(session, actor, "milestone.complete", code, completed_on=completed_on, previous=previous)


def undo_milestone(session: Session, actor: Actor, year: int, code: str) -> None:
    """Clear a completion (admins only: a done ● is part of the record)."""
    require_admin(actor, "マイルストーン完了の取り消し")
    ms, _ = _milestone(session, year, code)
    if ms.completed_on is None:
        return
    m = Month.of(ms.completed_on)
    hold_years(session, [m.fiscal_year])
    require_open(session, m.fiscal_year, m)
    audit(session, actor, "milestone.undo", code, previous=ms.completed_on, previous_by=ms.completed_by)
    ms.completed_on = None
    ms.completed_by = None
    ms.completed_at = None


def _save(
    session: Session, actor: Actor, year: int, complete: Mapping[str, date], undo: Sequence[str], today: date
) -> int:
    for code, when in complete.items():
        complete_milestone(session, actor, year, code, when, today)
    for code in undo:
        undo_milestone(session, actor, year, code)
    return len(complete) + len(undo)


def save_milestones(
    engine: Engine, actor: Actor, year: int, complete: Mapping[str, date], undo: Sequence[str], today: date
) -> int:
    """The milestone form in one transaction: completions ({code: date}) and undos; all or none."""
    return with_retry(engine, _save, actor, year, complete, undo, today)
