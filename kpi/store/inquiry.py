"""The year-end inquiry in the database: open/close it, move evaluations through their
states (kpi.domain.inquiry's rules), department contact e-mails. Every write checks the acting
user's permissions here and lands in the audit log.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpi.domain.fiscal import Month
from kpi.domain.inquiry import Action, OwedItem, State, TransitionRefused, WorkflowDenied, owed_items, transition
from kpi.domain.permissions import Actor, can_write_project, require_admin
from kpi.domain.plan import PlanData
from kpi.store.audit import audit
from kpi.store.models import (
    AppSetting,
    DepartmentContact,
    Evaluation,
    EvaluationState,
    FiscalYear,
    Inquiry,
    Project,
    utcnow,
)
from kpi.store.reads import plan_data, project_by_no
from kpi.text.control import refuse_control
from kpi.text.labels import denied_text, refusal_text, state_label

MAX_COMMENT = 2000
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InquiryRejected(ValueError):
    """Nothing was written; the message says why, in Japanese."""


@dataclass(frozen=True)
class InquiryInfo:
    year: int
    deadline: date
    is_open: bool
    opened_by: str
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None


@dataclass(frozen=True)
class StateInfo:
    state: State
    comment: str  # the admin's comment of the latest return
    updated_by: str | None
    updated_at: datetime | None


def _fiscal_year(session: Session, year: int) -> FiscalYear:
    fy = session.scalars(select(FiscalYear).where(FiscalYear.year == year)).one_or_none()
    if fy is None:
        raise InquiryRejected(f"{year}年度の計画がありません（python -m kpi init / import-plan で読み込んでください）")
    return fy


def _inquiry(session: Session, year: int) -> Inquiry | None:
    return session.scalars(
        select(Inquiry).join(FiscalYear, FiscalYear.id == Inquiry.fiscal_year_id).where(FiscalYear.year == year)
    ).one_or_none()


def inquiry_info(session: Session, year: int) -> InquiryInfo | None:
    inq = _inquiry(session, year)
    if inq is None:
        return None
    return InquiryInfo(year, inq.deadline, inq.is_open, inq.opened_by, inq.opened_at, inq.closed_by, inq.closed_at)


def open_inquiry(session: Session, actor: Actor, year: int, deadline: date) -> InquiryInfo:
    """Open (or reopen, with a new deadline) the inquiry of a fiscal year. Admins only."""
    require_admin(actor, "各課照会の開始")
    fy = _fiscal_year(session, year)
    inq = _inquiry(session, year)
    previous = None
    if inq is None:
        inq = Inquiry(fiscal_year_id=fy.id, deadline=deadline, is_open=True, opened_by=actor.username)
        session.add(inq)
    else:
        previous = inq.deadline.isoformat()
        inq.deadline, inq.is_open, inq.opened_by, inq.opened_at = deadline, True, actor.username, utcnow()
        inq.closed_by, inq.closed_at = None, None
    session.flush()
    audit(session, actor, "inquiry.open", f"{year}", deadline=deadline.isoformat(), previous_deadline=previous)
    info = inquiry_info(session, year)
    assert info is not None
    return info


def close_inquiry(session: Session, actor: Actor, year: int) -> InquiryInfo:
    """Close the open inquiry of a fiscal year. Admins only."""
    require_admin(actor, "各課照会の終了")
    _fiscal_year(session, year)
    inq = _inquiry(session, year)
    if inq is None or not inq.is_open:
        raise InquiryRejected(f"{year}年度の各課照会は開始されていません")
    inq.is_open, inq.closed_by, inq.closed_at = False, actor.username, utcnow()
    session.flush()
    audit(session, actor, "inquiry.close", f"{year}")
    info = inquiry_info(session, year)
    assert info is not None
    return info


def evaluation_states(session: Session, year: int) -> dict[int, StateInfo]:
    """Every project's state. Without a state row: 未着手, or 入力中 when an evaluation exists
    (evaluations saved before the workflow existed)."""
    rows = session.execute(
        select(Project.no, EvaluationState.state, EvaluationState.comment, EvaluationState.updated_by,
               EvaluationState.updated_at)
        .join(EvaluationState, EvaluationState.project_id == Project.id)
        .join(FiscalYear, FiscalYear.id == Project.fiscal_year_id)
        .where(FiscalYear.year == year)
    ).all()  # fmt: skip
    evaluated = set(
        session.scalars(
            select(Project.no)
            .join(Evaluation, Evaluation.project_id == Project.id)
            .join(FiscalYear, FiscalYear.id == Project.fiscal_year_id)
            .where(FiscalYear.year == year)
        )
    )
    numbers = session.scalars(
        select(Project.no).join(FiscalYear, FiscalYear.id == Project.fiscal_year_id).where(FiscalYear.year == year)
    ).all()
    out = {
        int(no): StateInfo(State.IN_PROGRESS if no in evaluated else State.NOT_STARTED, "", None, None)
        for no in numbers
    }
    for no, state, comment, by, at in rows:
        out[int(no)] = StateInfo(State(state), comment or "", by, at)
    return out


def _state_row(session: Session, project: Project) -> EvaluationState | None:
    return session.scalars(select(EvaluationState).where(EvaluationState.project_id == project.id)).one_or_none()


def _has_evaluation(session: Session, project: Project) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Evaluation).where(Evaluation.project_id == project.id)))


def _current_state(session: Session, project: Project) -> tuple[State, EvaluationState | None]:
    row = _state_row(session, project)
    if row is not None:
        return State(row.state), row
    return (State.IN_PROGRESS if _has_evaluation(session, project) else State.NOT_STARTED), None


def _set_state(
    session: Session, actor: Actor, year: int, project: Project, action: Action, before: State, after: State,
    row: EvaluationState | None, comment: str | None,
) -> None:  # fmt: skip
    if row is None:
        row = EvaluationState(project_id=project.id, state=after.value, comment="", updated_by=actor.username)
        session.add(row)
    row.state, row.updated_by, row.updated_at = after.value, actor.username, utcnow()
    if comment is not None:
        row.comment = comment
    if before is not after or action is not Action.SAVE:
        audit(
            session,
            actor,
            # a save's own entry is evaluation.save; its state change is logged beside it
            "evaluation.state" if action is Action.SAVE else f"evaluation.{action.value}",
            f"{year}/project:{project.no}",
            before=state_label(before),
            after=state_label(after),
            **({"comment": comment} if comment else {}),
        )


def _transition(before: State, action: Action, actor: Actor, can_edit: bool) -> State:
    """The workflow's step (kpi.domain.inquiry.transition), refused in words a person reads."""
    try:
        return transition(before, action, is_admin=actor.is_admin, can_edit=can_edit)
    except WorkflowDenied as exc:
        raise WorkflowDenied(denied_text(action, exc.admin_only), action, exc.admin_only) from exc
    except TransitionRefused as exc:
        raise TransitionRefused(refusal_text(before, action), before, action) from exc


def check_save(session: Session, actor: Actor, year: int, project: Project) -> tuple[State, EvaluationState | None]:
    """Refuse a save the workflow does not allow (提出済, 確定); return the state before it."""
    before, row = _current_state(session, project)
    can_edit = can_write_project(actor, project.lead_department, project.related_departments)
    _transition(before, Action.SAVE, actor, can_edit)
    return before, row


def record_save(
    session: Session, actor: Actor, year: int, project: Project, before: State, row: EvaluationState | None
) -> None:
    """After a saved revision: the evaluation is 入力中 (a 差戻し comment stays visible)."""
    _set_state(session, actor, year, project, Action.SAVE, before, State.IN_PROGRESS, row, None)


def apply_action(
    session: Session, actor: Actor, year: int, project_no: int, action: Action | str, comment: str = ""
) -> State:
    """Submit (editors, admins), return with a comment, confirm or reopen (admins)."""
    act = Action(action)
    project = project_by_no(session, year, project_no)
    if project is None:
        raise InquiryRejected(f"実施事業 {project_no} は {year} 年度の計画にありません")
    before, row = _current_state(session, project)
    can_edit = can_write_project(actor, project.lead_department, project.related_departments)
    after = _transition(before, act, actor, can_edit)
    comment = (comment or "").strip()
    if act is Action.SUBMIT:
        inq = _inquiry(session, year)
        if inq is None or not inq.is_open:
            raise TransitionRefused(f"{year}年度の各課照会は開始されていないため、提出できません")
        if not _has_evaluation(session, project):
            raise TransitionRefused("評価が入力されていません。保存してから提出してください")
    if act is Action.RETURN and not comment:
        raise InquiryRejected("差戻しには理由（コメント）が必要です")
    if len(comment) > MAX_COMMENT:
        raise InquiryRejected(f"コメントは{MAX_COMMENT}文字以内で入力してください（{len(comment)}文字）")
    new_comment = comment if act is Action.RETURN else ("" if act is Action.CONFIRM else None)
    _set_state(session, actor, year, project, act, before, after, row, new_comment)
    return after


# ---------------------------------------------------------------- contacts


def department_emails(session: Session) -> dict[str, str]:
    rows = session.execute(select(DepartmentContact.department, DepartmentContact.email)).all()
    return {d: e for d, e in sorted(rows)}


def set_department_email(session: Session, actor: Actor, department: str, email: str) -> bool:
    """Set (or with an empty address, remove) a department's contact e-mail. Admins only.
    Returns False when nothing changed."""
    require_admin(actor, "部署の連絡先の設定")
    department, email = (department or "").strip(), (email or "").strip()
    refuse_control([("部署名", department), ("メールアドレス", email)], InquiryRejected)
    if not department:
        raise InquiryRejected("部署名を入力してください")
    if email and not EMAIL_RE.match(email):
        raise InquiryRejected(f"メールアドレスの形式が正しくありません: {email}")
    row = session.scalars(select(DepartmentContact).where(DepartmentContact.department == department)).one_or_none()
    previous = row.email if row else None
    if previous == (email or None):
        return False
    if not email:
        assert row is not None
        session.delete(row)
    elif row is None:
        session.add(DepartmentContact(department=department, email=email, updated_by=actor.username))
    else:
        row.email, row.updated_by, row.updated_at = email, actor.username, utcnow()
    audit(session, actor, "department.email", department, email=email or None, previous=previous)
    return True


# ---------------------------------------------------------------- signing key

SIGNING_KEY = "inquiry_sheet_key"


def signing_key(session: Session) -> bytes:
    """The server's key for signing inquiry workbooks (generated once, kept in the database)."""
    row = session.get(AppSetting, SIGNING_KEY)
    if row is None:
        row = AppSetting(name=SIGNING_KEY, value=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


# ---------------------------------------------------------------- reads for pages and commands


def owed_now(
    session: Session,
    year: int,
    as_of: Month,
    data: PlanData | None = None,
    statuses: pd.DataFrame | None = None,
) -> tuple[list[OwedItem], InquiryInfo | None]:
    """What every department owes as of ``as_of`` (evaluations only while the inquiry is open).

    ``data``/``statuses``: the year's plan and indicator statuses when the caller already holds
    them (a page's shared cache); otherwise read here."""
    if data is None:
        data = plan_data(session, year)
    if data is None:
        raise InquiryRejected(f"{year}年度の計画がありません")
    info = inquiry_info(session, year)
    states = {no: s.state for no, s in evaluation_states(session, year).items()}
    return owed_items(data, as_of, states, inquiry_open=bool(info and info.is_open), statuses=statuses), info
