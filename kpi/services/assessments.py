"""Monthly self-assessments of a project (順調 / 注意 / 遅延 with a comment), append-only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from kpi.domain.fiscal import Month, current_month
from kpi.domain.frames import opt
from kpi.domain.permissions import Actor, require_project_write
from kpi.domain.plan import PlanData
from kpi.domain.status import Status
from kpi.domain.write_scope import can_write, project_rows
from kpi.store.audit import audit
from kpi.store.locks import hold_years, require_open
from kpi.store.models import Assessment
from kpi.store.reads import latest_assessment_revision, project_by_no
from kpi.store.writes import EntryError, with_retry
from kpi.text.control import refuse_control

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

ASSESSMENT_STATUSES = (Status.ON_TRACK.value, Status.CAUTION.value, Status.DELAYED.value)


def writable_projects(data: PlanData, actor: Actor | None, month: Month) -> pd.DataFrame:
    """Projects the actor may write, whether they have an indicator, and this month's assessment."""
    with_indicators = set(int(n) for n in data.indicators["project_no"])
    a = data.assessments.loc[data.assessments["month"] == str(month)].set_index("project_no")
    rows = []
    for no, p in project_rows(data).items():
        if not can_write(actor, p):
            continue
        have = no in a.index
        rows.append(
            {
                "project_no": no,
                "project_name": p["project_name"],
                "lead_department": p["lead_department"],
                "has_indicator": no in with_indicators,
                "assessment": opt(a.loc[no, "status"]) if have else None,
                "comment": (opt(a.loc[no, "comment"]) or "") if have else "",
                "author": (opt(a.loc[no, "author"]) or "") if have else "",
            }
        )
    columns = ["project_no", "project_name", "lead_department", "has_indicator", "assessment", "comment", "author"]
    return pd.DataFrame(rows, columns=columns)


def save_assessment(
    session: Session,
    actor: Actor,
    year: int,
    project_no: int,
    month: Month | str,
    status: str,
    comment: str,
    today: date,
) -> int:
    """Append a self-assessment revision for a project and month; return its revision."""
    month = Month.parse(month) if isinstance(month, str) else month
    proj = project_by_no(session, year, project_no)
    if proj is None:
        raise EntryError(f"不明な実施事業です: {project_no}")
    require_project_write(actor, proj.lead_department, proj.related_departments or (), "自己評価")
    if status not in ASSESSMENT_STATUSES:
        raise EntryError(f"自己評価は {' / '.join(ASSESSMENT_STATUSES)} のいずれかです: {status!r}")
    if month.fiscal_year != year:
        raise EntryError(f"{month.label_ja()} は {year}年度の月ではありません")
    if month > current_month(today):
        raise EntryError(f"{month.label_ja()} はまだ来ていない月です（今月は {current_month(today).label_ja()}）")
    refuse_control([("自己評価のコメント", comment)], EntryError)
    hold_years(session, [year])
    require_open(session, year, month)
    comment = comment.strip()
    if status == Status.DELAYED.value and not comment:
        raise EntryError("「遅延」の自己評価には理由（コメント）が必要です")
    latest = latest_assessment_revision(session, proj.id, str(month))
    revision = (latest or 0) + 1
    session.add(
        Assessment(
            project_id=proj.id,
            month=str(month),
            revision=revision,
            status=status,
            comment=comment,
            author=actor.username,
        )
    )
    audit(session, actor, "assessment.save", f"{project_no} {month}", status=status, comment=comment, revision=revision)
    session.flush()
    return revision


def _save_all(
    session: Session, actor: Actor, year: int, month: Month, changes: Sequence[tuple[int, str, str]], today: date
) -> int:
    for project_no, status, comment in changes:
        save_assessment(session, actor, year, project_no, month, status, comment, today)
    return len(changes)


def save_assessments(
    engine: Engine,
    actor: Actor,
    year: int,
    month: Month | str,
    changes: Sequence[tuple[int, str, str]],
    today: date,
) -> int:
    """The self-assessment form in one transaction: (project no, status, comment) per changed row."""
    month = Month.parse(month) if isinstance(month, str) else month
    return with_retry(engine, _save_all, actor, year, month, list(changes), today)
