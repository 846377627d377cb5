"""期末評価 (year-end evaluation) of each 実施事業: the three fields of the plan's sheet —
実績の検証評価 (a rating), 左記の状況・理由等 (reason) and 新たに生じた課題や特に留意すべき
状況の変化等 (new issues) — plus a suggested rating and the 総括 table of 経営戦略課.

Evaluations are append-only (kpi.store.models.Evaluation): saving adds a revision and the latest
is current. Editors evaluate the projects of their departments, admins any project; every
save is audited.

Rating scale (``kpi.domain.rating``, read as words by ``kpi.text.rating``): A 達成 / B 概ね達成 /
C 未達成 / D 評価不能 by default, another with ``KPI_EVALUATION_SCALE``. Codes of the default
scale are used by the suggestion rule; a custom scale without them shows no suggestion.

Suggested rating (shown, never forced), from the project's statuses at the end of the
fiscal year (or at the as-of month before then, as a provisional suggestion):
- D 評価不能: nothing to judge — no indicator, ● or self-assessment has a measured status
  (all 未入力 / 基準値未設定 / 参考).
- C 未達成: any 遅延 (indicator, overdue ●, or self-assessment).
- B 概ね達成: otherwise, any 注意, any 未入力/基準値未設定 next to measured ones, or an
  indicator that is 順調 but has not reached its target (at year end, 順調 means ≥ 90% of
  the expected progress but short of the target).
- A 達成: every indicator 達成, every ● 完了 (or not yet due), and a self-assessment, if
  any, 順調.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.domain.clock import local_time_text
from kpi.domain.fiscal import Month
from kpi.domain.frames import opt
from kpi.domain.inquiry import OPEN_STATES, OwedItem, State
from kpi.domain.permissions import Actor, require_project_write
from kpi.domain.plan import PlanData
from kpi.domain.rating import DEFAULT_SCALE, EvaluationRejected, rating_scale
from kpi.domain.status import Status
from kpi.domain.statuses import assessment_statuses, indicator_statuses, project_statuses
from kpi.store.audit import audit
from kpi.store.evaluations import current_evaluations, evaluation_revisions, latest_evaluation
from kpi.store.inquiry import InquiryInfo, StateInfo, check_save, evaluation_states, inquiry_info, owed_now, record_save
from kpi.store.models import Evaluation, Project
from kpi.store.reads import project_by_no, use_year_scale
from kpi.text.catalog import t
from kpi.text.control import refuse_control
from kpi.text.rating import UNFILLED, rating_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_TEXT = 4000  # a sheet cell holds a few paragraphs; longer text is a paste error


# The suggestion's reasons (suggest_rating): catalog keys; the reason is kept in Japanese.
SUGGESTION_KEYS = ("nothing", "delayed", "caution", "no_data", "short", "not_due", "all_done")


def suggestion_reason(reason: str, lang: str = "ja") -> str:
    """A reason of ``suggest_rating`` (Japanese) in ``lang``; any other text as it is."""
    for key in SUGGESTION_KEYS:
        if t(f"suggest_{key}") == reason:
            return t(f"suggest_{key}", lang)
    return reason


def _project(session: Session, year: int, project_no: int) -> Project:
    project = project_by_no(session, year, project_no)
    if project is None:
        raise EvaluationRejected(f"実施事業 {project_no} は {year} 年度の計画にありません")
    return project


def evaluation_history(session: Session, year: int, project_no: int) -> pd.DataFrame:
    """Every revision of one project's evaluation, newest first."""
    return evaluation_revisions(session, _project(session, year, project_no).id)


@dataclass(frozen=True)
class SaveOutcome:
    project_no: int
    revision: int
    changed: bool  # False: identical to the current revision, nothing written


def save_evaluation(
    session: Session,
    actor: Actor,
    year: int,
    project_no: int,
    rating: str,
    reason: str = "",
    new_issues: str = "",
) -> SaveOutcome:
    """Add a revision of a project's 期末評価 (editors: own departments; admins: any)."""
    project = _project(session, year, project_no)
    require_project_write(actor, project.lead_department, project.related_departments, "期末評価の保存")
    use_year_scale(session, year)  # the plan's own rating list, whoever calls
    codes = [r.code for r in rating_scale()]
    if not rating:
        raise EvaluationRejected(f"実績の検証評価（{' / '.join(codes)}）を選んでください")
    if rating not in codes:
        raise EvaluationRejected(f"実績の検証評価は {' / '.join(codes)} のいずれかを選んでください（{rating}）")
    reason, new_issues = (reason or "").strip(), (new_issues or "").strip()
    refuse_control([("左記の状況・理由等", reason), ("新たに生じた課題等", new_issues)], EvaluationRejected)
    for label, text in (("左記の状況・理由等", reason), ("新たに生じた課題等", new_issues)):
        if len(text) > MAX_TEXT:
            raise EvaluationRejected(f"{label}は{MAX_TEXT}文字以内で入力してください（{len(text)}文字）")
    last = latest_evaluation(session, project.id)
    if last is not None and (last.rating, last.reason, last.new_issues) == (rating, reason, new_issues):
        return SaveOutcome(project_no, last.revision, changed=False)
    before, state_row = check_save(session, actor, year, project)
    revision = (last.revision if last else 0) + 1
    session.add(
        Evaluation(
            project_id=project.id,
            revision=revision,
            rating=rating,
            reason=reason,
            new_issues=new_issues,
            author=actor.username,
        )
    )
    audit(
        session,
        actor,
        "evaluation.save",
        f"{year}/project:{project_no}",
        rating=rating,
        previous=last.rating if last else None,
        revision=revision,
    )
    record_save(session, actor, year, project, before, state_row)
    return SaveOutcome(project_no, revision, changed=True)


# ---------------------------------------------------------------- suggestion (pure)

_MEASURED = {Status.ACHIEVED, Status.ON_TRACK, Status.CAUTION, Status.DELAYED, Status.DONE, Status.NOT_DUE}
_GAPS = {Status.NO_DATA, Status.NO_BASELINE}


@dataclass(frozen=True)
class Suggestion:
    rating: str | None  # a code of the default scale, or None with a custom scale
    reason: str
    provisional: bool  # computed before the fiscal year ended


def suggest_rating(indicators: list[str], milestones: list[str], assessment: str | None) -> tuple[str, str]:
    """The rule of the module docstring over status codes; returns (code, reason)."""
    ind = [Status(s) for s in indicators]
    ms = [Status(s) for s in milestones]
    own = [Status(assessment)] if assessment else []
    everything = ind + ms + own
    # An indicator whose figure is not due yet (予定: a yearly survey before its month) has
    # measured nothing.
    reported = [s for s in ind if s is not Status.NOT_DUE]
    if not any(s in _MEASURED for s in reported + ms + own) or (
        not reported and not own and all(s is Status.NOT_DUE for s in ms)
    ):
        return "D", t("suggest_nothing")
    if Status.DELAYED in everything:
        return "C", t("suggest_delayed")
    if Status.CAUTION in everything:
        return "B", t("suggest_caution")
    if any(s in _GAPS for s in everything):
        return "B", t("suggest_no_data")
    if Status.ON_TRACK in ind:
        return "B", t("suggest_short")
    if Status.NOT_DUE in ind:
        return "B", t("suggest_not_due")
    return "A", t("suggest_all_done")


def suggestions(data: PlanData, as_of: Month, statuses: pd.DataFrame | None = None) -> dict[int, Suggestion]:
    """Suggested rating of every project from the statuses at year end (or ``as_of`` before).

    ``statuses``: ``indicator_statuses(data, min(as_of, year end))`` when the caller already has
    it (the pages share one per data version). One pass over the statuses, not one per project.
    """
    year_end = Month(data.year + 1, 3)
    at = min(as_of, year_end)
    if statuses is None:
        statuses = indicator_statuses(data, at)
    by_project: dict[int, dict[str, list[str]]] = {}
    if not statuses.empty:
        for no, kind, status in statuses[["project", "kind", "status"]].itertuples(index=False):
            by_project.setdefault(int(no), {}).setdefault(str(kind), []).append(status)
    assessed = {
        int(no): status for no, status in assessment_statuses(data, at)[["project", "status"]].itertuples(index=False)
    }
    default = {c for c, _ in DEFAULT_SCALE} <= {r.code for r in rating_scale()}
    out: dict[int, Suggestion] = {}
    for no in data.projects["project_no"]:
        own = by_project.get(int(no), {})
        code, reason = suggest_rating(own.get("indicator", []), own.get("milestone", []), assessed.get(int(no)))
        out[int(no)] = Suggestion(code if default else None, reason, provisional=at < year_end)
    return out


SUMMARY_COLUMNS = [
    "project_no",
    "measure_no",
    "measure",
    "project_name",
    "lead_department",
    "rating",
    "rating_text",
    "suggested",
    "filled",
    "reason",
    "new_issues",
    "author",
    "updated_at",
    "state",
    "overdue",
]


def summary_table(
    data: PlanData,
    evaluations: pd.DataFrame,
    as_of: Month,
    measure_nos: list[int] | None = None,
    *,
    states: Mapping[int, State] | None = None,
    departments: list[str] | None = None,
    deadline: date | None = None,
    today: date | None = None,
    statuses: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """総括: every project's state and rating (未記入 flagged), with the suggestion next to it.

    ``overdue``: the inquiry's deadline has passed and the evaluation is not 提出済/確定.
    ``updated_at`` is JST text. ``statuses``: as for ``suggestions``.
    """
    symbols = dict(zip(data.measures["measure_no"], data.measures["symbol"], strict=True))
    # Plain dicts: one pandas .loc per cell of a thousand rows costs more than the whole table.
    ev: dict[Any, dict[str, Any]] = (
        evaluations.set_index("project_no").to_dict("index") if not evaluations.empty else {}
    )
    sugg = suggestions(data, as_of, statuses)
    late = deadline is not None and today is not None and today > deadline
    rows = []
    for p in data.projects.to_dict("records"):
        no = int(p["project_no"])
        if measure_nos and int(p["measure_no"]) not in measure_nos:
            continue
        if departments and p["lead_department"] not in departments:
            continue
        e = ev.get(no)
        has = e is not None
        rating = str(e["rating"]) if e is not None else None
        state = (states or {}).get(no, State.IN_PROGRESS if has else State.NOT_STARTED)
        rows.append(
            {
                "project_no": no,
                "measure_no": int(p["measure_no"]),
                "measure": symbols[p["measure_no"]],
                "project_name": p["project_name"],
                "lead_department": p["lead_department"],
                "rating": rating,
                "rating_text": rating_text(rating),
                "suggested": sugg[no].rating,
                "filled": has,
                "reason": str(e["reason"]) if e is not None else "",
                "new_issues": str(e["new_issues"]) if e is not None else "",
                "author": str(e["author"]) if e is not None else "",
                "updated_at": local_time_text(e["created_at"]) if e is not None else "",
                "state": State(state).value,
                "overdue": bool(late and State(state) in OPEN_STATES),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def state_counts(summary: pd.DataFrame) -> dict[str, int]:
    """Projects per workflow state, in the workflow's order (未着手 … 確定)."""
    counts = {s.value: 0 for s in State}
    for state in summary["state"]:
        counts[str(state)] += 1
    return counts


def rating_counts(summary: pd.DataFrame) -> dict[str, int]:
    """Projects per rating code of the scale, then 未記入; codes outside the scale count too."""
    counts = {r.code: 0 for r in rating_scale()}
    counts[UNFILLED] = 0
    for rating in summary["rating"]:
        key = UNFILLED if rating is None or (isinstance(rating, float) and pd.isna(rating)) else str(rating)
        counts[key] = counts.get(key, 0) + 1
    return counts


# ---------------------------------------------------------------- the year next to the form (pure)


@dataclass(frozen=True)
class YearReview:
    """What the evaluation form shows next to its three fields."""

    year_end: Month  # the month the statuses are taken at (March, or the as-of month before)
    project_status: str | None
    indicators: pd.DataFrame  # name, unit, status, month, actual, target, note
    milestones: pd.DataFrame  # name, month, status, completed_on
    assessments: pd.DataFrame  # month, status, comment, author (every month, newest first)
    suggestion: Suggestion


def _latest_note(actuals: pd.DataFrame, code: str, up_to: str) -> str:
    own = actuals[(actuals["code"] == code) & (actuals["month"] <= up_to)]
    notes = [str(n) for n in own.sort_values("month")["note"] if opt(n) is not None]
    return notes[-1] if notes else ""


def year_review(data: PlanData, as_of: Month, project_no: int) -> YearReview:
    """The project's year-end statuses, indicator values against targets, milestones,
    self-assessments with comments, the notes behind 注意/遅延, and the suggested rating."""
    data = data.only_projects([project_no])  # one project: the rest of the plan is not evaluated
    year_end = Month(data.year + 1, 3)
    at = min(as_of, year_end)
    statuses = indicator_statuses(data, at)
    own = statuses[statuses["project"] == project_no] if not statuses.empty else statuses
    warn = {Status.CAUTION.value, Status.DELAYED.value}
    ind = own[own["kind"] == "indicator"] if not own.empty else own
    indicators = pd.DataFrame(
        [
            {
                "name": r["name"],
                "unit": r["unit"],
                "status": r["status"],
                "month": opt(r["month"]),
                "actual": opt(r["actual"]),
                "target": opt(r["target"]),
                "note": _latest_note(data.actuals, str(r["id"]), str(at)) if r["status"] in warn else "",
            }
            for r in ind.to_dict("records")
        ],
        columns=["name", "unit", "status", "month", "actual", "target", "note"],
    )
    ms = own[own["kind"] == "milestone"] if not own.empty else own
    milestones = pd.DataFrame(
        [
            {"name": r["name"], "month": r["month"], "status": r["status"], "completed_on": opt(r["actual"])}
            for r in ms.to_dict("records")
        ],
        columns=["name", "month", "status", "completed_on"],
    )
    a = data.assessments
    a = a[(a["project_no"] == project_no) & (a["month"] <= str(at))].sort_values("month", ascending=False)
    assessments = a[["month", "status", "comment", "author"]].reset_index(drop=True)
    projects = project_statuses(data, at, statuses)
    row = projects[projects["id"] == project_no]
    status = opt(row["status"].iloc[0]) if len(row) else None
    return YearReview(at, status, indicators, milestones, assessments, suggestions(data, as_of)[project_no])


def evaluation_overview(session: Session, year: int) -> tuple[pd.DataFrame, dict[int, StateInfo], InquiryInfo | None]:
    """What the 期末評価 page shows: current evaluations, their workflow states, the inquiry."""
    return current_evaluations(session, year), evaluation_states(session, year), inquiry_info(session, year)


def department_overview(
    session: Session,
    year: int,
    as_of: Month,
    data: PlanData | None = None,
    statuses: pd.DataFrame | None = None,
) -> tuple[list[OwedItem], InquiryInfo | None, dict[int, StateInfo], pd.DataFrame]:
    """What 「あなたの課の照会」 shows: what is owed, the inquiry, states, current evaluations."""
    items, inquiry = owed_now(session, year, as_of, data, statuses)
    return items, inquiry, evaluation_states(session, year), current_evaluations(session, year)
