"""The audit log: append an entry, read it, and the data version (its latest id)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select
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


# Audit entries that change no data shown by any page: sign-ins, refused sign-ins, locks.
SIGN_IN_ACTIONS = "auth."


def data_version(session: Session) -> int:
    """The latest audit-log id of a data change. Every write is audited, so a new id means
    new data: cached reads are keyed by it, and a write through one server is seen by every
    other server on its next rerun. Sign-ins (``auth.*``) are left out: at the month-end rush
    each of thirty sign-ins made a new version and every session recomputed the shared plan
    data and statuses. The primary-key index read backwards to the first such entry."""
    newest = (
        select(AuditEntry.id)
        .where(~AuditEntry.action.startswith(SIGN_IN_ACTIONS, autoescape=True))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return int(session.scalar(newest) or 0)


def audit_frame(session: Session, limit: int | None = None) -> pd.DataFrame:
    stmt = select(AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.detail).order_by(
        AuditEntry.id.desc()
    )
    if limit:
        stmt = stmt.limit(limit)
    return _frame(session, stmt, ["at", "actor", "action", "target", "detail"])
