"""Bulk upload of actuals (CSV / XLSX) for administrators: a preview, then one commit.

The same rules as the entry form and ``python -m kpi import-actuals``: all rows or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kpi.actuals import RowError, SaveResult, record_actuals, validate_actuals
from kpi.importers import read_actuals_bytes
from kpi.permissions import Actor, require_admin
from kpi.store import audit
from kpi.writes import with_retry


@dataclass(frozen=True)
class ImportPreview:
    rows: pd.DataFrame  # line, indicator_id, month, value, note, error
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.rows.empty


def preview_import(session: Session, actor: Actor, data: bytes, filename: str, today: date) -> ImportPreview:
    """Read and check an upload without writing; every row error is listed.

    Raises kpi.importers.FileFormatError when the file as a whole cannot be read.
    """
    require_admin(actor, "実績の一括取り込み")
    rows = read_actuals_bytes(data, filename)
    _, errors = validate_actuals(session, rows, actor, today)
    by_line: dict[int | None, list[str]] = {}
    for e in errors:
        by_line.setdefault(e.line, []).append(e.reason)
    frame = pd.DataFrame(
        [
            {
                "line": r.line,
                "indicator_id": r.indicator_id,
                "month": r.month,
                "value": "" if r.value is None else str(r.value),
                "note": r.note,
                "error": " / ".join(by_line.get(r.line, [])),
            }
            for r in rows
        ],
        columns=["line", "indicator_id", "month", "value", "note", "error"],
    )
    return ImportPreview(frame, errors)


def commit_import(session: Session, actor: Actor, data: bytes, filename: str, today: date) -> SaveResult:
    """Save an upload all or nothing (the same rules as ``python -m kpi import-actuals``)."""
    require_admin(actor, "実績の一括取り込み")
    rows = read_actuals_bytes(data, filename)
    result = record_actuals(session, rows, actor, today, source=f"import:{filename}", all_or_nothing=True)
    audit(session, actor, "actual.import", filename, rows=len(rows), saved=len(result.saved))
    return result


def submit_import(engine: Engine, actor: Actor, data: bytes, filename: str, today: date) -> SaveResult:
    """``commit_import`` in its own transaction, retried when a concurrent save took a revision."""
    return with_retry(engine, commit_import, actor, data, filename, today)
