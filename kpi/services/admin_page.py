"""What 計画管理 reads and writes besides the plan values (kpi.services.plan_admin): the
period locks and the user accounts, each one call for the page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor
from kpi.store import accounts, locks
from kpi.store.reads import locked_months

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


def locked_month_list(session: Session, year: int) -> list[str]:
    """The year's locked months, oldest first (「2026-04」)."""
    return sorted(locked_months(session, year))


def set_lock(engine: Engine, actor: Actor, year: int, month: Month | str, locked: bool) -> bool:
    """Lock or unlock a month (its own transaction); False when nothing changed."""
    return locks.set_month_lock(engine, actor, year, month, locked)


def departments_of(text: str) -> list[str]:
    """「市民課、情報政策課」 or 「市民課,情報政策課」 → the departments, blanks dropped."""
    return [d.strip() for d in text.replace("、", ",").split(",") if d.strip()]


def add_account(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    departments: str,
    display_name: str = "",
    email: str = "",
) -> str:
    """Add a user; an empty ``password`` is generated. Returns the password set."""
    password = password or accounts.generate_password()
    accounts.add_user(
        session, actor, username, password, role, departments_of(departments), display_name=display_name,
        email=email or None,
    )  # fmt: skip
    return password


def disable_account(session: Session, actor: Actor, username: str) -> None:
    accounts.disable_user(session, actor, username)


def user_list(session: Session) -> pd.DataFrame:
    """Every account (``kpi.store.accounts.list_users``)."""
    return accounts.list_users(session)
