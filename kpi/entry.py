"""The write paths of the 実績入力 form and the admin pages, without Streamlit.

Monthly actuals (per-row conflicts, correction reasons, a note for a 遅延 value), milestone
completion, monthly self-assessments, period locks, plan administration and the bulk
import preview. Every function takes the acting user and checks permissions itself; every
write lands in the audit log. Reads for the form are pure functions over ``PlanData``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kpi.actuals import (
    ActualInput,
    ActualsRejected,
    Conflict,
    RowError,
    SaveResult,
    parse_number,
    record_actuals,
    validate_actuals,
)
from kpi.db import transaction
from kpi.evaluate import actuals_by_code, rule_of
from kpi.fiscal import Month, current_month, fiscal_months
from kpi.importers import read_actuals_bytes
from kpi.models import Assessment, FiscalYear, Milestone, PeriodLock, Project
from kpi.permissions import Actor, PermissionDenied, can_write_project, require_admin, require_project_write
from kpi.status import Status, Thresholds, evaluate_indicator, expected_value
from kpi.store import PlanData, audit, audit_frame, indicator_by_code, locked_months, plan_data, project_by_no

ASSESSMENT_STATUSES = (Status.ON_TRACK.value, Status.CAUTION.value, Status.DELAYED.value)
PLAN_FIELDS = ("baseline", "target", "target_factor", "monthly_plan", "on_track_threshold", "caution_threshold")
RETRIES = 3  # attempts when two sessions write the same revision number at once

T = TypeVar("T")


class EntryError(ValueError):
    """A write was refused for a reason the user can fix; the message is Japanese."""


class ConcurrentSave(EntryError):
    """Another session kept winning the race for the same revision number."""


def _locked_message(month: Month | str) -> str:
    return f"{month} は締め済み（ロック）のため変更できません。管理者に解除を依頼してください"


# ---------------------------------------------------------------- reads for the form


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return False  # NaN is a value to reject, not an empty cell
    return isinstance(value, str) and value.strip() == ""


def _project_rows(data: PlanData) -> dict[int, dict[str, Any]]:
    return {int(p["project_no"]): p for p in data.projects.to_dict("records")}


def _can(actor: Actor | None, project: dict[str, Any]) -> bool:
    if actor is None:
        return False
    return can_write_project(actor, project["lead_department"], project["related_departments"] or ())


def status_with(data: PlanData, code: str, month: Month, value: float | None) -> str:
    """The status of an indicator as of ``month`` if ``value`` were its actual for that month."""
    ind = data.indicators.loc[data.indicators["code"] == code].to_dict("records")[0]
    values = dict(actuals_by_code(data).get(code, {}))
    if value is not None:
        values[month] = value
    return evaluate_indicator(rule_of(ind), values, month, data.year).status.value


ENTRY_COLUMNS = [
    "code",
    "name",
    "project_no",
    "project_name",
    "lead_department",
    "unit",
    "baseline",
    "target",
    "expected",
    "current",
    "revision",
    "note",
    "author",
    "min_value",
    "max_value",
    "status",
    "writable",
]


def entry_rows(data: PlanData, actor: Actor | None, month: Month, only_writable: bool = True) -> pd.DataFrame:
    """The indicators of the form for ``month``: plan values, the current value and status."""
    projects = _project_rows(data)
    current = data.actuals.loc[data.actuals["month"] == str(month)].set_index("code")
    rows = []
    for ind in data.indicators.to_dict("records"):
        proj = projects[int(ind["project_no"])]
        writable = _can(actor, proj)
        if only_writable and not writable:
            continue
        rule = rule_of(ind)
        have = ind["code"] in current.index
        rows.append(
            {
                "code": ind["code"],
                "name": ind["name"],
                "project_no": int(ind["project_no"]),
                "project_name": proj["project_name"],
                "lead_department": proj["lead_department"],
                "unit": ind["unit"],
                "baseline": rule.baseline,
                "target": rule.resolved_target,
                "expected": expected_value(rule, month.fiscal_index),
                "current": float(current.loc[ind["code"], "value"]) if have else None,
                "revision": int(current.loc[ind["code"], "revision"]) if have else 0,
                "note": str(current.loc[ind["code"], "note"]) if have else "",
                "author": str(current.loc[ind["code"], "author"]) if have else "",
                "min_value": _num(ind["min_value"]),
                "max_value": _num(ind["max_value"]),
                "status": status_with(data, ind["code"], month, None),
                "writable": writable,
            }
        )
    return pd.DataFrame(rows, columns=ENTRY_COLUMNS)


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def writable_projects(data: PlanData, actor: Actor | None, month: Month) -> pd.DataFrame:
    """Projects the actor may write, whether they have an indicator, and this month's assessment."""
    with_indicators = set(int(n) for n in data.indicators["project_no"])
    a = data.assessments.loc[data.assessments["month"] == str(month)].set_index("project_no")
    rows = []
    for no, p in _project_rows(data).items():
        if not _can(actor, p):
            continue
        have = no in a.index
        rows.append(
            {
                "project_no": no,
                "project_name": p["project_name"],
                "lead_department": p["lead_department"],
                "has_indicator": no in with_indicators,
                "assessment": a.loc[no, "status"] if have else None,
                "comment": a.loc[no, "comment"] if have else "",
                "author": a.loc[no, "author"] if have else "",
            }
        )
    columns = ["project_no", "project_name", "lead_department", "has_indicator", "assessment", "comment", "author"]
    return pd.DataFrame(rows, columns=columns)


def writable_milestones(data: PlanData, actor: Actor | None) -> pd.DataFrame:
    """The ● milestones of the projects the actor may write."""
    ok = {no for no, p in _project_rows(data).items() if _can(actor, p)}
    ms = data.milestones
    return ms.loc[ms["project_no"].isin(ok)].reset_index(drop=True)


# ---------------------------------------------------------------- monthly actuals


@dataclass(frozen=True)
class CellInput:
    """One indicator of the form: what the user typed and what the form was loaded with."""

    code: str
    value: Any
    note: str = ""
    reason: str = ""
    loaded_revision: int | None = 0  # 0: the form showed no value; None: do not check
    loaded_value: float | None = None
    loaded_note: str = ""


@dataclass(frozen=True)
class MonthResult:
    month: str
    saved: list[tuple[str, str, int]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # code → status after the save


def _untouched(cell: CellInput) -> bool:
    if cell.loaded_value is None:
        return _blank(cell.value) and not cell.note.strip()
    try:
        same = parse_number(cell.value) == cell.loaded_value
    except ValueError:
        return _blank(cell.value)  # clearing a field does not delete a saved value
    return same and cell.note.strip() == cell.loaded_note.strip()


def _fiscal_year_id(session: Session, year: int) -> int:
    fid = session.scalar(select(FiscalYear.id).where(FiscalYear.year == year))
    if fid is None:
        raise EntryError(f"{year}年度の計画が読み込まれていません")
    return fid


def _require_open(session: Session, year: int, month: Month) -> None:
    if str(month) in locked_months(session, year):
        raise EntryError(_locked_message(month))


def save_month(
    session: Session, actor: Actor, year: int, month: Month | str, rows: Sequence[CellInput], today: date
) -> MonthResult:
    """Save the form of one month in the caller's transaction.

    Rows the user did not touch are skipped. Invalid rows (not a number, NaN, out of range,
    locked or future month, no permission, a correction without a reason, a 遅延 value
    without a note) raise ActualsRejected naming every row, and nothing is saved. A row
    that someone else saved after the form was loaded is a conflict: it is skipped and
    reported with their value while the other rows save.
    """
    month = Month.parse(month) if isinstance(month, str) else month
    if month.fiscal_year != year:
        raise EntryError(f"{month} は {year}年度の月ではありません")
    if actor.role == "viewer":
        raise PermissionDenied("実績の入力: 閲覧者（viewer）は書き込みできません")
    data = plan_data(session, year)
    if data is None:
        raise EntryError(f"{year}年度の計画が読み込まれていません")
    cells = [c for c in rows if not _untouched(c)]
    known = set(data.indicators["code"])
    note_errors: list[RowError] = []
    for c in cells:
        if c.code not in known or c.note.strip():
            continue
        try:
            value = parse_number(c.value)
        except ValueError:
            continue  # validate_actuals reports it
        if status_with(data, c.code, month, value) == Status.DELAYED.value:
            note_errors.append(
                RowError(
                    None, c.code, str(month), "この値では「遅延」になります。備考に理由（遅れの原因）を入力してください"
                )
            )
    inputs = [
        ActualInput(c.code, str(month), c.value, c.note.strip(), c.reason.strip(), expected_revision=c.loaded_revision)
        for c in cells
    ]
    if note_errors:
        _, errors = validate_actuals(session, inputs, actor, today)
        raise ActualsRejected(errors + note_errors)
    result: SaveResult = record_actuals(
        session, inputs, actor, today, source="form", all_or_nothing=False, require_reason=True
    )
    saved_values = {
        c.code: parse_number(c.value) for c in cells if (c.code, str(month)) in {s[:2] for s in result.saved}
    }
    statuses = {}
    for code in {c.code for c in cells}:
        theirs = next((k.their_value for k in result.conflicts if k.indicator_id == code), None)
        statuses[code] = status_with(data, code, month, saved_values.get(code, theirs))
    return MonthResult(
        str(month), list(result.saved), [u[0] for u in result.unchanged], list(result.conflicts), statuses
    )


def with_retry(engine: Engine, write: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``write(session, *args)`` in its own transaction, again if a revision number raced.

    Revisions are numbered max+1; two sessions saving the same cell at the same moment
    both compute the same number and the UNIQUE constraint refuses the second. Nothing
    is lost: the loser reads again and either saves the next revision or, when its form
    was loaded before the winner's save, reports a conflict with the winner's value.
    """
    for _ in range(RETRIES):
        try:
            with transaction(engine) as session:
                return write(session, *args, **kwargs)
        except IntegrityError:
            continue
    raise ConcurrentSave("同時に保存が行われたため保存できませんでした。もう一度保存してください")


def read(engine: Engine, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a read function ``query(session, *args)`` in a short transaction (pages hold no Session)."""
    with transaction(engine) as session:
        return query(session, *args, **kwargs)


_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$"


def escape_markdown(text: str) -> str:
    """User text (names, notes) for st.markdown/st.error: shown literally, never as markup."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))


def submit_month(
    engine: Engine, actor: Actor, year: int, month: Month | str, rows: Sequence[CellInput], today: date
) -> MonthResult:
    """``save_month`` in one transaction, retried when a concurrent save took the revision."""
    return with_retry(engine, save_month, actor, year, month, rows, today)


# ---------------------------------------------------------------- milestones


def _milestone(session: Session, year: int, code: str) -> tuple[Milestone, Project]:
    row = session.execute(
        select(Milestone, Project)
        .join(Project, Project.id == Milestone.project_id)
        .join(FiscalYear, FiscalYear.id == Milestone.fiscal_year_id)
        .where(FiscalYear.year == year, Milestone.code == code)
    ).one_or_none()
    if row is None:
        raise EntryError(f"不明なマイルストーンです: {code}")
    return row[0], row[1]


def complete_milestone(session: Session, actor: Actor, year: int, code: str, completed_on: date, today: date) -> None:
    """Mark a ● milestone done on ``completed_on`` (not in the future, not in a locked month)."""
    ms, proj = _milestone(session, year, code)
    require_project_write(actor, proj.lead_department, proj.related_departments or (), "マイルストーンの完了")
    if completed_on > today:
        raise EntryError(f"完了日 {completed_on} は未来の日付です")
    if ms.completed_on is not None and not actor.is_admin:
        raise PermissionDenied("完了済みのマイルストーンの変更は管理者（admin）のみ実行できます")
    for m in {Month.of(completed_on)} | ({Month.of(ms.completed_on)} if ms.completed_on else set()):
        _require_open(session, m.fiscal_year, m)
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
    _require_open(session, m.fiscal_year, m)
    audit(session, actor, "milestone.undo", code, previous=ms.completed_on, previous_by=ms.completed_by)
    ms.completed_on = None
    ms.completed_by = None
    ms.completed_at = None


# ---------------------------------------------------------------- self-assessments


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
        raise EntryError(f"{month} は {year}年度の月ではありません")
    if month > current_month(today):
        raise EntryError(f"{month} はまだ来ていない月です（今月は {current_month(today)}）")
    _require_open(session, year, month)
    comment = comment.strip()
    if status == Status.DELAYED.value and not comment:
        raise EntryError("「遅延」の自己評価には理由（コメント）が必要です")
    latest = session.scalar(
        select(func.max(Assessment.revision)).where(Assessment.project_id == proj.id, Assessment.month == str(month))
    )
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


# ---------------------------------------------------------------- period locks


def lock_month(session: Session, actor: Actor, year: int, month: Month | str) -> bool:
    """Lock a month (e.g. after the 期末評価); False when it was already locked."""
    require_admin(actor, "月の締め（ロック）")
    month = Month.parse(month) if isinstance(month, str) else month
    if month.fiscal_year != year:
        raise EntryError(f"{month} は {year}年度の月ではありません")
    fid = _fiscal_year_id(session, year)
    if str(month) in locked_months(session, year):
        return False
    session.add(PeriodLock(fiscal_year_id=fid, month=str(month), locked_by=actor.username))
    audit(session, actor, "period.lock", str(month), fiscal_year=year)
    session.flush()
    return True


def unlock_month(session: Session, actor: Actor, year: int, month: Month | str) -> bool:
    require_admin(actor, "月の締め（ロック）の解除")
    fid = _fiscal_year_id(session, year)
    lock = session.scalars(
        select(PeriodLock).where(PeriodLock.fiscal_year_id == fid, PeriodLock.month == str(month))
    ).one_or_none()
    if lock is None:
        return False
    session.delete(lock)
    audit(session, actor, "period.unlock", str(month), fiscal_year=year, locked_by=lock.locked_by)
    session.flush()
    return True


# ---------------------------------------------------------------- plan administration


def _finite(name: str, value: Any) -> float | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    try:
        return parse_number(value)
    except ValueError as exc:
        raise EntryError(f"{name}: {exc}") from None


def update_indicator_plan(
    session: Session, actor: Actor, year: int, code: str, changes: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Edit an indicator's baseline, target, target_factor, monthly plan or thresholds.

    Returns {field: (old, new)} for what changed; the audit entry records the same.
    """
    require_admin(actor, "計画値の変更")
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise EntryError(f"変更できない項目です: {', '.join(sorted(unknown))}")
    ind = indicator_by_code(session, year, code)
    if ind is None:
        raise EntryError(f"不明な指標IDです: {code}")
    new: dict[str, Any] = {}
    for name in ("baseline", "target", "target_factor"):
        if name in changes:
            new[name] = _finite(name, changes[name])
    for name in ("on_track_threshold", "caution_threshold"):
        if name in changes:
            value = _finite(name, changes[name])
            if value is None:
                raise EntryError(f"{name}: しきい値は空にできません")
            new[name] = value
    if "monthly_plan" in changes:
        new["monthly_plan"] = _monthly_plan(year, changes["monthly_plan"])
    on_track = new.get("on_track_threshold", ind.on_track_threshold)
    caution = new.get("caution_threshold", ind.caution_threshold)
    try:
        Thresholds(on_track=on_track, caution=caution)
    except ValueError as exc:
        raise EntryError(str(exc)) from None
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in new.items():
        old = getattr(ind, name)
        if old != value:
            changed[name] = (old, value)
            setattr(ind, name, value)
    if changed:
        audit(
            session,
            actor,
            "plan.edit",
            code,
            fiscal_year=year,
            changes={k: {"old": o, "new": n} for k, (o, n) in changed.items()},
        )
        session.flush()
    return changed


def _monthly_plan(year: int, plan: Any) -> dict[str, float] | None:
    if plan is None or plan == {}:
        return None
    if not isinstance(plan, dict):
        raise EntryError('月別計画は {"YYYY-MM": 値} の形式で指定してください')
    months = {str(m) for m in fiscal_months(year)}
    outside = sorted(set(map(str, plan)) - months)
    if outside:
        raise EntryError(f"月別計画: 年度外の月があります: {', '.join(outside)}")
    values = {str(k): _finite(f"月別計画 {k}", v) for k, v in plan.items()}
    missing = sorted(m for m in months if values.get(m) is None)
    if missing:
        raise EntryError(f"月別計画: 12か月すべてが必要です（不足: {', '.join(missing)}）")
    return {m: float(values[m]) for m in sorted(months)}  # type: ignore[arg-type]


# ---------------------------------------------------------------- bulk import


@dataclass(frozen=True)
class ImportPreview:
    rows: pd.DataFrame  # line, indicator_id, month, value, note, error
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.rows.empty


def preview_import(session: Session, actor: Actor, data: bytes, filename: str, today: date) -> ImportPreview:
    """Read and check an upload without writing; every row error is listed.

    Raises kpi.importers.FileFormatError when the file as a whole cannot be read.
    """
    require_admin(actor, "実績の一括取り込み")
    rows = read_actuals_bytes(data, filename)
    _, errors = validate_actuals(session, rows, actor, today)
    by_line: dict[int | None, list[str]] = {}
    for e in errors:
        by_line.setdefault(e.line, []).append(e.reason)
    frame = pd.DataFrame(
        [
            {
                "line": r.line,
                "indicator_id": r.indicator_id,
                "month": r.month,
                "value": "" if r.value is None else str(r.value),
                "note": r.note,
                "error": " / ".join(by_line.get(r.line, [])),
            }
            for r in rows
        ],
        columns=["line", "indicator_id", "month", "value", "note", "error"],
    )
    return ImportPreview(frame, errors)


def commit_import(session: Session, actor: Actor, data: bytes, filename: str, today: date) -> SaveResult:
    """Save an upload all or nothing (the same rules as ``python -m kpi import-actuals``)."""
    require_admin(actor, "実績の一括取り込み")
    rows = read_actuals_bytes(data, filename)
    result = record_actuals(session, rows, actor, today, source=f"import:{filename}", all_or_nothing=True)
    audit(session, actor, "actual.import", filename, rows=len(rows), saved=len(result.saved))
    return result


# ---------------------------------------------------------------- audit log


def audit_log(session: Session, actor: Actor) -> pd.DataFrame:
    """Every audit entry, newest first, with the detail as JSON text (admins only)."""
    require_admin(actor, "変更履歴の閲覧")
    frame = audit_frame(session)
    frame["detail"] = [json.dumps(d or {}, ensure_ascii=False, default=str) for d in frame["detail"]]
    return frame


def filter_audit(
    frame: pd.DataFrame,
    actor: str | None = None,
    actions: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    text: str = "",
) -> pd.DataFrame:
    """Entries by user, action, date range (inclusive, local dates of ``at``) and free text."""
    out = frame
    if actor:
        out = out.loc[out["actor"] == actor]
    if actions:
        out = out.loc[out["action"].isin(list(actions))]
    if start or end:
        days = pd.to_datetime(out["at"], utc=True).dt.tz_convert("Asia/Tokyo").dt.date
        if start:
            out = out.loc[days >= start]
            days = days.loc[out.index]
        if end:
            out = out.loc[days <= end]
    if text.strip():
        needle = text.strip().lower()
        hay = (
            out["target"].astype(str) + " " + out["detail"].astype(str) + " " + out["action"].astype(str)
        ).str.lower()
        out = out.loc[hay.str.contains(needle, regex=False)]
    return out.reset_index(drop=True)


def format_monthly_plan(plan: dict[str, Any] | None) -> str:
    """A monthly plan as editable text: one ``YYYY-MM: value`` line per month."""
    if not plan:
        return ""
    return "\n".join(f"{m}: {float(v):g}" for m, v in sorted(plan.items()))


def parse_monthly_plan(text: str) -> dict[str, str] | None:
    """Lines of ``YYYY-MM: value`` (or ``YYYY-MM,value``) back to a dict; empty text → None.

    Values stay text here; ``update_indicator_plan`` checks them with the other fields.
    """
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        for sep in (":", ",", "\t", " "):
            if sep in line:
                month, value = (p.strip() for p in line.split(sep, 1))
                break
        else:
            raise EntryError(f"月別計画 {n}行目: 「YYYY-MM: 値」の形式で入力してください: {line!r}")
        try:
            out[str(Month.parse(month))] = value
        except ValueError as exc:
            raise EntryError(f"月別計画 {n}行目: {exc}") from None
    return out or None
