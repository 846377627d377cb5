"""Bulk upload of actuals (CSV / XLSX) for administrators: a preview, then one commit.

The form's rules apply: changing an existing value is a correction that needs a reason
(the file's ``reason`` column, or one reason for the whole upload) and is marked old → new
in the preview; a value that makes the indicator 遅延 needs a note. All rows or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from kpi.domain.permissions import Actor, require_admin
from kpi.services.actuals import PlannedRow, RowError, SaveResult, plan_actuals, record_actuals
from kpi.services.actuals_files import read_actuals_bytes
from kpi.store.audit import audit
from kpi.store.writes import with_retry
from kpi.text.fmt import number

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

PREVIEW_CELL_CHARS = 200  # a preview shows the start of a huge cell, not all of it
PREVIEW_COLUMNS = ["line", "indicator_id", "name", "month", "value", "change", "note", "reason", "error"]


@dataclass(frozen=True)
class ImportPreview:
    rows: pd.DataFrame  # PREVIEW_COLUMNS, all text; ``change`` marks a correction "263 → 270"
    errors: list[RowError]
    corrections: int = 0  # rows that change an existing value

    @property
    def ok(self) -> bool:
        return not self.errors and not self.rows.empty


def change_text(p: PlannedRow | None) -> str:
    """How a row changes the stored value, as the preview shows it."""
    if p is None:
        return ""
    if p.action == "correction":
        return f"修正 {number(p.previous)} → {number(p.value)}"
    return {"new": "新規", "unchanged": "変更なし", "note": "備考のみ変更", "conflict": "競合"}.get(p.action, "")


def _cut(text: str) -> str:
    return text if len(text) <= PREVIEW_CELL_CHARS else text[:PREVIEW_CELL_CHARS] + "…"


def preview_import(
    session: Session, actor: Actor, data: bytes, filename: str, today: date, reason: str = ""
) -> ImportPreview:
    """Read and check an upload without writing; every row error is listed.

    ``reason`` is the correction reason for every changed row without its own.
    Raises kpi.services.actuals_files.FileFormatError when the file as a whole cannot be read.
    """
    require_admin(actor, "実績の一括取り込み")
    rows = read_actuals_bytes(data, filename)
    plan = plan_actuals(session, rows, actor, today, require_reason=True, require_note=True, default_reason=reason)
    by_line: dict[int | None, list[str]] = {}
    for e in plan.errors:
        by_line.setdefault(e.line, []).append(e.reason)
    planned = {p.line: p for p in plan.rows}
    names = {p.indicator_id: p.name for p in plan.rows} | {e.indicator_id: e.name for e in plan.errors if e.name}
    frame = pd.DataFrame(
        [
            {
                "line": r.line,
                "indicator_id": r.indicator_id,
                "name": names.get(r.indicator_id, ""),
                "month": r.month,
                "value": "" if r.value is None else str(r.value),
                "change": change_text(planned.get(r.line)),
                "note": r.note,
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
    return ImportPreview(frame, plan.errors, corrections)


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
    )
    audit(session, actor, "actual.import", filename, rows=len(rows), saved=len(result.saved), reason=reason)
    return result


def submit_import(
    engine: Engine, actor: Actor, data: bytes, filename: str, today: date, reason: str = ""
) -> SaveResult:
    """``commit_import`` in its own transaction, retried when a concurrent save took a revision."""
    return with_retry(engine, commit_import, actor, data, filename, today, reason)
