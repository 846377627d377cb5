"""The monthly actuals form: the rows it shows and the save of one month.

Rows the user did not touch are skipped; a changed value needs a correction reason; a
value that makes the indicator 遅延 needs a note; a row someone else saved after the form
was loaded is a conflict, shown with their value while the other rows save.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine
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
from kpi.entry_scope import can_write, project_rows
from kpi.evaluate import actuals_by_code, rule_of
from kpi.fiscal import Month
from kpi.permissions import Actor, PermissionDenied
from kpi.status import Status, evaluate_indicator, expected_value
from kpi.store import PlanData, plan_data
from kpi.writes import EntryError, with_retry


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return False  # NaN is a value to reject, not an empty cell
    return isinstance(value, str) and value.strip() == ""


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
    projects = project_rows(data)
    current = data.actuals.loc[data.actuals["month"] == str(month)].set_index("code")
    rows = []
    for ind in data.indicators.to_dict("records"):
        proj = projects[int(ind["project_no"])]
        writable = can_write(actor, proj)
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


def submit_month(
    engine: Engine, actor: Actor, year: int, month: Month | str, rows: Sequence[CellInput], today: date
) -> MonthResult:
    """``save_month`` in one transaction, retried when a concurrent save took the revision."""
    return with_retry(engine, save_month, actor, year, month, rows, today)
