"""Real browser: links inside the pages keep the session, so a logged-in user stays logged in.

An ``<a href>`` in a page's HTML reloads the browser page, starts a new Streamlit session and
so logs the user out. The tables' choosers open their rows with ``st.page_link`` instead.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ADMIN_USER, go, login, wait_for_app

pytestmark = pytest.mark.browser


def _open(page: Any, row_key: str, option: str) -> None:
    """Choose ``option`` in the chooser under a table and press its 開く link."""
    row = page.locator(f".st-key-kpi_nav_{row_key}")
    box = row.get_by_role("combobox")
    for _ in range(5):  # a click on the text does not always open the list: ArrowDown does
        box.click()
        if box.get_attribute("aria-expanded") != "true":
            page.keyboard.press("ArrowDown")
        page.wait_for_timeout(300)
        if page.get_by_role("option", name=option).count():
            break
    page.get_by_role("option", name=option).first.click()
    page.wait_for_timeout(300)
    wait_for_app(page)
    row.get_by_role("link", name="開く").click()
    page.wait_for_timeout(300)
    wait_for_app(page)


def _logged_in(page: Any) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("ログイン中").count() == 1
    assert ADMIN_USER in sidebar.inner_text()


def test_links_from_overview_measure_page_and_changes_keep_the_login(accounts_server: str, browser_page: Any) -> None:
    page = browser_page
    page.goto(accounts_server + "/")
    wait_for_app(page)
    assert page.locator("table.kpi-table a").count() == 0, "an HTML link would reload the page and log out"
    login(page)

    _open(page, "overview_open_tree", "② マイナンバーカードの普及促進・利用の促進")
    page.get_by_role("heading", name="② マイナンバーカードの普及促進・利用の促進").wait_for()
    assert "measure=2" in page.url
    _logged_in(page)

    _open(page, "measures_open_project", "05 コンビニ交付サービス")
    page.get_by_role("heading", name="05 コンビニ交付サービス").wait_for()
    assert "project=5" in page.url
    _logged_in(page)

    go(page, "全体概要")
    _open(page, "overview_open_change", "16 漏水対応等の体制強化")
    page.get_by_role("heading", name="16 漏水対応等の体制強化").wait_for()
    _logged_in(page)

    go(page, "全体概要")
    _open(page, "overview_open_missing", "15 先端技術の導入・活用")
    page.get_by_role("heading", name="15 先端技術の導入・活用").wait_for()
    _logged_in(page)
    # The same target again after leaving: the page shows it, not its first entry.
    go(page, "全体概要")
    _open(page, "overview_open_missing", "15 先端技術の導入・活用")
    page.get_by_role("heading", name="15 先端技術の導入・活用").wait_for()
    _logged_in(page)
