"""計画管理's reads and writes of locks and accounts (kpi.services.admin_page)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from kpi.services.admin_page import (
    add_account,
    departments_of,
    disable_account,
    locked_month_list,
    set_lock,
    user_list,
)
from kpi.store.accounts import AccountError, login
from kpi.store.db import transaction
from tests.conftest import ADMIN


def test_departments_are_split_at_japanese_and_ascii_commas() -> None:
    assert departments_of("市民課、 情報政策課,,経営戦略課 ") == ["市民課", "情報政策課", "経営戦略課"]
    assert departments_of("  ") == []


def test_locks_are_listed_oldest_first_and_a_repeat_changes_nothing(plan_engine: Engine) -> None:
    assert set_lock(plan_engine, ADMIN, 2026, "2026-06", True)
    assert set_lock(plan_engine, ADMIN, 2026, "2026-04", True)
    assert not set_lock(plan_engine, ADMIN, 2026, "2026-04", True)
    with transaction(plan_engine) as s:
        assert locked_month_list(s, 2026) == ["2026-04", "2026-06"]
    assert set_lock(plan_engine, ADMIN, 2026, "2026-04", False)
    with transaction(plan_engine) as s:
        assert locked_month_list(s, 2026) == ["2026-06"]


def test_an_account_gets_a_generated_password_when_none_is_given(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        given = add_account(s, ADMIN, "tanaka", "a-long-password-1", "editor", "市民課、情報政策課")
        generated = add_account(s, ADMIN, "suzuki", "", "viewer", "")
    assert given == "a-long-password-1" and len(generated) >= 12
    assert login(plan_engine, "suzuki", generated).role == "viewer"
    with transaction(plan_engine) as s:
        users = user_list(s).set_index("username")
    assert users.loc["tanaka", "departments"] == "市民課・情報政策課"
    with transaction(plan_engine) as s:
        disable_account(s, ADMIN, "tanaka")
    with transaction(plan_engine) as s:
        assert bool(user_list(s).set_index("username").loc["tanaka", "disabled"])


def test_an_editor_needs_a_department(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s, pytest.raises(AccountError):
        add_account(s, ADMIN, "sato", "a-long-password-1", "editor", " 、 ")
