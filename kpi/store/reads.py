"""Reading the plan and its current values from the database into the read model.

Functions take the Session first; the caller owns its lifecycle (one per user action, see
``kpi.store.db.transaction``). Reads for pages and reports return DataFrames or frozen
dataclasses, never ORM objects; the lookups for write paths inside kpi (``project_by_no``,
``indicator_by_code``, ``milestone_by_code``) return the ORM row to change in the same session.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpi.domain.frames import none_for_missing
from kpi.domain.group_rollup import RollupPolicy
from kpi.domain.plan import DEFAULT_LEVELS
from kpi.domain.scale import PlanScale, use_scale
from kpi.store.models import (
    ActualRevision,
    Assessment,
    FiscalYear,
    Indicator,
    Measure,
    Milestone,
    PeriodLock,
    Policy,
    Project,
    ScheduleRow,
)

if TYPE_CHECKING:  # the plan file's parser (pydantic, yaml) loads only for writes: `status` reads
    pass
from kpi.domain.plan import FiscalYearInfo, PlanData


def fiscal_years(session: Session) -> list[FiscalYearInfo]:
    rows = session.scalars(select(FiscalYear).order_by(FiscalYear.year)).all()
    return [
        FiscalYearInfo(r.year, r.label, r.municipality, r.plan_name, tuple(r.levels) if r.levels else DEFAULT_LEVELS)
        for r in rows
    ]


def fiscal_year_id(session: Session, year: int) -> int | None:
    """The row id of a fiscal year, or None when its plan is not loaded."""
    return session.scalar(select(FiscalYear.id).where(FiscalYear.year == year))


def latest_fiscal_year(session: Session) -> int | None:
    """The latest fiscal year in the database, or None when no plan is loaded."""
    return session.scalar(select(FiscalYear.year).order_by(FiscalYear.year.desc()).limit(1))


def project_by_no(session: Session, year: int, no: int) -> Project | None:
    """The ORM row of 実施事業 ``no`` of a fiscal year (for write paths inside kpi)."""
    return session.scalars(
        select(Project)
        .join(FiscalYear, FiscalYear.id == Project.fiscal_year_id)
        .where(FiscalYear.year == year, Project.no == no)
    ).one_or_none()


def indicator_by_code(session: Session, year: int, code: str) -> Indicator | None:
    return session.scalars(
        select(Indicator)
        .join(FiscalYear, FiscalYear.id == Indicator.fiscal_year_id)
        .where(FiscalYear.year == year, Indicator.code == code)
    ).one_or_none()


def milestone_by_code(session: Session, year: int, code: str) -> tuple[Milestone, Project] | None:
    """The ORM rows of a ● milestone of a fiscal year and of its project (for write paths)."""
    row = session.execute(
        select(Milestone, Project)
        .join(Project, Project.id == Milestone.project_id)
        .join(FiscalYear, FiscalYear.id == Milestone.fiscal_year_id)
        .where(FiscalYear.year == year, Milestone.code == code)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def _frame(session: Session, stmt: Any, columns: list[str] | None = None) -> pd.DataFrame:
    """Rows of a select as a DataFrame; columns are named by the select's labels unless given.

    This is the read model's boundary: a missing value is None, never NaN (kpi.domain.frames).
    """
    result = session.execute(stmt)
    names = columns if columns is not None else list(result.keys())
    return none_for_missing(pd.DataFrame([tuple(r) for r in result.all()], columns=names))


def _columns(model: Any, names: tuple[str, ...]) -> list[Any]:
    return [getattr(model, n) for n in names]


# Plan fields that PlanData carries under their own names.
PROJECT_FIELDS = (
    "lead_department", "related_departments", "summary", "expected_effect", "url",
    "previous_work", "this_year", "next_years", "outcome",
)  # fmt: skip


MILESTONE_FIELDS = ("row_position", "item", "month", "text", "completed_on", "completed_by")


INDICATOR_FIELDS = (
    "name", "unit", "baseline", "baseline_note", "target", "target_factor", "target_note", "direction",
    "accumulation", "monthly_plan", "on_track_threshold", "caution_threshold", "min_value", "max_value",
    "baseline_is_new", "baseline_month", "target_year", "yearly_targets", "flow_scope", "frequency", "due_month",
    "start_total", "start_total_month",
)  # fmt: skip


def plan_data(session: Session, year: int, previous_year: bool = True) -> PlanData | None:
    """The fiscal year's plan and current values. ``previous_year=False`` leaves out the year
    before's actuals (``PlanData.previous_actuals``, drawn only by the charts): a status table
    does not read them, and at 3,000 indicators they are a third of the read."""
    fy = session.scalars(select(FiscalYear).where(FiscalYear.year == year)).one_or_none()
    if fy is None:
        return None
    fid = fy.id
    policies = _frame(
        session,
        select(Policy.no, Policy.name, Policy.code).where(Policy.fiscal_year_id == fid).order_by(Policy.no),
        ["policy_no", "policy_name", "policy_code"],
    )
    measures = _frame(
        session,
        select(Measure.no, Measure.symbol, Measure.name, Policy.no, Measure.code, Measure.hidden)
        .join(Policy, Measure.policy_id == Policy.id)
        .where(Measure.fiscal_year_id == fid)
        .order_by(Measure.no),
        ["measure_no", "symbol", "measure_name", "policy_no", "measure_code", "hidden"],
    )
    # Display codes as printed; without one: the policy's number, the measure's symbol, the
    # project's number (two digits, as the R8 plan prints them).
    policies["policy_code"] = [c or str(n) for c, n in zip(policies["policy_code"], policies["policy_no"], strict=True)]
    measures["measure_code"] = [
        c or s or str(n)
        for c, s, n in zip(measures["measure_code"], measures["symbol"], measures["measure_no"], strict=True)
    ]
    measures["measure_symbol"] = measures["symbol"]  # as in the file (new-year writes it back)
    measures["symbol"] = measures["measure_code"]
    projects = _frame(
        session,
        select(
            Project.no.label("project_no"),
            Project.name.label("project_name"),
            Measure.no.label("measure_no"),
            Project.code.label("project_code"),
            *_columns(Project, PROJECT_FIELDS),
        )
        .join(Measure, Project.measure_id == Measure.id)
        .where(Project.fiscal_year_id == fid)
        .order_by(Project.no),
    )
    schedule = _frame(
        session,
        select(Project.no.label("project_no"), ScheduleRow.position, ScheduleRow.item, ScheduleRow.bars)
        .join(Project, ScheduleRow.project_id == Project.id)
        .where(Project.fiscal_year_id == fid)
        .order_by(Project.no, ScheduleRow.position),
    )
    milestones = _frame(
        session,
        select(Milestone.code, Project.no.label("project_no"), *_columns(Milestone, MILESTONE_FIELDS))
        .join(Project, Milestone.project_id == Project.id)
        .where(Milestone.fiscal_year_id == fid)
        .order_by(Project.no, Milestone.row_position, Milestone.month, Milestone.code),
    )
    indicators = _frame(
        session,
        select(Indicator.code, Project.no.label("project_no"), *_columns(Indicator, INDICATOR_FIELDS))
        .join(Project, Indicator.project_id == Project.id)
        .where(Indicator.fiscal_year_id == fid)
        .order_by(Indicator.position),
    )
    projects["project_code"] = [
        c or f"{n:02d}" for c, n in zip(projects["project_code"], projects["project_no"], strict=True)
    ]
    actuals = current_actuals(session, fid)
    assessments = current_assessments(session, fid)
    scopes = zip(indicators["code"], indicators["flow_scope"], strict=True)
    cumulative = [code for code, scope in scopes if scope == "since_baseline"]
    # Reading a plan puts its own scale in use: what is drawn from it next reads in its words.
    scale = PlanScale.from_json(fy.scale)
    use_scale(scale)
    return PlanData(
        fy.year,
        fy.label,
        fy.municipality,
        fy.plan_name,
        policies,
        measures,
        projects,
        schedule,
        milestones,
        indicators,
        actuals,
        assessments,
        tuple(fy.levels) if fy.levels else DEFAULT_LEVELS,
        fy.owner_department,
        previous_actuals(session, year) if previous_year else None,
        earlier_actuals(session, fy.year, cumulative),
        rollup=RollupPolicy.from_stored(fy.rollup),
        scale=scale,
    )


def plan_scales(session: Session) -> dict[int, PlanScale]:
    """Fiscal year → its plan's own scale (the product's where the file names none)."""
    rows = session.execute(select(FiscalYear.year, FiscalYear.scale)).all()
    return {int(year): PlanScale.from_json(scale) for year, scale in rows}


def use_year_scale(session: Session, year: int) -> PlanScale:
    """Put fiscal ``year``'s scale in use (a write path that checks ratings without reading the plan)."""
    raw = session.scalar(select(FiscalYear.scale).where(FiscalYear.year == year))
    scale = PlanScale.from_json(raw)
    use_scale(scale)
    return scale


def previous_actuals(session: Session, year: int) -> pd.DataFrame | None:
    """The year before's current actuals (``PlanData.previous_actuals``), None without that year."""
    previous = session.scalar(select(FiscalYear.id).where(FiscalYear.year == year - 1))
    return None if previous is None else current_actuals(session, previous)


def indicators_with_actuals(session: Session, year: int, codes: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator rows (as ``PlanData.indicators``) and current actuals of ``codes`` only
    (with earlier years' values of 累計 indicators, as ``PlanData.earlier_actuals``): what a
    save needs to re-evaluate the rows it wrote, without reading the whole plan."""
    fid = session.scalar(select(FiscalYear.id).where(FiscalYear.year == year)) or -1  # -1: no rows
    indicators = _frame(
        session,
        select(Indicator.code, Project.no.label("project_no"), *_columns(Indicator, INDICATOR_FIELDS))
        .join(Project, Indicator.project_id == Project.id)
        .where(Indicator.fiscal_year_id == fid, Indicator.code.in_(list(codes)))
        .order_by(Indicator.position),
    )
    scopes = zip(indicators["code"], indicators["flow_scope"], strict=True)
    earlier = earlier_actuals(session, year, [c for c, scope in scopes if scope == "since_baseline"])
    actuals = current_actuals(session, fid, codes)[["code", "month", "value"]]
    return indicators, pd.concat([earlier, actuals], ignore_index=True) if len(earlier) else actuals


def earlier_actuals(session: Session, year: int, codes: list[str]) -> pd.DataFrame:
    """Current values of the same indicator codes in fiscal years before ``year``."""
    rows: list[pd.DataFrame] = []
    if codes:
        for fid in session.scalars(select(FiscalYear.id).where(FiscalYear.year < year)).all():
            # Only these codes are read: other indicators of other years cost nothing.
            frame = current_actuals(session, fid, codes)
            rows.append(frame[["code", "month", "value"]])
    rows = [r for r in rows if not r.empty]
    if not rows:
        return pd.DataFrame(columns=["code", "month", "value"])
    return pd.concat(rows, ignore_index=True)


ACTUAL_COLUMNS = ["code", "month", "value", "note", "author", "created_at", "revision", "is_sample"]


def current_actuals(session: Session, fiscal_year_id: int, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """The current (latest) revision of every indicator-month of a fiscal year (or of ``codes``)."""
    # Filter to the year before taking the latest revision: other years cost nothing.
    own = Indicator.fiscal_year_id == fiscal_year_id
    if codes is not None:
        own = own & Indicator.code.in_(list(codes))
    latest = (
        select(ActualRevision.indicator_id, ActualRevision.month, func.max(ActualRevision.revision).label("rev"))
        .join(Indicator, Indicator.id == ActualRevision.indicator_id)
        .where(own)
        .group_by(ActualRevision.indicator_id, ActualRevision.month)
        .subquery()
    )
    stmt = (
        select(
            Indicator.code,
            ActualRevision.month,
            ActualRevision.value,
            ActualRevision.note,
            ActualRevision.author,
            ActualRevision.created_at,
            ActualRevision.revision,
            ActualRevision.is_sample,
        )
        .join(
            latest,
            (ActualRevision.indicator_id == latest.c.indicator_id)
            & (ActualRevision.month == latest.c.month)
            & (ActualRevision.revision == latest.c.rev),
        )
        .join(Indicator, Indicator.id == ActualRevision.indicator_id)
        .where(own, ActualRevision.withdrawn.is_(False))  # a month whose latest revision withdrew it has no value
        .order_by(Indicator.position, ActualRevision.month)
    )
    return _frame(session, stmt, ACTUAL_COLUMNS)


def current_assessments(session: Session, fiscal_year_id: int) -> pd.DataFrame:
    latest = (
        select(Assessment.project_id, Assessment.month, func.max(Assessment.revision).label("rev"))
        .join(Project, Project.id == Assessment.project_id)
        .where(Project.fiscal_year_id == fiscal_year_id)
        .group_by(Assessment.project_id, Assessment.month)
        .subquery()
    )
    stmt = (
        select(
            Project.no,
            Assessment.month,
            Assessment.status,
            Assessment.comment,
            Assessment.author,
            Assessment.created_at,
            Assessment.revision,
            Assessment.is_sample,
        )
        .join(
            latest,
            (Assessment.project_id == latest.c.project_id)
            & (Assessment.month == latest.c.month)
            & (Assessment.revision == latest.c.rev),
        )
        .join(Project, Project.id == Assessment.project_id)
        .where(Project.fiscal_year_id == fiscal_year_id)
        .order_by(Project.no, Assessment.month)
    )
    return _frame(
        session, stmt, ["project_no", "month", "status", "comment", "author", "created_at", "revision", "is_sample"]
    )


def latest_assessment_revision(session: Session, project_id: int, month: str) -> int | None:
    """The highest revision of a project's self-assessment of ``month``, or None before the first."""
    return session.scalar(
        select(func.max(Assessment.revision)).where(Assessment.project_id == project_id, Assessment.month == month)
    )


def actual_history(session: Session, year: int, code: str) -> pd.DataFrame:
    """Every revision of one indicator, newest first: value, note, reason, who, when."""
    stmt = (
        select(
            ActualRevision.month,
            ActualRevision.revision,
            ActualRevision.value,
            ActualRevision.note,
            ActualRevision.reason,
            ActualRevision.author,
            ActualRevision.created_at,
            ActualRevision.source,
            ActualRevision.is_sample,
        )
        .join(Indicator, Indicator.id == ActualRevision.indicator_id)
        .join(FiscalYear, FiscalYear.id == Indicator.fiscal_year_id)
        .where(FiscalYear.year == year, Indicator.code == code)
        .order_by(ActualRevision.month.desc(), ActualRevision.revision.desc())
    )
    return _frame(
        session, stmt, ["month", "revision", "value", "note", "reason", "author", "created_at", "source", "is_sample"]
    )


def locked_months(session: Session, year: int) -> set[str]:
    stmt = (
        select(PeriodLock.month)
        .join(FiscalYear, FiscalYear.id == PeriodLock.fiscal_year_id)
        .where(FiscalYear.year == year)
    )
    return set(session.scalars(stmt))
