"""Real browser: an editor of 市民課 logs in, enters October's マイナンバーカード保有率, sees
the status change on 全体概要; an administrator finds the entry in 変更履歴 (CSV export).

Runs its own server on a fresh database (the plan and two accounts, no sample data): the
issue's "fresh clone" situation, and the shared sample server stays untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kpi.store import accounts as auth
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.reads import actual_history

from ..conftest import ADMIN
from .conftest import require_chromium, run_streamlit, wait_for_app

pytestmark = pytest.mark.browser

EDITOR, EDITOR_PASSWORD = "shimin", "shimin-password-1"
BOSS, BOSS_PASSWORD = "boss", "boss-password-1"


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of ``streamlit run app.py`` on the plan with two accounts."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("e2e-entry")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        auth.add_user(s, ADMIN, EDITOR, EDITOR_PASSWORD, "editor", ["市民課"])
        auth.add_user(s, ADMIN, BOSS, BOSS_PASSWORD, "admin")
    engine.dispose()
    with run_streamlit(url, tmp / "streamlit.log") as base_url:
        yield base_url, url


def _no_exception(page: Any) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def _project_row(page: Any, name: str) -> str:
    # The project table, not the status-by-month matrix (table.kpi-history) below it.
    return str(page.locator("table.kpi-table:not(.kpi-history) tr", has_text=name).last.inner_text())


def _login(page: Any, username: str, password: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("利用者名").fill(username)
    sidebar.get_by_label("パスワード").fill(password)
    sidebar.get_by_role("button", name="ログイン").click()
    sidebar.get_by_text("ログイン中").wait_for()


def _go(page: Any, label: str) -> None:
    # Sidebar links keep the Streamlit session (and the login); a new URL would start a new one.
    page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True).first.click()
    page.get_by_role("heading", name=label).wait_for()
    wait_for_app(page)


def test_editor_enters_october_card_rate_and_the_overview_and_history_show_it(
    fresh_server: tuple[str, str], browser_page: Any, artifacts_dir: Path
) -> None:
    base_url, db_url = fresh_server
    page = browser_page
    page.goto(base_url + "/")
    wait_for_app(page)
    assert "未入力" in _project_row(page, "04 マイナンバーカードの普及・啓発")

    _login(page, EDITOR, EDITOR_PASSWORD)
    _go(page, "実績入力")
    body = page.inner_text("body")
    assert "マイナンバーカード保有率" in body
    assert "公開しているオンライン申請の手続き数" not in body  # 経営戦略課's indicator is not offered
    page.get_by_role("textbox", name="実績値（%）", exact=True).first.fill("87.5")
    page.get_by_label("備考（遅延の場合は理由）").first.fill("<b>休日窓口</b> **増加**")
    page.get_by_role("button", name="まとめて保存").click()
    page.get_by_text("1件を保存しました").wait_for()
    wait_for_app(page)
    _no_exception(page)
    assert "○ 順調" in page.inner_text("body")
    page.get_by_text("修正履歴: マイナンバーカード保有率").click()
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts_dir / "entry-saved.png"), full_page=True)

    _go(page, "全体概要")
    row = _project_row(page, "04 マイナンバーカードの普及・啓発")
    assert "順調" in row and "未入力" not in row
    page.screenshot(path=str(artifacts_dir / "entry-overview-after.png"), full_page=True)

    engine = make_engine(db_url)
    with transaction(engine) as s:
        hist = actual_history(s, 2026, "04-mynumber-card-rate")
    engine.dispose()
    assert (hist.iloc[0]["value"], hist.iloc[0]["author"], hist.iloc[0]["month"]) == (87.5, EDITOR, "2026-10")

    # 変更履歴 is for administrators: log out, log in as one, export the log as CSV.
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="ログアウト").click()
    page.locator('[data-testid="stSidebar"]').get_by_label("利用者名").wait_for()
    _login(page, BOSS, BOSS_PASSWORD)
    _go(page, "変更履歴")
    _no_exception(page)
    page.screenshot(path=str(artifacts_dir / "entry-history.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="CSVで保存").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    # the operation in words, the indicator by name, the detail as a sentence (no JSON)
    line = next(x for x in csv_text.splitlines() if "実績の保存" in x)
    assert EDITOR in line and "（2026年10月）" in line and "値 87.5" in line and "2026-" in line.split(",")[0]
    assert "{" not in line
