"""The one "latest revision" query, the revision-race retry, and month locks racing saves."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor
from kpi.services import actuals as actuals_module
from kpi.services.actuals import ActualsRejected
from kpi.services.actuals_form import CellInput, submit_month
from kpi.store import locks, writes
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, transaction
from kpi.store.models import ActualRevision, AuditEntry, Indicator, PeriodLock
from kpi.store.revisions import latest

TODAY = date(2026, 11, 24)
OCT = Month(2026, 10)
CARD = "04-mynumber-card-rate"
ADMIN = Actor("adm", "admin")
SHIMIN = Actor("shimin", "editor", ("市民課",))


def test_latest_keeps_only_the_highest_revision_of_each_month(plan_engine: Engine) -> None:
    submit_month(plan_engine, SHIMIN, 2026, OCT, [CellInput(CARD, "87.1")], TODAY)
    submit_month(plan_engine, SHIMIN, 2026, OCT, [CellInput(CARD, "87.3", reason="再集計", loaded_revision=1)], TODAY)
    submit_month(plan_engine, SHIMIN, 2026, Month(2026, 9), [CellInput(CARD, "86.9")], TODAY)
    with transaction(plan_engine) as s:
        ids = select(Indicator.id).where(Indicator.code == CARD)
        stmt = select(ActualRevision.month, ActualRevision.value).join(
            *latest(ActualRevision, ActualRevision.indicator_id, ActualRevision.indicator_id.in_(ids))
        )
        assert sorted(s.execute(stmt).all()) == [("2026-09", 86.9), ("2026-10", 87.3)]


def test_with_retry_retries_only_a_revision_race(plan_engine: Engine) -> None:
    calls = {"n": 0}

    def other_constraint(session: Any) -> None:
        calls["n"] += 1
        session.add(PeriodLock(fiscal_year_id=1, month="2026-04", locked_by="a"))
        session.add(PeriodLock(fiscal_year_id=1, month="2026-04", locked_by="b"))
        session.flush()

    with pytest.raises(IntegrityError):
        writes.with_retry(plan_engine, other_constraint)
    assert calls["n"] == 1  # not retried: a broken constraint other than a revision number is a defect


def test_with_retry_gives_up_with_a_japanese_message(plan_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actuals_module, "_current_revisions", lambda session, keys: {})
    submit_month(plan_engine, SHIMIN, 2026, OCT, [CellInput(CARD, "87.1")], TODAY)
    with pytest.raises(writes.ConcurrentSave, match="同時に保存"):
        submit_month(plan_engine, SHIMIN, 2026, OCT, [CellInput(CARD, "87.2", reason="x", loaded_revision=None)], TODAY)


def test_a_lock_taken_during_a_save_never_lets_the_save_land_in_the_locked_month(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save checks the lock, then (slowly) writes; an admin locks the month meanwhile.
    Either the lock waits for the save or the save sees the lock: never a save after a lock.
    (SQLite: BEGIN IMMEDIATE; PostgreSQL: the fiscal year's row FOR UPDATE.)"""
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    plan_engine = engine
    checked = threading.Event()
    real = actuals_module.validate_actuals

    def slow_validate(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        checked.set()
        locker.join(1.5)  # give the admin's lock every chance to commit in between
        return out

    monkeypatch.setattr(actuals_module, "validate_actuals", slow_validate)
    results: dict[str, Any] = {}

    def lock() -> None:
        checked.wait(10)
        results["lock"] = locks.set_month_lock(plan_engine, ADMIN, 2026, OCT, True)

    locker = threading.Thread(target=lock)
    locker.start()
    try:
        results["save"] = submit_month(plan_engine, SHIMIN, 2026, OCT, [CellInput(CARD, "87.1")], TODAY)
    except ActualsRejected as exc:
        results["save"] = exc
    locker.join(30)
    assert results["lock"] is True
    with transaction(plan_engine) as s:
        order = [a for (a,) in s.execute(select(AuditEntry.action).order_by(AuditEntry.id)).all()]
    writes_after_lock = order[order.index("period.lock") :]
    assert "actual.save" not in writes_after_lock


def test_a_revision_race_is_recognised_on_each_database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loser of a revision-number race is retried (SQLite and PostgreSQL name the
    constraint differently), and then reports the conflict with the winner's value."""
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    submit_month(engine, Actor("first", "editor", ("市民課",)), 2026, OCT, [CellInput(CARD, "87.1")], TODAY)
    real = actuals_module._current_revisions
    calls = {"n": 0}

    def stale_once(session: Any, keys: Any) -> Any:
        calls["n"] += 1
        return {} if calls["n"] == 1 else real(session, keys)

    monkeypatch.setattr(actuals_module, "_current_revisions", stale_once)
    result = submit_month(engine, SHIMIN, 2026, OCT, [CellInput(CARD, "87.4")], TODAY)
    assert calls["n"] == 2
    assert [(k.their_value, k.their_author) for k in result.conflicts] == [(87.1, "first")]
