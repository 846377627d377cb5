"""Writing a plan into the database: load (create or update) and delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kpi.domain.permissions import Actor, require_admin
from kpi.domain.plan import DEFAULT_LEVELS
from kpi.domain.status import DEFAULT_CAUTION, DEFAULT_ON_TRACK
from kpi.store.models import (
    ActualRevision,
    Assessment,
    Evaluation,
    FiscalYear,
    Indicator,
    Measure,
    Milestone,
    Policy,
    Project,
    ScheduleRow,
)

if TYPE_CHECKING:  # the plan file's parser (pydantic, yaml) loads only for writes: `status` reads
    from kpi.store.planfile import PlanFile
from kpi.store.audit import audit


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
    safety_copy: str | None = None  # the automatic backup taken before rows were removed

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
    from kpi.store.planfile import NEW_BASELINE, PlanError

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
            municipality_code=plan.municipality_code,
            public=plan.public.model_dump() if plan.public else None,
            rollup=plan.rollup.policy().stored() if plan.rollup else None,
            scale=plan.scale.to_json() if plan.scale is not None else None,  # issue 21
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
            municipality_code=plan.municipality_code,
            public=plan.public.model_dump() if plan.public else None,
            rollup=plan.rollup.policy().stored() if plan.rollup else None,
            scale=plan.scale.to_json() if plan.scale is not None else None,  # issue 21
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
            on_track_threshold=th.on_track if th else DEFAULT_ON_TRACK,
            caution_threshold=th.caution if th else DEFAULT_CAUTION,
            min_value=low,
            max_value=high,
            baseline_is_new=ind.baseline == NEW_BASELINE,
            baseline_month=ind.baseline_month,
            target_year=ind.target_year,
            yearly_targets={str(y): v for y, v in sorted(ind.yearly_targets.items())} if ind.yearly_targets else None,
            flow_scope=ind.flow_scope,
            frequency=ind.frequency,
            due_month=ind.due_month,
            start_total=ind.start_total,  # issue 21
            start_total_month=ind.start_total_month,
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
