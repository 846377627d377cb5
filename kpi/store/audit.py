"""The audit log: append an entry, read it, and the data version (its latest id)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpi.domain.permissions import Actor
from kpi.store.models import (
    AuditEntry,
)

if TYPE_CHECKING:  # the plan file's parser (pydantic, yaml) loads only for writes: `status` reads
    pass
from kpi.store.reads import _frame


def audit(session: Session, actor: Actor | str, action: str, target: str = "", **detail: Any) -> None:
    """Append one entry to the audit log (in the caller's transaction)."""
    name = actor.username if isinstance(actor, Actor) else actor
    session.add(AuditEntry(actor=name, action=action, target=target, detail=_jsonable(detail)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def data_version(session: Session) -> int:
    """The latest audit-log id. Every write is audited, so a new id means new data: cached
    reads are keyed by it, and a write through one server is seen by every other server
    on its next rerun. A primary-key maximum: one index lookup."""
    return int(session.scalar(select(func.max(AuditEntry.id))) or 0)


def audit_frame(session: Session, limit: int | None = None) -> pd.DataFrame:
    stmt = select(AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.detail).order_by(
        AuditEntry.id.desc()
    )
    if limit:
        stmt = stmt.limit(limit)
    return _frame(session, stmt, ["at", "actor", "action", "target", "detail"])
