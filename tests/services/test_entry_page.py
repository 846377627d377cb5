"""What 実績入力 computes besides its forms' rows (kpi.services.entry_page)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from kpi.domain.fiscal import Month
from kpi.services.entry_page import assessment_changes, entry_months, milestone_changes, month_locks
from kpi.store import locks
from kpi.store.db import transaction
from tests.conftest import ADMIN


def test_entry_months_run_up_to_this_month_and_open_on_the_as_of_month() -> None:
    months, default = entry_months(2026, Month(2026, 6), date(2026, 8, 15))
    assert [str(m) for m in months] == ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]
    assert default == Month(2026, 6)
    # An as-of month not yet enterable: the latest one; a year ahead of today: its April.
    assert entry_months(2026, Month(2026, 11), date(2026, 8, 15))[1] == Month(2026, 8)
    assert entry_months(2027, Month(2027, 4), date(2026, 8, 15)) == ([Month(2027, 4)], Month(2027, 4))


def test_month_locks_are_the_locked_months(plan_engine: Engine) -> None:
    locks.set_month_lock(plan_engine, ADMIN, 2026, "2026-05", True)
    with transaction(plan_engine) as s:
        assert month_locks(s, 2026) == {"2026-05"}


def test_milestone_changes_date_the_ticked_ones_today_unless_given() -> None:
    today = date(2026, 10, 5)
    complete, undo = milestone_changes(
        ["a", "b", "c"], {"a": True, "b": True}, {"a": date(2026, 9, 30), "b": None}, {"c": True}, today
    )
    assert complete == {"a": date(2026, 9, 30), "b": today} and undo == ["c"]


def test_assessment_changes_are_rows_with_a_status_that_differs_from_the_stored_one() -> None:
    stored = [
        {"project_no": 1, "assessment": "on_track", "comment": "ok"},
        {"project_no": 2, "assessment": None, "comment": None},
        {"project_no": 3, "assessment": "caution", "comment": ""},
        {"project_no": 4, "assessment": None, "comment": None},
    ]
    statuses = {1: "on_track", 2: "delayed", 3: "caution", 4: ""}
    comments = {1: "ok", 2: "遅れ", 3: "理由を追記", 4: "状態なしのコメント"}
    assert assessment_changes(stored, statuses, comments) == [(2, "delayed", "遅れ"), (3, "caution", "理由を追記")]
