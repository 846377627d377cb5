"""全体概要 under the month-end rush: what it computes from the shared statuses (the changes
since last month, the missing reports, the plan tree) is computed once per data version and
shared by every session; a sign-in is no new data, a save is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from kpi.services import overview as overview_service
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store import accounts
from kpi.store.db import make_engine, transaction
from kpi.web import cache
from tests.conftest import ADMIN, ROOT, TODAY

PASSWORD = "correct-horse-battery"


def _session() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_sessions_share_the_overviews_changes_missing_reports_and_tree_until_the_data_change(
    demo_app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    for name in ("status_changes", "missing_rows", "plan_tree"):
        real = getattr(overview_service, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(overview_service, name, counted)
    cache.clear_caches()
    first = _session()
    assert sorted(calls) == ["missing_rows", "plan_tree", "status_changes"]
    for _ in range(3):  # three more sessions, one rerun of the first
        _session()
    first.run()
    assert len(calls) == 3
    tree = [m.value for m in first.markdown if "kpi-policy" in m.value]
    assert tree, "the plan tree is drawn from the shared view"

    engine = make_engine(demo_app)
    with transaction(engine) as s:
        accounts.add_user(s, ADMIN, "shimin", PASSWORD, "editor", ["市民課"])
    _session()  # a new account is new data (the departments by user): computed again once
    calls.clear()
    accounts.login(engine, "shimin", PASSWORD, datetime(2026, 11, 24, 9, tzinfo=UTC))
    _session()
    assert calls == []  # a sign-in changed no data: nothing recomputed
    with transaction(engine) as s:
        record_actuals(s, [ActualInput("04-mynumber-card-rate", "2026-10", "98.7")], ADMIN, TODAY)
    engine.dispose()
    _session()
    assert sorted(calls) == ["missing_rows", "plan_tree", "status_changes"]  # a save did
