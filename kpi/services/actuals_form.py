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
from typing import TYPE_CHECKING, Any

from kpi.domain.fiscal import Month
from kpi.domain.frames import opt, opt_float
from kpi.domain.numbers import parse_number
from kpi.domain.permissions import Actor, require_writer
from kpi.domain.plan import PlanData
from kpi.domain.status import evaluate_indicator, expected_value, year_target
from kpi.domain.statuses import actuals_by_code, rule_of, values_by_code
from kpi.domain.unusual import unusual
from kpi.domain.write_scope import can_write, project_rows
from kpi.services.actuals import ActualInput, Conflict, SaveResult, record_actuals, same_value
from kpi.store.planfile import default_range
from kpi.store.reads import indicators_with_actuals
from kpi.store.writes import EntryError, with_retry

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return False  # NaN is a value to reject, not an empty cell
    return isinstance(value, str) and value.strip() == ""


def status_with(
    data: PlanData,
    code: str,
    month: Month,
    value: float | None,
    values: dict[str, dict[Month, float]] | None = None,
) -> str:
    """The status of an indicator as of ``month`` if ``value`` were its actual for that month.

    ``values`` (``actuals_by_code(data)``) lets a caller with many rows parse the actuals
    once: rebuilding them per row made the form quadratic in its number of indicators.
    """
    ind = data.indicators.loc[data.indicators["code"] == code].to_dict("records")[0]
    return _status(data.year, ind, month, value, (values if values is not None else actuals_by_code(data)).get(code))


def _status(year: int, ind: dict[str, Any], month: Month, value: float | None, own: dict[Month, float] | None) -> str:
    months = dict(own or {})
    if value is not None:
        months[month] = value
    return evaluate_indicator(rule_of(ind), months, month, year).status.value


@dataclass(frozen=True)
class EntryRow:
    """One indicator of the form for a month: plan values, the stored value and status.

    Missing values are None (never NaN): a blank field stays blank.
    """

    code: str
    name: str
    project_no: int
    project_name: str
    lead_department: str
    unit: str
    accumulation: str  # flow: the month's own amount; level: the month-end figure
    baseline: float | None
    target: float | None
    expected: float | None
    current: float | None
    revision: int
    note: str
    author: str
    min_value: float
    max_value: float
    status: str
    writable: bool
    previous: float | None = None  # the previous month's value (a flow: its amount)
    planned: float | None = None  # the planned path at this month (a flow: the month's step)
    safety_max: bool = False  # the upper bound is only the unit's safety limit, not the plan's

    def unusual(self, value: float | None) -> bool:
        """Far from the previous month and the planned path (``kpi.domain.unusual``)."""
        return value is not None and unusual(value, self.previous, self.planned)


def planned_step(rule: Any, month: Month, year: int, flow: bool) -> float | None:
    """The planned path at ``month``: the expected level, or for a flow the month's own step."""
    now = expected_value(rule, month.fiscal_index, year)
    if not flow or now is None:
        return opt_float(now)
    before = expected_value(rule, month.fiscal_index - 1, year) if month.fiscal_index > 1 else 0.0
    return None if before is None else now - before


def entry_rows(data: PlanData, actor: Actor | None, month: Month, only_writable: bool = True) -> list[EntryRow]:
    """The indicators of the form for ``month``: plan values, the current value and status."""
    projects = project_rows(data)
    current = {r["code"]: r for r in data.actuals.loc[data.actuals["month"] == str(month)].to_dict("records")}
    values = actuals_by_code(data)  # once for the form, not once per row
    rows = []
    for ind in data.indicators.to_dict("records"):
        proj = projects[int(ind["project_no"])]
        writable = can_write(actor, proj)
        if only_writable and not writable:
            continue
        rule = rule_of(ind)
        have = current.get(ind["code"], {})
        low, high = default_range(str(ind["unit"]))
        min_value, max_value = opt_float(ind["min_value"]), opt_float(ind["max_value"])
        rows.append(
            EntryRow(
                code=str(ind["code"]),
                name=str(ind["name"]),
                project_no=int(ind["project_no"]),
                project_name=str(proj["project_name"]),
                lead_department=str(proj["lead_department"]),
                unit=str(ind["unit"]),
                accumulation=str(ind["accumulation"]),
                baseline=opt_float(rule.base),
                target=opt_float(year_target(rule, data.year)),
                expected=opt_float(expected_value(rule, month.fiscal_index, data.year)),
                current=opt_float(have.get("value")),
                revision=int(opt(have.get("revision")) or 0),
                note=str(opt(have.get("note")) or ""),
                author=str(opt(have.get("author")) or ""),
                min_value=low if min_value is None else min_value,
                max_value=high if max_value is None else max_value,
                status=_status(data.year, ind, month, None, values.get(ind["code"])),
                writable=writable,
                previous=(values.get(ind["code"]) or {}).get(month.add(-1)),
                planned=planned_step(rule, month, data.year, str(ind["accumulation"]) == "flow"),
                safety_max=(max_value is None or max_value == high) and str(ind["unit"]) != "%",
            )
        )
    return rows


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
    cleared: list[str] = field(default_factory=list)  # stored values whose field was emptied: keep or withdraw?


def _typed(cell: CellInput) -> float | None:
    """The number in the field, or None when it is blank or not a number (validation says why)."""
    try:
        return parse_number(cell.value)
    except ValueError:
        return None


def _untouched(cell: CellInput) -> bool:
    """The row is as the form showed it: a blank left blank, or the stored value within float
    tolerance (the field shows it exactly, but a person may retype 0.30 for 0.3)."""
    loaded = opt_float(cell.loaded_value)
    note_same = cell.note.strip() == (opt(cell.loaded_note) or "").strip()
    if loaded is None:
        return _blank(cell.value) and not cell.note.strip()
    if _blank(cell.value):
        return note_same  # a cleared field is a question (keep or withdraw?), see ``cleared``
    typed = _typed(cell)
    return typed is not None and same_value(typed, loaded) and note_same


def cleared(cell: CellInput) -> bool:
    """The field of a stored value was emptied: the form asks whether to keep or withdraw it
    (nothing is saved for the row until then)."""
    return opt_float(cell.loaded_value) is not None and _blank(cell.value)


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
        raise EntryError(f"{month.label_ja()} は {year}年度の月ではありません")
    require_writer(actor, "実績の入力")
    emptied = [c.code for c in rows if cleared(c)]
    cells = [c for c in rows if not _untouched(c) and not cleared(c)]
    inputs = []
    for c in cells:
        typed, loaded = _typed(c), opt_float(c.loaded_value)
        # A retyped stored value keeps the stored float exactly (only the note changed).
        value = loaded if typed is not None and loaded is not None and same_value(typed, loaded) else c.value
        inputs.append(
            ActualInput(
                c.code, str(month), value, c.note.strip(), c.reason.strip(), expected_revision=c.loaded_revision
            )
        )
    result: SaveResult = record_actuals(
        session,
        inputs,
        actor,
        today,
        source="form",
        all_or_nothing=False,
        require_reason=True,
        require_note=True,
    )
    saved_values = {
        i.indicator_id: parse_number(i.value)
        for i in inputs
        if (i.indicator_id, str(month)) in {s[:2] for s in result.saved}
    }
    # Only the rows written are re-evaluated: their indicators and actuals, not the whole plan.
    written = sorted({c.code for c in cells})
    indicators, actuals = indicators_with_actuals(session, year, written)
    values = values_by_code(actuals)
    by_code = {r["code"]: r for r in indicators.to_dict("records")}
    statuses = {}
    for code in written:
        if code not in by_code:
            continue  # refused above as an unknown indicator
        theirs = next((k.their_value for k in result.conflicts if k.indicator_id == code), None)
        statuses[code] = _status(year, by_code[code], month, saved_values.get(code, theirs), values.get(code))
    return MonthResult(
        str(month), list(result.saved), [u[0] for u in result.unchanged], list(result.conflicts), statuses, emptied
    )


def submit_month(
    engine: Engine, actor: Actor, year: int, month: Month | str, rows: Sequence[CellInput], today: date
) -> MonthResult:
    """``save_month`` in one transaction, retried when a concurrent save took the revision."""
    return with_retry(engine, save_month, actor, year, month, rows, today)
