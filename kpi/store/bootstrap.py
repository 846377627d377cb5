"""Create or upgrade a database and load a plan: what ``init`` and the app's start do."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kpi.domain.permissions import Actor, require_admin
from kpi.store.audit import audit
from kpi.store.db import plan_file, transaction, upgrade
from kpi.store.models import (
    ActualRevision,
    Assessment,
    AuditEntry,
    DepartmentContact,
    Evaluation,
    EvaluationState,
    FiscalYear,
    Inquiry,
    Milestone,
    PeriodLock,
    User,
)
from kpi.store.plan_store import LoadSummary, delete_plans, load_plan
from kpi.store.planfile import PlanError
from kpi.store.planfile_read import load_plan_file


def import_plan(engine: Engine, path: str | Path, actor: Actor, replace: bool = False) -> LoadSummary:
    """Upgrade the schema, validate the plan file, then load it in one transaction.

    With ``replace`` the plans in the database are deleted first, but only when nothing but
    plans loaded once from a file is there (no actuals, accounts, edits or evaluations).
    A replace, or an import that removes rows, first writes an automatic backup of the
    database as it was (``kpi.store.backup.safety_copy``; its path is in the summary): it is
    taken before the commit, on another connection, which still reads the state before.
    """
    from dataclasses import replace as with_field

    from kpi.store.backup import safety_copy

    upgrade(engine)
    plan = load_plan_file(path)  # raises PlanError before anything is written
    with transaction(engine) as session:
        if replace:
            require_admin(actor, "計画の置き換え")
            held = data_held(session)
            if held:
                raise PlanError(
                    str(path),
                    heading="計画を置き換えられません",
                    problems=[
                        f"{path}: このデータベースには{'、'.join(held)}があるため、計画を置き換えられません"
                        "（--replace は、読み込んだだけで何も入力していないデータベースにだけ使えます）。"
                        "この計画は KPI_DATABASE_URL で指定した別のデータベースに読み込んでください"
                    ],
                )
            old = [
                f"{fy.municipality} {fy.label}" for fy in session.scalars(select(FiscalYear).order_by(FiscalYear.year))
            ]
            delete_plans(session)
            audit(
                session,
                actor,
                "plan.replace",
                f"FY{plan.fiscal_year}",
                source=str(path),
                replaced=old,
                municipality=plan.municipality,
                plan_name=plan.plan_name,
            )
        summary = load_plan(session, plan, str(path), actor)
        if replace or summary.removed:
            copy = safety_copy(engine, "replace-plan" if replace else "import-plan")
            summary = with_field(summary, safety_copy=str(copy.path))
        return summary


PLAN_LOADS = ("plan.import", "plan.replace")


def data_held(session: Session) -> list[str]:
    """What besides plans loaded once from a file the database holds, in words (empty: nothing)."""
    counts = (
        ("実績", select(func.count()).select_from(ActualRevision)),
        ("アカウント", select(func.count()).select_from(User)),
        ("自己評価", select(func.count()).select_from(Assessment)),
        ("期末評価", select(func.count()).select_from(Evaluation)),
        ("期末評価の状態", select(func.count()).select_from(EvaluationState)),
        ("各課照会", select(func.count()).select_from(Inquiry)),
        ("月のロック", select(func.count()).select_from(PeriodLock)),
        ("部署の連絡先", select(func.count()).select_from(DepartmentContact)),
        (
            "完了済みのマイルストーン",
            select(func.count()).select_from(Milestone).where(Milestone.completed_on.is_not(None)),
        ),
        ("変更履歴", select(func.count()).select_from(AuditEntry).where(AuditEntry.action.not_in(PLAN_LOADS))),
    )
    held = [f"{word} {n}件" for word, stmt in counts if (n := session.scalar(stmt) or 0)]
    # Imports since the last replace: more than one per year means a file was edited and re-read.
    since = session.scalar(select(func.max(AuditEntry.id)).where(AuditEntry.action == "plan.replace")) or 0
    stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "plan.import", AuditEntry.id > since)
    imports = session.scalar(stmt) or 0
    years = session.scalar(select(func.count()).select_from(FiscalYear)) or 0
    if imports > years:  # a plan re-imported after an edit of its file
        held.append(f"計画の再読み込み {imports - years}件")
    return held


def ensure_ready(engine: Engine, actor: Actor, plan_path: str | Path | None = None) -> None:
    """At app start: upgrade the schema; load the plan of ``KPI_PLAN_FILE`` (default: the
    bundled R8 plan) only into an empty database."""
    upgrade(engine)
    with transaction(engine) as session:
        empty = session.scalar(select(FiscalYear.id).limit(1)) is None
    if empty:
        import_plan(engine, plan_path or plan_file(), actor)
