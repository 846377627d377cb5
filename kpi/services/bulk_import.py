"""Bulk upload of actuals (CSV / XLSX) for administrators: a preview, then one commit.

The form's rules apply: changing an existing value is a correction that needs a reason
(the file's ``reason`` column, or one reason for the whole upload) and is marked
「変更 78 → 83」 in the preview; the same value reads 「同じ値（書き込みません）」 and writes no
revision; an empty ``note`` cell keeps the stored note (``-`` clears it); a value that makes
the indicator 遅延 needs a note. All rows or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpi.domain.permissions import Actor, require_admin
from kpi.domain.statuses import rule_of, values_by_code
from kpi.domain.unusual import unusual
from kpi.services.actuals import PlannedRow, RowError, SaveResult, plan_actuals, record_actuals, same_value
from kpi.services.actuals_files import read_actuals_bytes
from kpi.services.actuals_form import planned_step
from kpi.store.audit import audit
from kpi.store.reads import indicators_with_actuals
from kpi.store.writes import with_retry
from kpi.text.catalog import TEXT, t
from kpi.text.fmt import number

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

PREVIEW_CELL_CHARS = 200  # a preview shows the start of a huge cell, not all of it
PREVIEW_COLUMNS = ["line", "indicator_id", "name", "month", "value", "change", "warning", "note", "reason", "error"]


@dataclass(frozen=True)
class ImportPreview:
    rows: pd.DataFrame  # PREVIEW_COLUMNS, all text; ``change`` marks a correction "263 → 270"
    errors: list[RowError]
    corrections: int = 0  # rows that change an existing value
    far: int = 0  # rows far from the previous month and the planned path (kpi.domain.unusual)
    unchanged: int = 0  # rows whose value and note are already stored (nothing is written)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.rows.empty


def change_text(p: PlannedRow | None, unit: str = "", lang: str = "ja") -> str:
    """How a row compares with the stored value, as the preview shows it: 「新規」,
    「変更 78 → 83」, 「同じ値（書き込みません）」, 「備考のみ変更」, …"""
    if p is None:
        return ""
    if p.action in ("correction", "sample") and p.previous is not None and not same_value(p.previous, p.value):
        key = "bulk_change_sample" if p.action == "sample" else "bulk_change"
        return t(key, lang).format(old=number(p.previous, unit), new=number(p.value, unit))
    if p.action == "sample":
        return t("bulk_same_sample", lang)
    return t(f"bulk_action_{p.action}", lang) if f"bulk_action_{p.action}" in TEXT else ""


def _cut(text: str) -> str:
    return text if len(text) <= PREVIEW_CELL_CHARS else text[:PREVIEW_CELL_CHARS] + "…"


def preview_import(
    session: Session, actor: Actor, data: bytes, filename: str, today: date, reason: str = "", lang: str = "ja"
) -> ImportPreview:
    """Read and check an upload without writing; every row error is listed.

    ``reason`` is the correction reason for every changed row without its own.
    Raises kpi.services.actuals_files.FileFormatError when the file as a whole cannot be read.
    """
    require_admin(actor, "実績の一括取り込み")
    rows = read_actuals_bytes(data, filename)
    plan = plan_actuals(
        session, rows, actor, today, require_reason=True, require_note=True, default_reason=reason, file_notes=True
    )
    by_line: dict[int | None, list[str]] = {}
    for e in plan.errors:
        by_line.setdefault(e.line, []).append(e.reason)
    planned = {p.line: p for p in plan.rows}
    far_lines = _far_lines(session, plan.checked)
    units = {c.row.line: c.info.unit for c in plan.checked}
    names = {p.indicator_id: p.name for p in plan.rows} | {e.indicator_id: e.name for e in plan.errors if e.name}
    frame = pd.DataFrame(
        [
            {
                "line": r.line,
                "indicator_id": r.indicator_id,
                "name": names.get(r.indicator_id, ""),
                "month": r.month,
                # As it will be stored (「３」 reads 3), else as typed when it cannot be read.
                "value": _value_text(planned.get(r.line), r.value),
                "change": change_text(planned.get(r.line), units.get(r.line, ""), lang),
                "warning": t("bulk_far", lang) if r.line in far_lines else "",
                "note": planned[r.line].note if r.line in planned else r.note,
                "reason": (planned[r.line].reason if r.line in planned else r.reason) or "",
                "error": " / ".join(by_line.get(r.line, [])),
            }
            for r in rows
        ],
        columns=PREVIEW_COLUMNS,
    )
    for col in ("indicator_id", "month", "value", "note", "reason"):
        frame[col] = [_cut(str(v)) for v in frame[col]]
    corrections = sum(1 for p in plan.rows if p.action == "correction")
    unchanged = sum(1 for p in plan.rows if p.action == "unchanged")
    return ImportPreview(frame, plan.errors, corrections, len(far_lines), unchanged)


def _far_lines(session: Session, checked: list[Any]) -> set[int | None]:
    """The lines whose value is far from the previous month and the planned path, judged as the
    entry form judges them (``EntryRow.unusual``), with the other rows of the file in place."""
    out: set[int | None] = set()
    for year in sorted({c.info.fiscal_year for c in checked}):
        own = [c for c in checked if c.info.fiscal_year == year]
        frame, actuals = indicators_with_actuals(session, year, sorted({c.info.code for c in own}))
        values = values_by_code(actuals)
        for c in own:
            values.setdefault(c.info.code, {})[c.month] = c.value
        indicators = {r["code"]: r for r in frame.to_dict("records")}
        for c in own:
            ind = indicators.get(c.info.code)
            if ind is None:
                continue
            flow = str(ind["accumulation"]) == "flow"
            step = planned_step(rule_of(ind), c.month, year, flow)
            if unusual(c.value, values[c.info.code].get(c.month.add(-1)), step):
                out.add(c.row.line)
    return out


def _value_text(p: PlannedRow | None, typed: object) -> str:
    if p is not None:
        return number(p.value)
    return "" if typed is None else str(typed)


def commit_import(
    session: Session, actor: Actor, data: bytes, filename: str, today: date, reason: str = ""
) -> SaveResult:
    """Save an upload all or nothing (the same rules as ``python -m kpi import-actuals``)."""
    require_admin(actor, "実績の一括取り込み")
    rows = read_actuals_bytes(data, filename)
    result = record_actuals(
        session,
        rows,
        actor,
        today,
        source=f"import:{filename}"[:40],
        all_or_nothing=True,
        require_reason=True,
        require_note=True,
        default_reason=reason,
        file_notes=True,
    )
    audit(session, actor, "actual.import", filename, rows=len(rows), saved=len(result.saved), reason=reason)
    return result


def submit_import(
    engine: Engine, actor: Actor, data: bytes, filename: str, today: date, reason: str = ""
) -> SaveResult:
    """``commit_import`` in its own transaction, retried when a concurrent save took a revision."""
    return with_retry(engine, commit_import, actor, data, filename, today, reason)
