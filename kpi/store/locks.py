"""Month locks (締め): an administrator closes a month, and every write to it is refused.

A save checks the lock and writes in one transaction that holds the fiscal year against
other writers (``hold_years``), so a lock taken while a form is being saved either waits for
the save or is seen by it: nothing is ever written into a month after it was locked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor, require_admin
from kpi.store.audit import audit
from kpi.store.models import FiscalYear, PeriodLock
from kpi.store.reads import locked_months
from kpi.store.writes import EntryError, with_retry


def locked_message(month: Month | str) -> str:
    return f"{month} は締め済み（ロック）のため変更できません。管理者に解除を依頼してください"


def hold_years(session: Session, years: Iterable[int]) -> dict[int, int]:
    """Lock the fiscal years' rows until the transaction ends; {year: id}.

    ``SELECT … FOR UPDATE`` on PostgreSQL (sorted, so two writers never deadlock); SQLite
    ignores it and is serialised by the write transaction's BEGIN IMMEDIATE instead.
    """
    wanted = sorted(set(years))
    if not wanted:
        return {}
    rows = session.execute(
        select(FiscalYear.year, FiscalYear.id)
        .where(FiscalYear.year.in_(wanted))
        .order_by(FiscalYear.year)
        .with_for_update()
    )
    return {int(y): int(i) for y, i in rows}


def _year_id(session: Session, year: int) -> int:
    fid = hold_years(session, [year]).get(year)
    if fid is None:
        raise EntryError(f"{year}年度の計画が読み込まれていません")
    return fid


def lock_check(session: Session) -> Callable[[int, Month], str | None]:
    """The month-lock rule for one transaction: ``check(year, month)`` is the refusal
    (``locked_message``) when the month is locked, else None. Each year's locks are read once,
    so a save of thousands of rows asks the database once per year."""
    years: dict[int, set[str]] = {}

    def check(year: int, month: Month) -> str | None:
        if year not in years:
            years[year] = locked_months(session, year)
        return locked_message(month) if str(month) in years[year] else None

    return check


def require_open(session: Session, year: int, month: Month) -> None:
    reason = lock_check(session)(year, month)
    if reason is not None:
        raise EntryError(reason)


def lock_month(session: Session, actor: Actor, year: int, month: Month | str) -> bool:
    """Lock a month (e.g. after the 期末評価); False when it was already locked."""
    require_admin(actor, "月の締め（ロック）")
    month = Month.parse(month) if isinstance(month, str) else month
    if month.fiscal_year != year:
        raise EntryError(f"{month} は {year}年度の月ではありません")
    fid = _year_id(session, year)
    if str(month) in locked_months(session, year):
        return False
    session.add(PeriodLock(fiscal_year_id=fid, month=str(month), locked_by=actor.username))
    audit(session, actor, "period.lock", str(month), fiscal_year=year)
    session.flush()
    return True


def unlock_month(session: Session, actor: Actor, year: int, month: Month | str) -> bool:
    require_admin(actor, "月の締め（ロック）の解除")
    fid = _year_id(session, year)
    lock = session.scalars(
        select(PeriodLock).where(PeriodLock.fiscal_year_id == fid, PeriodLock.month == str(month))
    ).one_or_none()
    if lock is None:
        return False
    session.delete(lock)
    audit(session, actor, "period.unlock", str(month), fiscal_year=year, locked_by=lock.locked_by)
    session.flush()
    return True


def set_month_lock(engine: Engine, actor: Actor, year: int, month: Month | str, locked: bool) -> bool:
    """Lock or unlock a month in its own transaction; False when nothing changed."""
    return with_retry(engine, lock_month if locked else unlock_month, actor, year, month)
