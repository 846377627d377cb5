"""取消: withdrawing a month's stored value, with a reason (issue 22a).

A withdrawal is a revision (``withdrawn``, keeping the value withdrawn), so it shows in the
history and is reversible: entering a value again for the month adds the next revision. The
checks are the save's (permission, locked or future month, the indicator's year), via
``kpi.services.actuals.validate_actuals``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kpi.domain.permissions import Actor, require_writer
from kpi.services.actuals import (
    MAX_TEXT,
    ActualInput,
    ActualsRejected,
    RowError,
    _current_revisions,
    validate_actuals,
)
from kpi.store.audit import audit
from kpi.store.locks import hold_years
from kpi.store.models import ActualRevision
from kpi.store.writes import with_retry

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

NEEDS_REASON = "値を取り消すには理由が必要です"
NOTHING_STORED = "この月には取り消す値がありません"


@dataclass(frozen=True)
class Withdrawn:
    indicator_id: str
    month: str
    value: float  # the value withdrawn
    revision: int


def withdraw_actual(
    session: Session,
    actor: Actor,
    code: str,
    month: str,
    reason: str,
    today: date,
    expected_revision: int | None = None,
) -> Withdrawn:
    """Withdraw the stored value of ``code`` for ``month`` in the caller's transaction."""
    require_writer(actor, "実績の取消")
    reason = (reason or "").strip()
    row = ActualInput(code, month, 0, reason=reason[: MAX_TEXT + 1])  # the value is not what is checked here
    checked, errors = validate_actuals(session, [row], actor, today)
    if errors:
        raise ActualsRejected(errors)
    c = checked[0]
    hold_years(session, {c.month.fiscal_year})
    stored = _current_revisions(session, [(c.info.pk, str(c.month))]).get((c.info.pk, str(c.month)))

    def refuse(text: str) -> ActualsRejected:
        return ActualsRejected([RowError(None, c.info.code, str(c.month), text, c.info.name)])

    if stored is None or stored.withdrawn:
        raise refuse(NOTHING_STORED)
    if not reason:
        raise refuse(NEEDS_REASON)
    if expected_revision is not None and stored.revision != expected_revision:
        raise refuse(f"{stored.author} さんが先に保存しました。最新の値を読み込んでください")
    revision = stored.revision + 1
    session.add(
        ActualRevision(
            indicator_id=c.info.pk,
            month=str(c.month),
            revision=revision,
            value=stored.value,
            note=stored.note,
            reason=reason,
            author=actor.username,
            source="withdraw",
            withdrawn=True,
        )
    )
    audit(
        session,
        actor,
        "actual.withdraw",
        f"{c.info.code} {c.month}",
        fiscal_year=c.info.fiscal_year,
        previous=stored.value,
        revision=revision,
        reason=reason,
    )
    session.flush()
    return Withdrawn(c.info.code, str(c.month), stored.value, revision)


def submit_withdraw(
    engine: Engine, actor: Actor, code: str, month: str, reason: str, today: date, expected_revision: int | None = None
) -> Withdrawn:
    """``withdraw_actual`` in its own transaction, retried when a concurrent save took the revision."""
    return with_retry(engine, withdraw_actual, actor, code, month, reason, today, expected_revision)
