"""Which projects of a plan an actor may write (the entry page's lists, from ``PlanData``)."""

from __future__ import annotations

from typing import Any

from kpi.domain.permissions import Actor, can_write_project
from kpi.domain.plan import PlanData


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


# A form with more indicators than this opens on one 重点施策 or department, not all at once:
# a user who may write thousands of indicators would otherwise wait for every row.
ALL_AT_ONCE = 60


def writable_project_nos(data: PlanData, actor: Actor | None) -> list[int]:
    return [no for no, p in project_rows(data).items() if can_write(actor, p)]


def needs_scope(data: PlanData, actor: Actor | None) -> bool:
    """Whether the form is too large to show at once for this user."""
    nos = set(writable_project_nos(data, actor))
    return int(data.indicators["project_no"].isin(nos).sum()) > ALL_AT_ONCE


def scope_choices(data: PlanData, actor: Actor | None) -> list[tuple[str, str, str]]:
    """(value, kind, name) of each 重点施策 and department with projects the user may write.

    ``kind`` is "measure" or "department"; value is "m:<no>" or "d:<department>".
    """
    nos = set(writable_project_nos(data, actor))
    mine = data.projects.loc[data.projects["project_no"].isin(nos)]
    measures = data.measures.set_index("measure_no")
    out = [
        (f"m:{int(m)}", "measure", f"{measures.loc[m, 'symbol']} {measures.loc[m, 'measure_name']}")
        for m in sorted({int(m) for m in mine["measure_no"]})
    ]
    out += [(f"d:{d}", "department", str(d)) for d in sorted(set(mine["lead_department"]))]
    return out


def projects_in_scope(data: PlanData, actor: Actor | None, scope: str | None) -> list[int]:
    """The writable projects of a scope value from ``scope_choices`` (all of them for None)."""
    nos = writable_project_nos(data, actor)
    if not scope:
        return nos
    kind, _, value = scope.partition(":")
    p = data.projects.set_index("project_no")
    if kind == "m":
        return [n for n in nos if int(p.loc[n, "measure_no"]) == int(value)]
    return [n for n in nos if p.loc[n, "lead_department"] == value]
