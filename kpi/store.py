"""Reading and writing the plan; the audit log.

Functions take the Session first; the caller owns its lifecycle (one per user action, see
``kpi.db.transaction``). Reads return DataFrames or frozen dataclasses, never ORM objects.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kpi.frames import none_for_missing
from kpi.labels import DEFAULT_LEVELS, level_words, plan_title
from kpi.models import (
    ActualRevision,
    Assessment,
    AuditEntry,
    Evaluation,
    FiscalYear,
    Indicator,
    Measure,
    Milestone,
    PeriodLock,
    Policy,
    Project,
    ScheduleRow,
)
from kpi.permissions import Actor, require_admin

if TYPE_CHECKING:  # the plan file's parser (pydantic, yaml) loads only for writes: `status` reads
    from kpi.planfile import PlanFile


def audit(session: Session, actor: Actor | str, action: str, target: str = "", **detail: Any) -> None:
    """Append one entry to the audit log (in the caller's transaction)."""
    name = actor.username if isinstance(actor, Actor) else actor
    session.add(AuditEntry(actor=name, action=action, target=target, detail=_jsonable(detail)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _assign(obj: Any, **fields: Any) -> list[str]:
    """Set fields that differ; return the names that changed (so a re-import changes nothing)."""
    changed = []
    for key, value in fields.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed.append(key)
    return changed


def stored_levels(plan: PlanFile) -> list[str] | None:
    """None for the default three levels, so that a plan without ``levels`` stores nothing new."""
    return None if tuple(plan.levels) == DEFAULT_LEVELS else list(plan.levels)


@dataclass(frozen=True)
class LoadSummary:
    fiscal_year: int
    created: int
    updated: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def load_plan(session: Session, plan: PlanFile, source: str, actor: Actor) -> LoadSummary:
    """Create or update one fiscal year's plan from a validated plan file.

    Entries are matched by their numbers and ids, so actuals, completed milestones,
    assessments and evaluations stay attached. An entry that holds data cannot be removed
    by leaving it out of the file. A baseline left empty (null) in the file keeps the value
    an administrator set in the database.
    """
    from kpi.planfile import NEW_BASELINE, PlanError

    require_admin(actor, "計画の読み込み")
    other = session.scalars(select(FiscalYear).where(FiscalYear.municipality != plan.municipality)).first()
    if other is not None:
        raise PlanError(
            source,
            [
                f"{source}: このデータベースは{other.municipality}の計画を保持しています。"
                f"{plan.municipality}の計画は KPI_DATABASE_URL で別のデータベースに読み込んでください"
                "（読み込んだだけで何も入力していないデータベースなら、import-plan --replace で置き換えられます）"
            ],
        )
    created = updated = removed = 0

    def track(obj: Any, **fields: Any) -> Any:
        nonlocal created, updated
        if obj is None:
            raise AssertionError("track() needs an object")
        if _assign(obj, **fields):
            updated += 1
        return obj

    fy = session.scalars(select(FiscalYear).where(FiscalYear.year == plan.fiscal_year)).one_or_none()
    if fy is None:
        fy = FiscalYear(
            year=plan.fiscal_year,
            label=plan.label,
            municipality=plan.municipality,
            plan_name=plan.plan_name,
            owner_department=plan.owner_department,
            source_file=source,
            levels=stored_levels(plan),
        )
        session.add(fy)
        session.flush()
        created += 1
    else:
        track(
            fy,
            label=plan.label,
            municipality=plan.municipality,
            plan_name=plan.plan_name,
            owner_department=plan.owner_department,
            levels=stored_levels(plan),
        )

    def existing(model: Any, key: str) -> dict[Any, Any]:
        rows = session.scalars(select(model).where(model.fiscal_year_id == fy.id)).all()
        return {getattr(r, key): r for r in rows}

    policies = existing(Policy, "no")
    for p in plan.policies:
        if p.no in policies:
            track(policies[p.no], name=p.name, code=p.code or "")
        else:
            policies[p.no] = Policy(fiscal_year_id=fy.id, no=p.no, name=p.name, code=p.code or "")
            session.add(policies[p.no])
            created += 1
    session.flush()

    measures = existing(Measure, "no")
    for m in plan.all_measures():
        fields = dict(symbol=m.symbol, code=m.code or "", name=m.name, policy_id=policies[m.policy].id, hidden=m.hidden)
        if m.no in measures:
            track(measures[m.no], **fields)
        else:
            measures[m.no] = Measure(fiscal_year_id=fy.id, no=m.no, **fields)
            session.add(measures[m.no])
            created += 1
    session.flush()

    projects = existing(Project, "no")
    for pr in plan.projects:
        fields = dict(
            name=pr.name,
            code=pr.code or "",
            measure_id=measures[plan.measure_of(pr)].id,
            lead_department=pr.lead_department,
            related_departments=list(pr.related_departments),
            summary=pr.summary,
            expected_effect=pr.expected_effect,
            url=pr.url,
            previous_work=pr.previous_work,
            this_year=pr.this_year,
            next_years=pr.next_years,
            outcome=pr.outcome,
        )
        if pr.no in projects:
            track(projects[pr.no], **fields)
        else:
            projects[pr.no] = Project(fiscal_year_id=fy.id, no=pr.no, **fields)
            session.add(projects[pr.no])
            created += 1
    session.flush()

    # 工程表 rows are plain plan text: replaced when they differ. Read for the whole year in one
    # query of plain rows (one query per project cost a second at 1,000 projects).
    stored: dict[int, list[tuple[int, str, Any]]] = {}
    year_rows = (
        select(ScheduleRow.project_id, ScheduleRow.position, ScheduleRow.item, ScheduleRow.bars)
        .join(Project, Project.id == ScheduleRow.project_id)
        .where(Project.fiscal_year_id == fy.id)
        .order_by(ScheduleRow.project_id, ScheduleRow.position)
    )
    for project_id, position, item, bars in session.execute(year_rows):
        stored.setdefault(project_id, []).append((position, item, bars))
    for pr in plan.projects:
        proj = projects[pr.no]
        wanted = [(i, row.item, [b.model_dump() for b in row.bars]) for i, row in enumerate(pr.schedule, start=1)]
        have = stored.get(proj.id, [])
        if have != wanted:
            session.execute(delete(ScheduleRow).where(ScheduleRow.project_id == proj.id))
            for pos, item, bars in wanted:
                session.add(ScheduleRow(project_id=proj.id, position=pos, item=item, bars=bars))
            if have:
                updated += 1
            else:
                created += len(wanted)

    problems: list[str] = []
    milestones = existing(Milestone, "code")
    seen_ms: set[str] = set()
    for pr in plan.projects:
        for pos, row in enumerate(pr.schedule, start=1):
            for ms in row.milestones:
                seen_ms.add(ms.id)
                fields = dict(
                    project_id=projects[pr.no].id, row_position=pos, item=row.item, month=ms.month, text=ms.text
                )
                if ms.id in milestones:
                    track(milestones[ms.id], **fields)
                else:
                    session.add(Milestone(fiscal_year_id=fy.id, code=ms.id, **fields))
                    created += 1
    for code, ms in milestones.items():
        if code not in seen_ms:
            if ms.completed_on is not None:
                problems.append(f"{source}: milestones[id={code}]: 完了済みのマイルストーンは削除できません")
            else:
                session.delete(ms)
                removed += 1

    indicators = existing(Indicator, "code")
    for pos, ind in enumerate(plan.indicators, start=1):
        low, high = ind.value_range
        th = ind.thresholds
        fields = dict(
            project_id=projects[ind.project].id,
            position=pos,
            name=ind.name,
            unit=ind.unit,
            baseline_note=ind.baseline_note,
            target=ind.target,
            target_factor=ind.target_factor,
            target_note=ind.target_note,
            direction=ind.direction,
            accumulation=ind.accumulation,
            monthly_plan=dict(ind.monthly_plan) if ind.monthly_plan is not None else None,
            on_track_threshold=th.on_track if th else 0.9,
            caution_threshold=th.caution if th else 0.7,
            min_value=low,
            max_value=high,
            baseline_is_new=ind.baseline == NEW_BASELINE,
            baseline_month=ind.baseline_month,
            target_year=ind.target_year,
            yearly_targets={str(y): v for y, v in sorted(ind.yearly_targets.items())} if ind.yearly_targets else None,
            flow_scope=ind.flow_scope,
            frequency=ind.frequency,
            due_month=ind.due_month,
        )
        baseline = None if ind.baseline == NEW_BASELINE else ind.baseline
        if ind.id in indicators:
            obj = indicators[ind.id]
            if baseline is not None or ind.baseline == NEW_BASELINE:
                fields["baseline"] = baseline
            track(obj, **fields)
        else:
            session.add(Indicator(fiscal_year_id=fy.id, code=ind.id, baseline=baseline, **fields))
            created += 1
    wanted_ids = set(plan.indicator_ids())
    for code, obj in indicators.items():
        if code in wanted_ids:
            continue
        n = session.scalar(
            select(func.count()).select_from(ActualRevision).where(ActualRevision.indicator_id == obj.id)
        )
        if n:
            problems.append(f"{source}: indicators[id={code}]: 実績が{n}件ある指標は計画から削除できません")
        else:
            session.delete(obj)
            removed += 1
    session.flush()

    # Projects, measures and policies that the file no longer has.
    keep_projects = {p.no for p in plan.projects}
    for no, proj in projects.items():
        if no in keep_projects:
            continue
        held = sum(
            session.scalar(select(func.count()).select_from(model).where(model.project_id == proj.id)) or 0
            for model in (Indicator, Assessment, Evaluation)
        )
        if held:
            problems.append(f"{source}: projects[no={no}]: 指標・自己評価・期末評価のある実施事業は削除できません")
        else:
            session.delete(proj)
            removed += 1
    session.flush()
    for coll, keep in ((measures, {m.no for m in plan.all_measures()}), (policies, {p.no for p in plan.policies})):
        for no, obj in coll.items():
            if no not in keep:
                session.delete(obj)
                removed += 1
    if problems:
        raise PlanError(source, problems)
    session.flush()
    summary = LoadSummary(plan.fiscal_year, created, updated, removed)
    if summary.changed:
        fy.source_file = source
        audit(
            session,
            actor,
            "plan.import",
            f"FY{plan.fiscal_year}",
            source=source,
            created=created,
            updated=updated,
            removed=removed,
        )
    return summary


def delete_plans(session: Session) -> None:
    """Delete every plan (for ``import-plan --replace``, after checking that no data hangs on it).

    Children first: measures and projects refer to policies and measures without a cascade.
    """
    for model in (Indicator, Milestone, ScheduleRow, Project, Measure, Policy, FiscalYear):
        session.execute(delete(model))
    session.flush()


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class FiscalYearInfo:
    year: int
    label: str
    municipality: str
    plan_name: str
    levels: tuple[str, ...] = DEFAULT_LEVELS


def fiscal_years(session: Session) -> list[FiscalYearInfo]:
    rows = session.scalars(select(FiscalYear).order_by(FiscalYear.year)).all()
    return [
        FiscalYearInfo(r.year, r.label, r.municipality, r.plan_name, tuple(r.levels) if r.levels else DEFAULT_LEVELS)
        for r in rows
    ]


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


def _frame(session: Session, stmt: Any, columns: list[str] | None = None) -> pd.DataFrame:
    """Rows of a select as a DataFrame; columns are named by the select's labels unless given.

    This is the read model's boundary: a missing value is None, never NaN (kpi.frames).
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
)  # fmt: skip


@dataclass(frozen=True)
class PlanData:
    """Everything needed to compute statuses for one fiscal year: a few queries, no loops."""

    year: int
    label: str
    municipality: str
    plan_name: str
    policies: pd.DataFrame  # policy_no, policy_name, policy_code (display code as printed)
    measures: pd.DataFrame  # measure_no, symbol, measure_name, policy_no, measure_code, hidden
    projects: pd.DataFrame  # project_no, project_name, measure_no, project_code, lead_department, ...
    schedule: pd.DataFrame  # project_no, position, item, bars
    milestones: pd.DataFrame  # code, project_no, row_position, item, month, text, completed_on
    indicators: pd.DataFrame  # code, project_no, name, unit, baseline, target, ...
    actuals: pd.DataFrame  # code, month, value, note, author, created_at, revision, is_sample
    assessments: pd.DataFrame  # project_no, month, status, comment, author, created_at, is_sample
    levels: tuple[str, ...] = DEFAULT_LEVELS  # the plan's level names, top first (two or three)
    owner_department: str = ""
    # The previous fiscal year's current actuals (code, month, value, …) when that year is in
    # the database: a chart shows both years of an indicator present in both.
    previous_actuals: pd.DataFrame | None = None

    @property
    def two_levels(self) -> bool:
        return len(self.levels) == 2

    def words(self, text: str) -> str:
        """A text with the default level names replaced by this plan's (「重点施策別」→「分野別」).

        In a two-level plan the middle level mirrors the top one: both read as its name.
        """
        return level_words(text, self.levels)

    # Current values of earlier fiscal years of 累計 (since_baseline) indicators, matched by
    # code: code, month, value. Empty when no indicator adds up since its baseline.
    earlier_actuals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code", "month", "value"]))

    @property
    def has_sample(self) -> bool:
        return bool(self.actuals["is_sample"].any()) or bool(self.assessments["is_sample"].any())

    @cached_property
    def project_labels(self) -> dict[int, str]:
        """Project number → 「01 名前」: its code as printed (else the two-digit number) and name,
        as every list of projects names them."""
        p = self.projects
        return {
            int(n): f"{c} {name}"
            for n, c, name in zip(p["project_no"], p["project_code"], p["project_name"], strict=True)
        }

    @property
    def title(self) -> str:
        """The plan as reports name it: 「○○市DXアクションプラン」."""
        return plan_title(self.municipality, self.plan_name)

    def only_projects(self, nos: Collection[int]) -> PlanData:
        """The same year with only the projects ``nos`` (their schedule, ●, indicators, actuals
        and self-assessments); policies and measures stay. A page that shows one project or
        one 重点施策 evaluates this, so its cost does not grow with the rest of the plan."""
        keep = {int(n) for n in nos}
        indicators = self.indicators.loc[self.indicators["project_no"].isin(keep)]
        return replace(
            self,
            projects=self.projects.loc[self.projects["project_no"].isin(keep)],
            schedule=self.schedule.loc[self.schedule["project_no"].isin(keep)],
            milestones=self.milestones.loc[self.milestones["project_no"].isin(keep)],
            indicators=indicators,
            actuals=self.actuals.loc[self.actuals["code"].isin(set(indicators["code"]))],
            assessments=self.assessments.loc[self.assessments["project_no"].isin(keep)],
            earlier_actuals=self.earlier_actuals.loc[self.earlier_actuals["code"].isin(set(indicators["code"]))],
        )


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
    )


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
        .where(own)
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


def data_version(session: Session) -> int:
    """The latest audit-log id. Every write is audited, so a new id means new data: cached
    reads are keyed by it, and a write through one server is seen by every other server
    on its next rerun. A primary-key maximum: one index lookup."""
    return int(session.scalar(select(func.max(AuditEntry.id))) or 0)


def audit_frame(session: Session, limit: int | None = None) -> pd.DataFrame:
    stmt = select(AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.detail).order_by(
        AuditEntry.id.desc()
    )
    if limit:
        stmt = stmt.limit(limit)
    return _frame(session, stmt, ["at", "actor", "action", "target", "detail"])
