"""Create or upgrade a database and load a plan: what ``init`` and the app's start do."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from kpi.db import DEFAULT_PLAN, transaction, upgrade
from kpi.models import FiscalYear
from kpi.permissions import Actor
from kpi.planfile import load_plan_file
from kpi.store import LoadSummary, load_plan


def import_plan(engine: Engine, path: str | Path, actor: Actor) -> LoadSummary:
    """Upgrade the schema, validate the plan file, then load it in one transaction."""
    upgrade(engine)
    plan = load_plan_file(path)  # raises PlanError before anything is written
    with transaction(engine) as session:
        return load_plan(session, plan, str(path), actor)


def ensure_ready(engine: Engine, actor: Actor, plan_path: str | Path = DEFAULT_PLAN) -> None:
    """At app start: upgrade the schema; load the bundled plan only into an empty database."""
    upgrade(engine)
    with transaction(engine) as session:
        empty = session.scalar(select(FiscalYear.id).limit(1)) is None
    if empty:
        import_plan(engine, plan_path, actor)
