"""実績入力 on a full disk (a small tmpfs) and with PostgreSQL stopped (a private server): the
form says so in Japanese, keeps what was typed, saves nothing, and the same click saves once
the fault is gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.store import accounts
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.reads import actual_history
from tests.conftest import ADMIN, TODAY
from tests.services.test_faults import PrivateServer, fill_disk, private_postgres, small_disk
from tests.web.test_pages_entry import CARD, ENTRY, SHIMIN, _key, _page, _submit

__all__ = ["private_postgres", "small_disk"]  # the fixtures, used below


def test_a_save_on_a_full_disk_keeps_the_form_and_saves_after_space_is_freed(
    small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{small_disk / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        accounts.add_user(s, ADMIN, "shimin", "shimin-password-1", "editor", ["市民課"])
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    monkeypatch.setenv("KPI_TODAY", TODAY.isoformat())
    at: AppTest = _page(ENTRY, SHIMIN)
    assert not at.exception
    at.text_input(key=_key("2026-10", CARD)).input("87.5")
    at.text_input(key=_key("2026-10", CARD, "n")).input("窓口で増加")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    filler = fill_disk(small_disk)
    _submit(at)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("ディスクの空き容量が足りない" in e and "入力は残っています" in e for e in errors), errors
    assert at.text_input(key=_key("2026-10", CARD)).value == "87.5"
    assert at.text_input(key=_key("2026-10", CARD, "n")).value == "窓口で増加"
    with transaction(engine) as s:
        assert actual_history(s, 2026, CARD).empty
    filler.unlink()
    _submit(at)
    assert not at.exception
    assert any("1件を保存しました" in m.value for m in at.success)
    with transaction(engine) as s:
        assert list(actual_history(s, 2026, CARD)["value"]) == [87.5]
    engine.dispose()


def test_a_save_while_postgresql_is_stopped_keeps_the_input_until_it_is_back(
    private_postgres: PrivateServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = private_postgres.url
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        accounts.add_user(s, ADMIN, "shimin", "shimin-password-1", "editor", ["市民課"])
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    monkeypatch.setenv("KPI_TODAY", TODAY.isoformat())
    at: AppTest = _page(ENTRY, SHIMIN)
    assert not at.exception
    at.text_input(key=_key("2026-10", CARD)).input("87.5")
    at.text_input(key=_key("2026-10", CARD, "n")).input("窓口で増加")
    private_postgres.stop()
    _submit(at)
    assert not at.exception
    assert any("データベースのサーバーに接続できない" in e.value for e in at.error), [e.value for e in at.error]
    private_postgres.start()
    at.run()
    assert not at.exception
    assert any("データベースのサーバーに接続できないため保存できませんでした" in e.value for e in at.error)
    assert at.text_input(key=_key("2026-10", CARD)).value == "87.5"  # what was typed, not lost
    assert at.text_input(key=_key("2026-10", CARD, "n")).value == "窓口で増加"
    with transaction(engine) as s:
        assert actual_history(s, 2026, CARD).empty
    _submit(at)
    assert not at.exception
    assert any("1件を保存しました" in m.value for m in at.success)
    with transaction(engine) as s:
        assert list(actual_history(s, 2026, CARD)["value"]) == [87.5]
    engine.dispose()
