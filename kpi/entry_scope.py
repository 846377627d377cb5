"""Which projects of a plan an actor may write (the entry page's lists, from ``PlanData``)."""

from __future__ import annotations

from typing import Any

from kpi.permissions import Actor, can_write_project
from kpi.store import PlanData


def project_rows(data: PlanData) -> dict[int, dict[str, Any]]:
    return {int(p["project_no"]): p for p in data.projects.to_dict("records")}


def can_write(actor: Actor | None, project: dict[str, Any]) -> bool:
    if actor is None:
        return False
    return can_write_project(actor, project["lead_department"], project["related_departments"] or ())


def first_writable(actor: Actor | None, data: PlanData) -> int | None:
    """The first project the actor may write, so an editor opens on their own work, not 01."""
    for no, project in project_rows(data).items():
        if can_write(actor, project):
            return no
    return None
